import { loadGatewayConfig } from '../../gateway/src/gateway-config';
import { FakeOpenAIServer } from '@app/testing';
import { GatewayProcess } from '@app/testing/processes/gateway-process';
import { waitFor } from '@app/testing/processes/worker-process';
import { reportTiming, sleep } from './support/fault-client';

const GRACE_MS = loadGatewayConfig({}).server.shutdownGraceMs;

/**
 * Issue 11, defect 9, with the shipped SHUTDOWN_GRACE_MS: SIGTERM while an upstream hangs (a
 * stream stalled after its first chunk, a request black-holed) exits within the grace period
 * plus one second; the stream ends with a final SSE error event.
 */
describe('gateway SIGTERM with a hung upstream', () => {
  let upstream: FakeOpenAIServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start();
    gateway = await GatewayProcess.start({
      OPENAI_BASE_URL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-fault',
      CACHE_ENABLED: 'false',
    });
  });
  afterAll(async () => {
    await gateway?.kill();
    await upstream?.stop();
  });

  it('exits within SHUTDOWN_GRACE_MS + 1 s, ending the hung stream with an error event', async () => {
    upstream.enqueue('stall-after-headers', 'hang');
    const post = (stream: boolean) =>
      fetch(`${gateway.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          stream,
          messages: [{ role: 'user', content: `shutdown ${Math.random()}` }],
        }),
      }).then(async (response) => ({ status: response.status, text: await response.text() }));
    const stalled = post(true);
    await waitFor(
      async () => (upstream.chatRequests.length === 1 ? true : undefined),
      5_000,
      'stream',
    );
    const blackHoled = post(false);
    await waitFor(
      async () => (upstream.chatRequests.length === 2 ? true : undefined),
      5_000,
      'request',
    );
    await sleep(200);

    const signalledAt = Date.now();
    gateway.signal('SIGTERM');
    const code = await gateway.exit();
    const exitedAfter = gateway.exitedAt! - signalledAt;
    reportTiming(
      `gateway SIGTERM with a hung upstream, exit after (grace ${GRACE_MS})`,
      exitedAfter,
    );
    expect(code).toBe(0);
    expect(exitedAfter).toBeLessThan(GRACE_MS + 1_000);

    const stream = await stalled;
    expect(stream.status).toBe(200);
    expect(stream.text).toContain('server_shutting_down');
    // The black-holed request ended by its first-byte timeout (10 s) inside the grace period.
    const request = await blackHoled;
    expect([502, 503]).toContain(request.status);
  }, 60_000);
});
