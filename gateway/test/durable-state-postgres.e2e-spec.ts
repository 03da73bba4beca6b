import { FakeOpenAIServer } from '@app/testing';
import {
  ADMIN_KEY,
  call,
  chat,
  chatBody,
  createTenant,
  metricValue,
  refusedWithin,
} from './support/controls-helpers';
import { startGateway, type RunningGateway } from './support/gateway-harness';
import { createTestDatabase, type TestDatabase } from './support/postgres-test-database';
import { RedisServerProcess } from './support/redis-server-process';
import { TcpProxy } from './support/tcp-proxy';

/**
 * The distributed topology: replicas share PostgreSQL (DATABASE_URL, a database of this test's
 * own) for tenants, keys and usage, and a throwaway Redis for hot state only.
 */
describe('durable state, PostgreSQL (DATABASE_URL)', () => {
  let upstream: FakeOpenAIServer;
  let database: TestDatabase;
  let redis: RedisServerProcess;
  const gateways: RunningGateway[] = [];

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start();
    redis = await RedisServerProcess.start();
  });
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    await database.drop();
    await redis.command((client) => client.flushall());
  });
  afterAll(async () => {
    await redis.stop();
    await upstream.stop();
  });

  const boot = async (env: Record<string, string> = {}) => {
    const gateway = await startGateway({
      OPENAI_BASE_URL: upstream.baseUrl,
      ADMIN_API_KEY: ADMIN_KEY,
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      // Long enough that only the change feed, not the expiry, can explain a refusal within 1 s.
      API_KEY_CACHE_TTL_MS: '60000',
      USAGE_FLUSH_INTERVAL_MS: '100',
      ...env,
    });
    gateways.push(gateway);
    return gateway;
  };
  const usageOf = (gateway: RunningGateway, tenantId: string) =>
    call(gateway, 'GET', `/admin/usage?tenant=${tenantId}`, { key: ADMIN_KEY });

  it('shares tenants between replicas; a revoke or a disable on one is refused by the other within 1 s', async () => {
    const [one, two] = [await boot(), await boot()];
    const tenant = await createTenant(one);
    expect((await chat(two, tenant.key)).status).toBe(200);
    const listed = await call(two, 'GET', `/admin/tenants/${tenant.id}`, { key: ADMIN_KEY });
    expect(listed.json).toMatchObject({ id: tenant.id, disabled: false });

    await call(one, 'DELETE', `/admin/keys/${tenant.keyId}`, { key: ADMIN_KEY });
    const revoked = await refusedWithin(two, tenant.key, 1000);
    expect(revoked.status).toBe(401);
    expect(revoked.json.error.code).toBe('revoked_api_key');

    const other = await createTenant(two, { name: 'other' });
    expect((await chat(one, other.key)).status).toBe(200);
    const disabled = await call(two, 'PATCH', `/admin/tenants/${other.id}`, {
      key: ADMIN_KEY,
      body: { disabled: true },
    });
    expect(disabled.json.disabled).toBe(true);
    const refused = await refusedWithin(one, other.key, 1000);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({ type: 'permission_error', code: 'tenant_disabled' });
    await call(two, 'PATCH', `/admin/tenants/${other.id}`, {
      key: ADMIN_KEY,
      body: { disabled: false },
    });
    const started = Date.now();
    while ((await chat(one, other.key)).status !== 200) {
      expect(Date.now() - started).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it('keeps keys and usage when the Redis database is flushed', async () => {
    const [one, two] = [await boot(), await boot()];
    const tenant = await createTenant(one, { budget_usd: 50 });
    for (const gateway of [one, two, one])
      expect((await chat(gateway, tenant.key)).status).toBe(200);

    await redis.command((client) => client.flushall());
    expect(await redis.command((client) => client.dbsize())).toBe(0);

    const replacement = await boot(); // a replica that never saw the key: it must come from PostgreSQL
    for (const gateway of [one, two, replacement])
      expect((await chat(gateway, tenant.key, chatBody('after the flush'))).status).toBe(200);
    // Every replica writes its rows within USAGE_FLUSH_INTERVAL_MS (100 ms here).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const settled = await usageOf(replacement, tenant.id);
    expect(settled.status).toBe(200);
    expect(settled.json.totals.requests).toBe(6);
    expect(settled.json.totals.cost_usd).toBeGreaterThan(0);
    expect((await call(two, 'GET', '/admin/tenants', { key: ADMIN_KEY })).json.data).toHaveLength(
      1,
    );
  });

  it('answers from cached keys while PostgreSQL is unreachable, buffers usage and writes it when it returns', async () => {
    const proxy = await TcpProxy.start(5432);
    try {
      const gateway = await boot({ DATABASE_URL: proxy.rewrite(database.url) });
      const tenant = await createTenant(gateway);
      // The tenant's own change messages (created, key issued) come back over Redis; landing after
      // the first lookup, they would drop the key it cached. Let them in first.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await chat(gateway, tenant.key)).status).toBe(200);

      await proxy.cut();
      for (const content of ['during', 'the', 'outage'])
        expect((await chat(gateway, tenant.key, chatBody(content))).status).toBe(200);
      const metrics = await call(gateway, 'GET', '/metrics');
      expect(metricValue(metrics.text, 'ai_usage_rows_pending')).toBeGreaterThanOrEqual(3);
      const refusedTenant = await call(gateway, 'POST', '/admin/tenants', {
        key: ADMIN_KEY,
        body: { name: 'not now' },
      });
      expect(refusedTenant.status).toBe(503);
      expect(refusedTenant.json.error.code).toBe('database_unavailable');
      expect((await usageOf(gateway, tenant.id)).status).toBe(503);

      await proxy.restore();
      const started = Date.now();
      let usage = await usageOf(gateway, tenant.id);
      while (usage.status !== 200 && Date.now() - started < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        usage = await usageOf(gateway, tenant.id);
      }
      expect(usage.json.totals.requests).toBe(4);
      expect(
        metricValue((await call(gateway, 'GET', '/metrics')).text, 'ai_usage_rows_pending'),
      ).toBe(0);
      expect(metricValue(metrics.text, 'ai_usage_rows_dropped_total')).toBe(0);
    } finally {
      await proxy.cut();
    }
  });

  it('stops a tenant over budget on every replica once another replica’s spend is written', async () => {
    const env = { SPEND_CACHE_TTL_MS: '100' };
    const [one, two] = [await boot(env), await boot(env)];
    const tenant = await createTenant(one, { budget_usd: 0.000001, budget_period: 'daily' });
    expect((await chat(one, tenant.key)).status).toBe(200);
    const before = upstream.chatRequests.length;
    const started = Date.now();
    let refused = await chat(two, tenant.key, chatBody('another question'));
    while (refused.status === 200 && Date.now() - started < 3000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      refused = await chat(two, tenant.key, chatBody('another question'));
    }
    expect(refused.status).toBe(402);
    expect(refused.json.error.code).toBe('budget_exceeded');
    // At most the calls that raced the first flush reached the provider.
    expect(upstream.chatRequests.length - before).toBeLessThanOrEqual(2);
  });
});
