import OpenAI from 'openai';
import { FakeOpenAIServer } from '@app/testing';
import {
  postJson,
  startGateway,
  userMessage,
  type RunningGateway,
} from './support/gateway-harness';
import { metricValue } from './support/controls-helpers';

const chatBody = { model: 'default', messages: userMessage() };

async function healthOf(gateway: RunningGateway) {
  return (await fetch(`${gateway.baseUrl}/health`).then((response) => response.json())) as Record<
    string,
    any
  >;
}

describe('routing, retries, circuit breakers and failover', () => {
  let primary: FakeOpenAIServer;
  let secondary: FakeOpenAIServer;
  let gateway: RunningGateway;

  beforeEach(async () => {
    primary = await FakeOpenAIServer.start({ reply: 'from primary' });
    secondary = await FakeOpenAIServer.start({ reply: 'from secondary' });
  });
  afterEach(async () => {
    await gateway?.close();
    await primary.stop();
    await secondary.stop();
  });

  const boot = async (env: Record<string, string> = {}) => {
    gateway = await startGateway({
      OPENAI_BASE_URL: primary.baseUrl,
      OLLAMA_BASE_URL: secondary.baseUrl,
      PROVIDER_ORDER: 'openai,ollama',
      ...env,
    });
  };

  it('fails over to the second provider when the first returns 500, after retrying', async () => {
    await boot({ MAX_RETRIES: '2' });
    primary.behaviour = 'error-500';
    const { data, response } = await gateway.client.chat.completions
      .create(chatBody)
      .withResponse();
    expect(data.choices[0].message.content).toBe('from secondary');
    expect(response.headers.get('x-gateway-provider')).toBe('ollama');
    expect(response.headers.get('x-gateway-attempts')).toBe('4');
    expect(primary.chatRequests).toHaveLength(3);
  });

  it('fails over when the first provider refuses connections (killed upstream)', async () => {
    await boot({ MAX_RETRIES: '0' });
    await primary.stop();
    const { data, response } = await gateway.client.chat.completions
      .create(chatBody)
      .withResponse();
    expect(data.choices[0].message.content).toBe('from secondary');
    expect(response.headers.get('x-gateway-provider')).toBe('ollama');
    primary = await FakeOpenAIServer.start();
  });

  it('honours Retry-After on 429 and then succeeds on the same provider', async () => {
    await boot({ MAX_RETRIES: '1', RETRY_MAX_DELAY_MS: '2000' });
    primary.options.retryAfterSeconds = 1;
    primary.enqueue('rate-limit');
    const started = Date.now();
    const { response } = await gateway.client.chat.completions.create(chatBody).withResponse();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(response.headers.get('x-gateway-attempts')).toBe('2');
  });

  it('does not retry or fail over a 400 from the provider: the client sees it', async () => {
    await boot();
    primary.behaviour = 'bad-request';
    const response = await postJson(`${gateway.baseUrl}/v1/chat/completions`, chatBody);
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({
      param: 'temperature',
      type: 'invalid_request_error',
    });
    expect(primary.chatRequests).toHaveLength(1);
    expect(secondary.chatRequests).toHaveLength(0);
  });

  it('times out a hanging provider (first byte) and fails over', async () => {
    await boot({ FIRST_BYTE_TIMEOUT_MS: '300', MAX_RETRIES: '0' });
    primary.behaviour = 'hang';
    const { data } = await gateway.client.chat.completions.create(chatBody).withResponse();
    expect(data.choices[0].message.content).toBe('from secondary');
    await primary.http.waitForClientAbort(1);
  });

  it('treats malformed JSON from a provider as a failure and fails over', async () => {
    await boot({ MAX_RETRIES: '0' });
    primary.behaviour = 'malformed-json';
    const { response } = await gateway.client.chat.completions.create(chatBody).withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('ollama');
  });

  it('answers 502 listing every attempt when all providers fail, without secrets', async () => {
    await boot({ MAX_RETRIES: '0', OPENAI_API_KEY: 'sk-very-secret' });
    primary.behaviour = 'error-500';
    secondary.behaviour = 'reset';
    const response = await postJson(`${gateway.baseUrl}/v1/chat/completions`, chatBody);
    expect(response.status).toBe(502);
    expect(response.json.error.code).toBe('all_providers_failed');
    expect(
      response.json.error.attempts.map((attempt: { provider: string }) => attempt.provider),
    ).toEqual(['openai', 'ollama']);
    expect(response.json.error.message).toContain('openai');
    expect(response.text).not.toContain('sk-very-secret');
  });

  it('runs the full breaker cycle: closed → open → half-open → closed', async () => {
    await boot({ MAX_RETRIES: '0', FAILURE_THRESHOLD: '2', RECOVERY_TIMEOUT: '0.4' });
    primary.behaviour = 'error-500';
    for (let index = 0; index < 2; index += 1)
      await gateway.client.chat.completions.create(chatBody);
    expect((await healthOf(gateway)).providers.openai.circuit_state).toBe('open');
    expect(primary.chatRequests).toHaveLength(2);

    // Open: the primary is skipped without being called.
    const skipped = await gateway.client.chat.completions.create(chatBody).withResponse();
    expect(skipped.response.headers.get('x-gateway-provider')).toBe('ollama');
    expect(primary.chatRequests).toHaveLength(2);

    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await healthOf(gateway)).providers.openai.circuit_state).toBe('half_open');

    // Half-open: one trial goes to the primary; it now succeeds, so the circuit closes.
    primary.behaviour = 'ok';
    const trial = await gateway.client.chat.completions.create(chatBody).withResponse();
    expect(trial.response.headers.get('x-gateway-provider')).toBe('openai');
    expect(primary.chatRequests).toHaveLength(3);
    expect((await healthOf(gateway)).providers.openai.circuit_state).toBe('closed');
  });

  it('re-opens the circuit when the half-open trial fails', async () => {
    await boot({ MAX_RETRIES: '0', FAILURE_THRESHOLD: '1', RECOVERY_TIMEOUT: '0.2' });
    primary.behaviour = 'error-500';
    await gateway.client.chat.completions.create(chatBody);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await gateway.client.chat.completions.create(chatBody);
    expect(primary.chatRequests).toHaveLength(2);
    expect((await healthOf(gateway)).providers.openai.circuit_state).toBe('open');
  });

  it('POST /admin/reset closes every circuit', async () => {
    await boot({ MAX_RETRIES: '0', FAILURE_THRESHOLD: '1', RECOVERY_TIMEOUT: '60' });
    primary.behaviour = 'error-500';
    await gateway.client.chat.completions.create(chatBody);
    expect((await healthOf(gateway)).providers.openai.circuit_state).toBe('open');
    const reset = await postJson(`${gateway.baseUrl}/admin/reset`, {});
    expect(reset.status).toBe(200);
    expect((await healthOf(gateway)).providers.openai.circuit_state).toBe('closed');
  });

  it("answers /ai/query as the seeds define it: the tier that answered, the primary tier's circuit", async () => {
    await boot({ MAX_RETRIES: '0', FAILURE_THRESHOLD: '1', RECOVERY_TIMEOUT: '60' });
    const healthy = await postJson(`${gateway.baseUrl}/ai/query`, { prompt: 'hi' });
    expect(healthy.json).toMatchObject({ backend: 'cloud', provider: 'openai', state: 'closed' });
    primary.behaviour = 'error-500';
    const degraded = await postJson(`${gateway.baseUrl}/ai/query`, { prompt: 'hi' });
    expect(degraded.status).toBe(200);
    expect(degraded.json).toMatchObject({
      response: 'from secondary',
      backend: 'local',
      provider: 'ollama',
      state: 'open',
    });
    expect(await healthOf(gateway)).toMatchObject({ circuit_state: 'open', local_available: true });
  });

  it('answers 503 when every circuit is open', async () => {
    await boot({ MAX_RETRIES: '0', FAILURE_THRESHOLD: '1', RECOVERY_TIMEOUT: '60' });
    primary.behaviour = 'error-500';
    secondary.behaviour = 'error-500';
    await postJson(`${gateway.baseUrl}/v1/chat/completions`, chatBody);
    const response = await postJson(`${gateway.baseUrl}/v1/chat/completions`, chatBody);
    expect(response.status).toBe(503);
    expect(response.json.error.code).toBe('all_providers_unavailable');
  });

  it('replaces a stream that dies before its first chunk without the client noticing', async () => {
    await boot({ MAX_RETRIES: '0' });
    primary.behaviour = 'stream-die-before-first';
    const { data: stream, response } = await gateway.client.chat.completions
      .create({ ...chatBody, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('from secondary');
    expect(response.headers.get('x-gateway-provider')).toBe('ollama');
  });

  it('ends a stream that dies after its first chunk with a final SSE error event', async () => {
    await boot({ MAX_RETRIES: '0' });
    primary.behaviour = 'stream-die-after-first';
    const stream = await gateway.client.chat.completions.create({ ...chatBody, stream: true });
    const consume = async () => {
      for await (const _chunk of stream) void _chunk;
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(secondary.chatRequests).toHaveLength(0);
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    primary.options.chunkDelayMs = 200;
    primary.options.chunks = 20;
    primary.options.reply = Array.from({ length: 20 }, (_, index) => `word${index}`).join(' ');
    await boot();
    const controller = new AbortController();
    const stream = await gateway.client.chat.completions.create(
      { ...chatBody, stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    try {
      for await (const _chunk of stream) {
        received += 1;
        if (received === 2) controller.abort();
      }
    } catch {
      // The SDK may throw or end quietly on abort; what matters is what the upstream saw.
    }
    expect(received).toBe(2);
    await primary.http.waitForClientAbort(1, 3000);
    expect(primary.http.clientAborts).toBe(1);
    // The stream had sent 200, but the client did not get the response: it counts as a 499.
    const metrics = await fetch(`${gateway.baseUrl}/metrics`).then((response) => response.text());
    const requests = (statusClass: string) =>
      metricValue(metrics, 'ai_gateway_requests_total', {
        api: 'openai',
        status_class: statusClass,
      });
    expect(requests('4xx')).toBe(1);
    expect(requests('2xx')).toBe(0);
  });

  it('pins one provider with the "provider" field', async () => {
    await boot();
    const response = await postJson(`${gateway.baseUrl}/v1/chat/completions`, {
      ...chatBody,
      provider: 'ollama',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-provider')).toBe('ollama');
    expect(primary.chatRequests).toHaveLength(0);
  });
});
