import { FakeOpenAIServer } from '@app/testing';
import { GatewayProcess } from '@app/testing/processes/gateway-process';
import { waitFor } from '@app/testing/processes/worker-process';

const GRACE_MS = 2_000;

/** POSTs a chat request and reads the whole answer (JSON or SSE text). */
async function post(baseUrl: string, stream: boolean) {
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'default',
      stream,
      messages: [{ role: 'user', content: `hello ${Math.random()}` }],
    }),
  });
  return { status: response.status, text: await response.text(), at: Date.now() };
}

/** The error objects of an SSE body's `data:` events. */
function sseErrors(text: string): { code: string }[] {
  return text
    .split('\n\n')
    .map((event) => event.replace(/^data: /, '').trim())
    .filter((data) => data.startsWith('{'))
    .map((data) => JSON.parse(data) as { error?: { code: string } })
    .flatMap((event) => (event.error ? [event.error] : []));
}

/**
 * Issue 11, defect 9: SIGTERM with a hung upstream exits within SHUTDOWN_GRACE_MS + 1 s; requests
 * that finish within the grace period complete, the rest end with a clear 503 / SSE error event.
 */
describe('graceful shutdown of a gateway process', () => {
  let upstream: FakeOpenAIServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start({
      reply: 'one two three four five',
      chunks: 5,
      chunkDelayMs: 250,
    });
    gateway = await GatewayProcess.start({
      OPENAI_BASE_URL: upstream.baseUrl,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      MAX_RETRIES: '0',
      FIRST_BYTE_TIMEOUT_MS: '60000',
      STREAM_IDLE_TIMEOUT_MS: '60000',
      REQUEST_TIMEOUT_MS: '120000',
      CACHE_ENABLED: 'false',
    });
  });
  afterAll(async () => {
    await gateway?.kill();
    await upstream?.stop();
  });

  it('finishes what fits in the grace period, ends the rest with 503, and exits within grace + 1 s', async () => {
    upstream.enqueue('hang', 'stall-after-headers', 'ok');
    const hung = post(gateway.baseUrl, false);
    await waitFor(
      async () => (upstream.chatRequests.length === 1 ? true : undefined),
      5_000,
      'hang',
    );
    const stalled = post(gateway.baseUrl, true);
    await waitFor(
      async () => (upstream.chatRequests.length === 2 ? true : undefined),
      5_000,
      'stall',
    );
    const finishing = post(gateway.baseUrl, true);
    await waitFor(async () => (upstream.chatRequests.length === 3 ? true : undefined), 5_000, 'ok');

    const signalledAt = Date.now();
    gateway.signal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Stopped accepting: a new connection is refused.
    await expect(fetch(`${gateway.baseUrl}/health`)).rejects.toThrow();

    const completed = await finishing;
    expect(completed.status).toBe(200);
    expect(completed.text).toContain('data: [DONE]');
    expect(sseErrors(completed.text)).toEqual([]);

    const hungAnswer = await hung;
    expect(hungAnswer.status).toBe(503);
    expect(JSON.parse(hungAnswer.text).error.code).toBe('server_shutting_down');
    expect(hungAnswer.at - signalledAt).toBeGreaterThanOrEqual(GRACE_MS - 100);

    const stalledAnswer = await stalled;
    expect(stalledAnswer.status).toBe(200);
    expect(stalledAnswer.text).toContain('partial');
    expect(sseErrors(stalledAnswer.text)).toEqual([
      expect.objectContaining({ code: 'server_shutting_down' }),
    ]);

    expect(await gateway.exit()).toBe(0);
    expect(gateway.exitedAt! - signalledAt).toBeLessThan(GRACE_MS + 1_000);
  }, 30_000);
});
