import OpenAI from 'openai';
import { FakeOpenAIServer } from '@app/testing';
import { GatewayProcess } from '@app/testing/processes/gateway-process';
import { waitFor } from '@app/testing/processes/worker-process';

/**
 * A stream its client abandons is one request line with status 499 that still says who answered
 * and what it cost: the close of the response must not be logged before the stream's usage is.
 */
describe('the request log line of a stream the client abandons', () => {
  let upstream: FakeOpenAIServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start({
      reply: Array.from({ length: 20 }, (_, index) => `word${index}`).join(' '),
      chunks: 20,
      chunkDelayMs: 150,
    });
    gateway = await GatewayProcess.start({
      OPENAI_BASE_URL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-upstream',
      PROVIDER_ORDER: 'openai',
      LOG_LEVEL: 'info',
      LOG_FLUSH_INTERVAL_MS: '0',
    });
  });
  afterAll(async () => {
    await gateway?.kill();
    await upstream?.stop();
  });

  it('has status 499, the provider, the model and the tokens delivered', async () => {
    const client = new OpenAI({
      baseURL: `${gateway.baseUrl}/v1`,
      apiKey: 'unused',
      maxRetries: 0,
    });
    const controller = new AbortController();
    const requestId = `abandoned-${Date.now()}`;
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'count' }], stream: true },
      { signal: controller.signal, headers: { 'x-request-id': requestId } },
    );
    let received = 0;
    try {
      for await (const _chunk of stream) {
        received += 1;
        if (received === 3) controller.abort();
      }
    } catch {
      // The SDK may throw or end quietly on abort.
    }
    expect(received).toBe(3);
    const line = await waitFor(
      async () => gateway.logLines('request').find((entry) => entry.requestId === requestId),
      5_000,
      'the request log line',
    );
    expect(line).toMatchObject({ status: 499, provider: 'openai', model: 'gpt-4o-mini' });
    expect(line.completionTokens).toBeGreaterThan(0);
    expect(line.promptTokens).toBeGreaterThan(0);
    // Exactly one line for the request.
    expect(
      gateway.logLines('request').filter((entry) => entry.requestId === requestId),
    ).toHaveLength(1);
  });
});
