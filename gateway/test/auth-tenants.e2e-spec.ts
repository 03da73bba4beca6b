import OpenAI from 'openai';
import { FakeOpenAIServer } from '@app/testing';
import { ADMIN_KEY, call, chat, chatBody, createTenant } from './support/controls-helpers';
import { startGateway, type RunningGateway } from './support/gateway-harness';

describe('keys and tenants', () => {
  let upstream: FakeOpenAIServer;
  let gateway: RunningGateway | undefined;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start();
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });
  afterAll(() => upstream.stop());

  const boot = async (env: Record<string, string> = {}) => {
    gateway = await startGateway({
      OPENAI_BASE_URL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-upstream-secret',
      ...env,
    });
    return gateway;
  };

  it('answers the auth matrix with OpenAI-shaped errors: no key, bad key, admin key, tenant key, revoked key', async () => {
    const gw = await boot({ ADMIN_API_KEY: ADMIN_KEY });
    const missing = await chat(gw, undefined);
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatchObject({
      type: 'authentication_error',
      code: 'missing_api_key',
    });
    const bad = await chat(gw, 'gw-sk-not-a-real-key');
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe('invalid_api_key');
    expect((await chat(gw, 'sk-something-else')).status).toBe(401);
    expect((await chat(gw, ADMIN_KEY)).status).toBe(200);

    const tenant = await createTenant(gw);
    expect(tenant.key).toMatch(/^gw-sk-/);
    expect((await chat(gw, tenant.key)).status).toBe(200);
    const revoked = await call(gw, 'DELETE', `/admin/keys/${tenant.keyId}`, { key: ADMIN_KEY });
    expect(revoked.json).toMatchObject({ id: tenant.keyId, revoked: true });
    const afterRevoke = await chat(gw, tenant.key);
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.json.error.code).toBe('revoked_api_key');

    const second = await call(gw, 'POST', `/admin/tenants/${tenant.id}/keys`, { key: ADMIN_KEY });
    expect(second.status).toBe(201);
    expect((await chat(gw, String(second.json.key))).status).toBe(200);
  });

  it('keeps tenant keys out of the admin API and the admin key out of tenants hands', async () => {
    const gw = await boot({ ADMIN_API_KEY: ADMIN_KEY });
    const tenant = await createTenant(gw);
    expect((await call(gw, 'GET', '/admin/tenants', { key: tenant.key })).status).toBe(401);
    expect((await call(gw, 'GET', '/admin/tenants')).status).toBe(401);
    const listed = await call(gw, 'GET', '/admin/tenants', { key: ADMIN_KEY });
    expect(listed.json.data).toHaveLength(1);
    const text =
      listed.text + (await call(gw, 'GET', `/admin/tenants/${tenant.id}`, { key: ADMIN_KEY })).text;
    expect(text).not.toContain(tenant.key);
    expect(text).not.toContain('sk-upstream-secret');
    expect(text).not.toMatch(/[0-9a-f]{64}/); // no key hashes either
  });

  it('refuses a model outside the tenant allow-list with 403 and never calls the provider', async () => {
    const gw = await boot({ ADMIN_API_KEY: ADMIN_KEY });
    const tenant = await createTenant(gw, { allowed_models: ['default'] });
    const before = upstream.chatRequests.length;
    const refused = await chat(gw, tenant.key, chatBody());
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({
      type: 'permission_error',
      code: 'model_not_allowed',
      param: 'model',
    });
    expect(upstream.chatRequests.length).toBe(before);
    expect((await chat(gw, tenant.key, { ...chatBody(), model: 'default' })).status).toBe(200);
    const models = await call(gw, 'GET', '/v1/models', { key: tenant.key });
    expect((models.json.data as unknown as { id: string }[]).map((model) => model.id)).toEqual([
      'default',
    ]);
    expect((await call(gw, 'GET', '/v1/models/gpt-4o-mini', { key: tenant.key })).status).toBe(404);
    const everything = await call(gw, 'GET', '/v1/models', { key: ADMIN_KEY });
    expect((everything.json.data as unknown as unknown[]).length).toBeGreaterThan(1);
  });

  it('updates and deletes tenants; a deleted tenant’s keys stop working', async () => {
    const gw = await boot({ ADMIN_API_KEY: ADMIN_KEY });
    const tenant = await createTenant(gw, { budget_usd: 5, budget_period: 'daily' });
    const patched = await call(gw, 'PATCH', `/admin/tenants/${tenant.id}`, {
      key: ADMIN_KEY,
      body: { name: 'renamed', budget_usd: null, rate_limit_rpm: 100 },
    });
    expect(patched.json).toMatchObject({
      name: 'renamed',
      budget_usd: null,
      rate_limit_rpm: 100,
      budget_period: 'daily',
    });
    expect(
      (
        await call(gw, 'PATCH', `/admin/tenants/${tenant.id}`, {
          key: ADMIN_KEY,
          body: { bogus: 1 },
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(gw, 'DELETE', `/admin/tenants/${tenant.id}`, { key: ADMIN_KEY })).status,
    ).toBe(200);
    expect((await call(gw, 'GET', `/admin/tenants/${tenant.id}`, { key: ADMIN_KEY })).status).toBe(
      404,
    );
    expect((await chat(gw, tenant.key)).status).toBe(401);
  });

  it('refuses every client route to a disabled tenant with 403 tenant_disabled, and serves it again once enabled', async () => {
    const gw = await boot({ ADMIN_API_KEY: ADMIN_KEY });
    const tenant = await createTenant(gw);
    expect(tenant.body.disabled).toBe(false);
    const patched = await call(gw, 'PATCH', `/admin/tenants/${tenant.id}`, {
      key: ADMIN_KEY,
      body: { disabled: true },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.disabled).toBe(true);
    const before = upstream.requests.length;
    const routes: [string, string, unknown?][] = [
      ['POST', '/v1/chat/completions', chatBody()],
      ['POST', '/v1/embeddings', { model: 'text-embedding-3-small', input: 'hi' }],
      ['GET', '/v1/models'],
      ['POST', '/ai/query', { prompt: 'hi' }],
    ];
    for (const [method, path, body] of routes) {
      const refused = await call(gw, method, path, { key: tenant.key, body });
      expect(refused.status).toBe(403);
      expect(refused.json.error).toMatchObject({
        type: 'permission_error',
        code: 'tenant_disabled',
      });
    }
    expect(upstream.requests.length).toBe(before);
    expect(
      (
        await call(gw, 'PATCH', `/admin/tenants/${tenant.id}`, {
          key: ADMIN_KEY,
          body: { disabled: 'yes' },
        })
      ).status,
    ).toBe(400);
    await call(gw, 'PATCH', `/admin/tenants/${tenant.id}`, {
      key: ADMIN_KEY,
      body: { disabled: false },
    });
    expect((await chat(gw, tenant.key)).status).toBe(200);

    const bornDisabled = await createTenant(gw, { name: 'paused', disabled: true });
    expect(bornDisabled.body.disabled).toBe(true);
    expect((await chat(gw, bornDisabled.key)).status).toBe(403);
    const listed = await call(gw, 'GET', '/admin/tenants', { key: ADMIN_KEY });
    expect(
      (listed.json.data as unknown as { disabled: boolean }[]).map((view) => view.disabled),
    ).toEqual([false, true]);
  });

  it('is open without ADMIN_API_KEY and tenants, and closes once the first tenant exists', async () => {
    const gw = await boot();
    expect((await chat(gw, undefined)).status).toBe(200);
    expect((await chat(gw, 'sk-anything')).status).toBe(200);
    const tenant = await createTenant(gw, {}, undefined);
    expect((await chat(gw, undefined)).status).toBe(401);
    expect((await chat(gw, tenant.key)).status).toBe(200);
    // The official SDK sends the key as `apiKey`.
    const client = new OpenAI({ apiKey: tenant.key, baseURL: `${gw.baseUrl}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.choices[0].message.content).toBe('Hello from the fake upstream');
  });
});
