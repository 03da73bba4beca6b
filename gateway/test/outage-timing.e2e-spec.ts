import OpenAI from 'openai';
import { FakeOpenAIServer } from '@app/testing';
import {
  postJson,
  startGateway,
  userMessage,
  type RunningGateway,
} from './support/gateway-harness';

const chatBody = { model: 'default', messages: userMessage() };

async function circuitOf(gateway: RunningGateway, provider: string): Promise<string> {
  const health = (await fetch(`${gateway.baseUrl}/health`).then((response) => response.json())) as {
    providers: Record<string, { circuit_state: string }>;
  };
  return health.providers[provider].circuit_state;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

/**
 * Issue 11, defects 4 and 5: an outage costs one per-attempt deadline per request, not the
 * retries times the timeout, and a body that stalls after its headers does not hold the client
 * for the whole request timeout. Timeouts are scaled down (1 s); the fault suite checks the
 * shipped defaults against real processes.
 */
describe('outage timing: per-attempt deadlines, no retry on timeout, breaker counts attempts', () => {
  let primary: FakeOpenAIServer;
  let secondary: FakeOpenAIServer;
  let gateway: RunningGateway | undefined;

  beforeEach(async () => {
    primary = await FakeOpenAIServer.start({ reply: 'from primary' });
    secondary = await FakeOpenAIServer.start({ reply: 'from secondary' });
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await primary.stop();
    await secondary.stop();
  });

  const boot = async (env: Record<string, string> = {}) => {
    gateway = await startGateway({
      OPENAI_BASE_URL: primary.baseUrl,
      OLLAMA_BASE_URL: secondary.baseUrl,
      PROVIDER_ORDER: 'openai,ollama',
      // The shipped retry and breaker settings; only the timeouts are scaled down.
      MAX_RETRIES: '2',
      FAILURE_THRESHOLD: '3',
      RETRY_BASE_DELAY_MS: '200',
      RECOVERY_TIMEOUT: '60',
      FIRST_BYTE_TIMEOUT_MS: '1000',
      STREAM_IDLE_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '20000',
      ...env,
    });
    return gateway;
  };

  it('a black-holed primary costs one first-byte timeout per request and opens within FAILURE_THRESHOLD requests', async () => {
    const running = await boot();
    primary.behaviour = 'hang';
    for (let request = 1; request <= 3; request += 1) {
      const { value, ms } = await timed(() =>
        running.client.chat.completions.create(chatBody).withResponse(),
      );
      expect(value.data.choices[0].message.content).toBe('from secondary');
      expect(value.response.headers.get('x-gateway-attempts')).toBe('2');
      expect(ms).toBeLessThan(1000 + 1000);
      expect(primary.chatRequests).toHaveLength(request);
    }
    expect(await circuitOf(running, 'openai')).toBe('open');
    // Open: answered by the fallback at once, the primary is not called.
    const { ms } = await timed(() => running.client.chat.completions.create(chatBody));
    expect(ms).toBeLessThan(500);
    expect(primary.chatRequests).toHaveLength(3);
  }, 30_000);

  it('RETRY_ON_TIMEOUT=true retries a timed-out attempt on the same provider', async () => {
    const running = await boot({ RETRY_ON_TIMEOUT: 'true', MAX_RETRIES: '1' });
    primary.behaviour = 'hang';
    const { data } = await running.client.chat.completions.create(chatBody).withResponse();
    expect(data.choices[0].message.content).toBe('from secondary');
    expect(primary.chatRequests).toHaveLength(2);
  }, 30_000);

  it('the breaker counts failed attempts: one request whose three attempts fail opens it', async () => {
    const running = await boot({ RETRY_BASE_DELAY_MS: '5', RETRY_MAX_DELAY_MS: '20' });
    primary.behaviour = 'error-500';
    const { response } = await running.client.chat.completions.create(chatBody).withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('ollama');
    expect(primary.chatRequests).toHaveLength(3);
    expect(await circuitOf(running, 'openai')).toBe('open');
  });

  it('a non-stream body that stalls after its headers fails over after the idle timeout, not the request timeout', async () => {
    const running = await boot();
    primary.behaviour = 'stall-after-headers';
    const { value, ms } = await timed(() =>
      running.client.chat.completions.create(chatBody).withResponse(),
    );
    expect(value.data.choices[0].message.content).toBe('from secondary');
    expect(ms).toBeLessThan(1000 + 1500);
    expect(primary.chatRequests).toHaveLength(1);
    await primary.http.waitForClientAbort(1);
  }, 30_000);

  it('a stream that stalls after its first chunk ends with an SSE error event after the idle timeout', async () => {
    const running = await boot();
    primary.behaviour = 'stall-after-headers';
    const started = Date.now();
    const stream = await running.client.chat.completions.create({ ...chatBody, stream: true });
    let text = '';
    const consume = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe('partial');
    expect(Date.now() - started).toBeLessThan(1000 + 1000 + 1500);
    expect(secondary.chatRequests).toHaveLength(0);
  }, 30_000);

  it('a stream cut short is accounted with the tokens it delivered, not zero', async () => {
    const running = await boot({ ADMIN_API_KEY: 'admin-outage' });
    primary.behaviour = 'stream-die-after-first';
    const response = await fetch(`${running.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-outage', 'content-type': 'application/json' },
      body: JSON.stringify({ ...chatBody, stream: true }),
    });
    expect(await response.text()).toContain('"error"');
    const usage = (await fetch(`${running.baseUrl}/admin/usage?tenant=admin`, {
      headers: { authorization: 'Bearer admin-outage' },
    }).then((answer) => answer.json())) as {
      totals: { completion_tokens: number; prompt_tokens: number };
    };
    // The fake's first chunk carries the role and an empty text: nothing was generated yet.
    expect(usage.totals.prompt_tokens).toBeGreaterThan(0);
    expect(usage.totals.completion_tokens).toBe(0);

    primary.behaviour = 'stall-after-headers';
    const stalled = await fetch(`${running.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-outage', 'content-type': 'application/json' },
      body: JSON.stringify({ ...chatBody, stream: true }),
    });
    expect(await stalled.text()).toContain('partial');
    const after = (await fetch(`${running.baseUrl}/admin/usage?tenant=admin`, {
      headers: { authorization: 'Bearer admin-outage' },
    }).then((answer) => answer.json())) as { totals: { completion_tokens: number } };
    expect(after.totals.completion_tokens).toBe(1);
  }, 30_000);

  it('a request the provider rejects as invalid (400) is neither retried nor counted against it', async () => {
    const running = await boot({ FAILURE_THRESHOLD: '1' });
    primary.behaviour = 'bad-request';
    for (let request = 0; request < 3; request += 1) {
      const response = await postJson(`${running.baseUrl}/v1/chat/completions`, chatBody);
      expect(response.status).toBe(400);
    }
    expect(primary.chatRequests).toHaveLength(3);
    expect(secondary.chatRequests).toHaveLength(0);
    expect(await circuitOf(running, 'openai')).toBe('closed');
  });
});
