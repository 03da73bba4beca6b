import { FakeOpenAIServer } from '@app/testing';
import { ADMIN_KEY, call, chat, chatBody, createTenant } from './support/controls-helpers';
import { rmSync } from 'node:fs';
import { startGateway, temporaryDataDir, type RunningGateway } from './support/gateway-harness';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from './support/redis-test-prefix';

describe('throttling, budgets and usage', () => {
  let upstream: FakeOpenAIServer;
  const gateways: RunningGateway[] = [];
  const prefixes: string[] = [];
  const dataDirs: string[] = [];

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    await Promise.all(prefixes.splice(0).map(deleteRedisPrefix));
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  afterAll(() => upstream.stop());

  const boot = async (env: Record<string, string> = {}) => {
    const gateway = await startGateway({
      OPENAI_BASE_URL: upstream.baseUrl,
      ADMIN_API_KEY: ADMIN_KEY,
      ...env,
    });
    gateways.push(gateway);
    return gateway;
  };
  /** Replicas on one Redis for hot counters and one SQLite file (same host) for tenants. */
  const redisEnv = () => {
    const prefix = uniqueRedisPrefix('limits');
    prefixes.push(prefix);
    const dataDir = temporaryDataDir('limits');
    dataDirs.push(dataDir);
    return { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, DATA_DIR: dataDir };
  };

  it('refuses requests beyond the tenant RPM with 429, Retry-After and x-ratelimit headers', async () => {
    const gateway = await boot();
    const tenant = await createTenant(gateway, { rate_limit_rpm: 2 });
    const first = await chat(gateway, tenant.key);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    await chat(gateway, tenant.key);
    const limited = await chat(gateway, tenant.key);
    expect(limited.status).toBe(429);
    expect(limited.json.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');

    const counters = await call(gateway, 'GET', `/admin/ratelimit/${tenant.keyId}`, {
      key: ADMIN_KEY,
    });
    expect(counters.json).toMatchObject({ tenant_id: tenant.id, requests: { used: 3, limit: 2 } });
    await call(gateway, 'DELETE', `/admin/ratelimit/${tenant.id}`, { key: ADMIN_KEY });
    expect((await chat(gateway, tenant.key)).status).toBe(200);
  });

  it('shares one limit between two gateway replicas on one Redis: their sum never exceeds it', async () => {
    const env = { ...redisEnv(), RATE_LIMIT_RPM: '5' };
    const [one, two] = [await boot(env), await boot(env)];
    const tenant = await createTenant(one, { rate_limit_rpm: 7 });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) => chat(index % 2 ? one : two, tenant.key)),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(7);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(13);
  });

  it('stops a tenant over budget with 402 before any provider call', async () => {
    const gateway = await boot();
    const tenant = await createTenant(gateway, { budget_usd: 0.000001, budget_period: 'daily' });
    expect((await chat(gateway, tenant.key)).status).toBe(200);
    const before = upstream.chatRequests.length;
    const refused = await chat(gateway, tenant.key, chatBody('another question'));
    expect(refused.status).toBe(402);
    expect(refused.json.error).toMatchObject({
      type: 'insufficient_quota',
      code: 'budget_exceeded',
    });
    expect(refused.json.error.message).toContain('daily budget');
    expect(upstream.chatRequests.length).toBe(before);
  });

  it('limits tokens per minute from the usage of earlier calls', async () => {
    const gateway = await boot();
    const tenant = await createTenant(gateway, { tokens_per_minute: 5 });
    expect((await chat(gateway, tenant.key)).status).toBe(200);
    const limited = await chat(gateway, tenant.key, chatBody('more'));
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('tokens_per_minute_exceeded');
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });

  it('accounts usage of streams (the upstream usage chunk) even when the client did not ask for it', async () => {
    const gateway = await boot();
    const tenant = await createTenant(gateway);
    const streamed = await chat(gateway, tenant.key, chatBody('stream', { stream: true }));
    expect(streamed.text).not.toContain('"usage"');
    await chat(gateway, tenant.key);
    const usage = await call(gateway, 'GET', `/admin/usage?tenant=${tenant.id}`, {
      key: ADMIN_KEY,
    });
    expect(usage.json.totals).toMatchObject({ requests: 2, completion_tokens: 10 });
    expect(usage.json.totals.cost_usd).toBeGreaterThan(0);
    expect(usage.json.data[0]).toMatchObject({
      tenant_id: tenant.id,
      model: 'gpt-4o-mini',
      date: new Date().toISOString().slice(0, 10),
    });
    expect((await call(gateway, 'GET', '/admin/usage?from=nope', { key: ADMIN_KEY })).status).toBe(
      400,
    );
  });

  it('accounts embeddings usage and cost per tenant, and stops them over budget', async () => {
    const gateway = await boot();
    const tenant = await createTenant(gateway, { budget_usd: 1, budget_period: 'daily' });
    const embedded = await call(gateway, 'POST', '/v1/embeddings', {
      key: tenant.key,
      body: { model: 'text-embedding-3-small', input: ['one two', 'three'] },
    });
    expect(embedded.status).toBe(200);
    expect(Number(embedded.headers.get('x-gateway-cost-usd'))).toBeGreaterThan(0);
    const usage = await call(gateway, 'GET', `/admin/usage?tenant=${tenant.id}`, {
      key: ADMIN_KEY,
    });
    expect(usage.json.totals).toMatchObject({
      requests: 1,
      prompt_tokens: embedded.json.usage.prompt_tokens,
      completion_tokens: 0,
    });

    const broke = await createTenant(gateway, { budget_usd: 0.000001, budget_period: 'daily' });
    await call(gateway, 'POST', '/v1/embeddings', {
      key: broke.key,
      body: {
        model: 'text-embedding-3-small',
        input: Array.from({ length: 100 }, () => 'w '.repeat(20)),
      },
    });
    const before = upstream.requests.length;
    const refused = await call(gateway, 'POST', '/v1/embeddings', {
      key: broke.key,
      body: { model: 'text-embedding-3-small', input: 'again' },
    });
    expect(refused.status).toBe(402);
    expect(upstream.requests.length).toBe(before);
  });

  it('keeps tenants, keys and usage across a gateway restart with Redis', async () => {
    const env = redisEnv();
    const first = await boot(env);
    const tenant = await createTenant(first, { budget_usd: 100 });
    await chat(first, tenant.key);
    await first.close();
    gateways.splice(gateways.indexOf(first), 1);
    const second = await boot(env);
    expect((await chat(second, undefined)).status).toBe(401);
    expect((await chat(second, tenant.key, chatBody('after restart'))).status).toBe(200);
    const usage = await call(second, 'GET', `/admin/usage?tenant=${tenant.id}`, { key: ADMIN_KEY });
    expect(usage.json.totals.requests).toBe(2);
  });
});
