import { loadGatewayConfig } from '../../gateway/src/gateway-config';
import { FakeOpenAIServer } from '@app/testing';
import { GatewayProcess } from '@app/testing/processes/gateway-process';
import { reportTiming, timedCall, uniqueChat } from './support/fault-client';

const shipped = loadGatewayConfig({}).routing;

/**
 * Issue 11, defect 4, with the shipped defaults: a black-holed primary (accepts, never answers)
 * costs each request one FIRST_BYTE_TIMEOUT_MS, never the retries times the timeout, and its
 * circuit opens within FAILURE_THRESHOLD requests, after which the fallback answers at once.
 */
describe('black-holed primary provider', () => {
  let primary: FakeOpenAIServer;
  let fallback: FakeOpenAIServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    [primary, fallback] = await Promise.all([
      FakeOpenAIServer.start(),
      FakeOpenAIServer.start({ reply: 'from the fallback' }),
    ]);
    primary.behaviour = 'hang';
    gateway = await GatewayProcess.start({
      OPENAI_BASE_URL: primary.baseUrl,
      OPENAI_API_KEY: 'sk-fault',
      OLLAMA_BASE_URL: fallback.baseUrl,
      PROVIDER_ORDER: 'openai,ollama',
      CACHE_ENABLED: 'false',
    });
  });
  afterAll(async () => {
    await gateway?.kill();
    await Promise.all([primary?.stop(), fallback?.stop()]);
  });

  it(`answers from the fallback within FIRST_BYTE_TIMEOUT_MS + 1 s, and opens the circuit within FAILURE_THRESHOLD requests`, async () => {
    const url = `${gateway.baseUrl}/v1/chat/completions`;
    for (let request = 1; request <= shipped.failureThreshold; request += 1) {
      const stream = request === 2;
      const answer = await timedCall(url, { body: uniqueChat({ stream }) });
      reportTiming(
        `black-holed primary, request ${request}${stream ? ' (stream, first byte)' : ''} answered after`,
        answer.ms,
      );
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('from the fallback'.split(' ')[0]);
      expect(answer.ms).toBeLessThan(shipped.firstByteTimeoutMs + 1_000);
      expect(primary.chatRequests).toHaveLength(request);
    }
    const open = await timedCall(url, { body: uniqueChat() });
    reportTiming('black-holed primary, circuit open, answered after', open.ms);
    expect(open.status).toBe(200);
    expect(open.ms).toBeLessThan(1_000);
    expect(primary.chatRequests).toHaveLength(shipped.failureThreshold);
    const health = await timedCall(`${gateway.baseUrl}/health`);
    expect(health.json.providers.openai.circuit_state).toBe('open');
  }, 120_000);
});
