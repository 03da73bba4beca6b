import { rmSync } from 'node:fs';
import { FakeOpenAIServer } from '@app/testing';
import {
  ADMIN_KEY,
  call,
  chat,
  chatBody,
  createTenant,
  refusedWithin,
} from './support/controls-helpers';
import { startGateway, temporaryDataDir, type RunningGateway } from './support/gateway-harness';
import { GatewayProcess } from '@app/testing/processes/gateway-process';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from './support/redis-test-prefix';

/** The embedded default: tenants, keys and the usage ledger in a SQLite file under DATA_DIR. */
describe('durable state, embedded (SQLite under DATA_DIR)', () => {
  let upstream: FakeOpenAIServer;
  let dataDir: string;
  const processes: GatewayProcess[] = [];
  const apps: RunningGateway[] = [];

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start();
  });
  beforeEach(() => {
    dataDir = temporaryDataDir('durable');
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((gateway) => gateway.kill()));
    await Promise.all(apps.splice(0).map((gateway) => gateway.close()));
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(() => upstream.stop());

  const startProcess = async () => {
    const gateway = await GatewayProcess.start({
      OPENAI_BASE_URL: upstream.baseUrl,
      ADMIN_API_KEY: ADMIN_KEY,
      DATA_DIR: dataDir,
      CACHE_ENABLED: 'false',
      // A flush interval far longer than the test: only the shutdown flush can write the rows.
      USAGE_FLUSH_INTERVAL_MS: '600000',
    });
    processes.push(gateway);
    return gateway;
  };
  const asRunning = (gateway: GatewayProcess) => ({ baseUrl: gateway.baseUrl }) as RunningGateway;
  const today = () => new Date().toISOString().slice(0, 10);

  it('keeps the tenant, its key and the day’s usage across a clean restart of the process', async () => {
    const first = await startProcess();
    const tenant = await createTenant(asRunning(first), { budget_usd: 100 });
    for (const content of ['one', 'two', 'three'])
      expect((await chat(asRunning(first), tenant.key, chatBody(content))).status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = asRunning(await startProcess());
    expect((await chat(second, undefined)).status).toBe(401);
    expect((await chat(second, tenant.key, chatBody('after restart'))).status).toBe(200);
    const tenants = await call(second, 'GET', '/admin/tenants', { key: ADMIN_KEY });
    expect(tenants.json.data).toHaveLength(1);
    expect(tenants.json.data[0]).toMatchObject({ id: tenant.id, budget_usd: 100, disabled: false });
    const usage = await call(second, 'GET', `/admin/usage?tenant=${tenant.id}&from=${today()}`, {
      key: ADMIN_KEY,
    });
    expect(usage.status).toBe(200);
    expect(usage.json.totals).toMatchObject({ requests: 4, completion_tokens: 20 });
    expect(usage.json.totals.prompt_tokens).toBeGreaterThan(0);
    expect(usage.json.totals.cost_usd).toBeGreaterThan(0);
    expect(usage.json.data).toEqual([
      expect.objectContaining({
        date: today(),
        tenant_id: tenant.id,
        model: 'gpt-4o-mini',
        requests: 4,
      }),
    ]);
  });

  it('keeps tenants and keys acknowledged with 201 just before SIGKILL', async () => {
    const first = await startProcess();
    const created = [];
    for (let index = 0; index < 5; index += 1)
      created.push(await createTenant(asRunning(first), { name: `tenant ${index}` }));
    const extraKey = await call(asRunning(first), 'POST', `/admin/tenants/${created[0].id}/keys`, {
      key: ADMIN_KEY,
    });
    expect(extraKey.status).toBe(201);
    await first.kill();

    const second = asRunning(await startProcess());
    const listed = await call(second, 'GET', '/admin/tenants', { key: ADMIN_KEY });
    const ids = (listed.json.data as unknown as { id: string }[]).map((tenant) => tenant.id);
    expect(ids).toEqual(created.map((tenant) => tenant.id));
    for (const tenant of created) expect((await chat(second, tenant.key)).status).toBe(200);
    expect((await chat(second, String(extraKey.json.key))).status).toBe(200);
  });

  it('shares tenants between replicas on one SQLite file; a revoke on one is refused by the other within 1 s (Redis pub/sub)', async () => {
    const prefix = uniqueRedisPrefix('durable');
    const env = {
      OPENAI_BASE_URL: upstream.baseUrl,
      ADMIN_API_KEY: ADMIN_KEY,
      DATA_DIR: dataDir,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      // Long enough that only the broadcast, not the expiry, can explain a refusal within 1 s.
      API_KEY_CACHE_TTL_MS: '60000',
    };
    try {
      const one = await startGateway(env);
      apps.push(one);
      const two = await startGateway(env);
      apps.push(two);
      const tenant = await createTenant(one);
      expect((await chat(two, tenant.key)).status).toBe(200);
      await call(one, 'DELETE', `/admin/keys/${tenant.keyId}`, { key: ADMIN_KEY });
      const refused = await refusedWithin(two, tenant.key, 1000);
      expect(refused.json.error.code).toBe('revoked_api_key');
    } finally {
      await deleteRedisPrefix(prefix);
    }
  });
});
