import { loadGatewayConfig } from '../../gateway/src/gateway-config';
import { FakeOpenAIServer } from '@app/testing';
import { GatewayProcess } from '@app/testing/processes/gateway-process';
import { RedisServerProcess } from '@app/testing/processes/redis-server-process';
import {
  reportTiming,
  sleep,
  timedCall,
  uniqueChat,
  type TimedAnswer,
} from './support/fault-client';

const ADMIN_KEY = 'admin-fault-secret';
/** The shipped command timeout: what a frozen Redis may cost a request, plus one second. */
const COMMAND_TIMEOUT_MS = loadGatewayConfig({}).redisCommandTimeoutMs;
const FREEZE_MS = 8_000;

/**
 * Issue 11, defect 6, with the shipped defaults: a throwaway redis-server that is frozen
 * (SIGSTOP 8 s) and killed while two gateway processes use it. Requests are answered within the
 * command timeout + 1 s, limits fail open (or closed, by RATE_LIMIT_FAIL_MODE), the cache is
 * bypassed, and the only errors are 503s where Redis is needed (tenant keys today), never 500.
 */
describe('Redis faults: degrade, never hang, never 500', () => {
  let redis: RedisServerProcess;
  let upstream: FakeOpenAIServer;
  let open: GatewayProcess;
  let closed: GatewayProcess;
  let tenantKey: string;

  const env = (extra: Record<string, string>) => ({
    REDIS_URL: redis.url,
    OPENAI_BASE_URL: upstream.baseUrl,
    OPENAI_API_KEY: 'sk-fault',
    ADMIN_API_KEY: ADMIN_KEY,
    RATE_LIMIT_RPM: '100000',
    CACHE_ENABLED: 'true',
    ...extra,
  });
  const chat = (gateway: GatewayProcess, key: string) =>
    timedCall(`${gateway.baseUrl}/v1/chat/completions`, { key, body: uniqueChat() });

  beforeAll(async () => {
    [redis, upstream] = await Promise.all([RedisServerProcess.start(), FakeOpenAIServer.start()]);
    [open, closed] = await Promise.all([
      GatewayProcess.start(env({})),
      GatewayProcess.start(env({ RATE_LIMIT_FAIL_MODE: 'closed' })),
    ]);
    const tenant = await timedCall(`${open.baseUrl}/admin/tenants`, {
      key: ADMIN_KEY,
      body: { name: 'fault-tenant' },
    });
    expect(tenant.status).toBe(201);
    tenantKey = tenant.json.api_key.key;
    expect((await chat(open, tenantKey)).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([open?.kill(), closed?.kill()]);
    await redis?.kill();
    await upstream?.stop();
  });

  it('a frozen Redis (SIGSTOP 8 s) costs at most the command timeout + 1 s per request', async () => {
    const answers: { what: string; answer: TimedAnswer }[] = [];
    const probe = async (what: string, call: () => Promise<TimedAnswer>) =>
      answers.push({ what, answer: await call() });
    redis.freeze();
    const frozenAt = Date.now();
    try {
      while (Date.now() - frozenAt < FREEZE_MS - 1_500) {
        await probe('admin key, limits fail open', () => chat(open, ADMIN_KEY));
        await probe('tenant key', () => chat(open, tenantKey));
        await probe('limits fail closed', () => chat(closed, ADMIN_KEY));
        await probe('readiness', () => timedCall(`${open.baseUrl}/health/ready`));
        await probe('readiness (fail closed)', () => timedCall(`${closed.baseUrl}/health/ready`));
        await sleep(200);
      }
    } finally {
      await sleep(Math.max(0, FREEZE_MS - (Date.now() - frozenAt)));
      redis.thaw();
    }
    for (const { what, answer } of answers) {
      expect({ what, ms: answer.ms, slow: answer.ms > COMMAND_TIMEOUT_MS + 1_000 }).toEqual({
        what,
        ms: answer.ms,
        slow: false,
      });
      expect(answer.status).not.toBe(500);
    }
    const byWhat = (what: string) => answers.filter((entry) => entry.what === what);
    for (const what of new Set(answers.map((entry) => entry.what))) {
      const slowest = Math.max(...byWhat(what).map((entry) => entry.answer.ms));
      reportTiming(
        `Redis frozen, slowest answer (${what}, bound ${COMMAND_TIMEOUT_MS + 1_000})`,
        slowest,
      );
    }
    expect(byWhat('admin key, limits fail open').every(({ answer }) => answer.status === 200)).toBe(
      true,
    );
    // Keys live in the database (SQLite here), not in Redis: a tenant keeps being served, its
    // limits failing open like the admin's.
    for (const { answer } of byWhat('tenant key')) expect(answer.status).toBe(200);
    for (const { answer } of byWhat('limits fail closed')) {
      expect(answer.status).toBe(503);
      expect(answer.json.error.code).toBe('rate_limiter_unavailable');
    }
    for (const { answer } of byWhat('readiness')) {
      // Ridden out by design: still ready, degraded, naming Redis and what it costs.
      expect(answer.status).toBe(200);
      expect(answer.json.status).toBe('degraded');
      expect(answer.json.degraded.redis).toMatchObject({ status: 'down' });
    }
    for (const { answer } of byWhat('readiness (fail closed)')) {
      // RATE_LIMIT_FAIL_MODE=closed refuses client traffic without Redis: not ready.
      expect(answer.status).toBe(503);
      expect(answer.json.error.redis).toMatchObject({ status: 'down' });
    }
    // Thawed: everything is back within a few seconds.
    const recovered = await waitForStatus(() => chat(open, tenantKey), 200, 5_000);
    expect(recovered.status).toBe(200);
  }, 60_000);

  it('a dead Redis: answers at once, readiness names it, and the gateway recovers on restart', async () => {
    await redis.kill();
    const admin = await chat(open, ADMIN_KEY);
    reportTiming('Redis dead, admin-key request answered in', admin.ms);
    expect(admin.status).toBe(200);
    expect(admin.ms).toBeLessThan(1_000);
    const tenant = await chat(open, tenantKey);
    expect(tenant.status).toBe(200);
    expect(tenant.ms).toBeLessThan(1_000);
    const ready = await timedCall(`${open.baseUrl}/health/ready`);
    expect(ready.ms).toBeLessThan(COMMAND_TIMEOUT_MS + 1_000);
    expect(ready.json.details?.redis ?? ready.json.degraded?.redis).toMatchObject({
      status: 'down',
    });
    await redis.restart();
    // The restarted Redis is empty, but tenants and keys are durable records: the key still works.
    const back = await waitForStatus(() => chat(open, ADMIN_KEY), 200, 10_000);
    expect(back.status).toBe(200);
    expect((await chat(open, tenantKey)).status).toBe(200);
    const readyAgain = await waitFor(
      () => timedCall(`${open.baseUrl}/health/ready`),
      (answer) => answer.json.status === 'ok',
      10_000,
    );
    expect(readyAgain.status).toBe(200);
    expect(readyAgain.json.info.redis.status).toBe('up');
  }, 60_000);
});

function waitForStatus(
  call: () => Promise<TimedAnswer>,
  status: number,
  timeoutMs: number,
): Promise<TimedAnswer> {
  return waitFor(call, (answer) => answer.status === status, timeoutMs);
}

async function waitFor(
  call: () => Promise<TimedAnswer>,
  done: (answer: TimedAnswer) => boolean,
  timeoutMs: number,
): Promise<TimedAnswer> {
  const deadline = Date.now() + timeoutMs;
  let answer = await call();
  while (!done(answer) && Date.now() < deadline) {
    await sleep(200);
    answer = await call();
  }
  return answer;
}
