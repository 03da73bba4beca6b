import { FakeOpenAIServer } from '@app/testing';
import type { z } from 'zod';
import {
  createdTenantSchema,
  providerListSchema,
  routesSchema,
  tenantListSchema,
  usageReportSchema,
} from '../../src/openapi/schemas/admin-responses.schema';
import {
  chatCompletionSchema,
  modelListSchema,
} from '../../src/openapi/schemas/openai-responses.schema';
import { consoleSessionSchema } from '../../src/access/console-session/console-session.schemas';
import { startGateway, type RunningGateway } from '../support/gateway-harness';
import { ADMIN_KEY, call, chat } from '../support/controls-helpers';

const CONSOLE = { 'x-gateway-console': '1' };

/** The session cookie (name=value) from a sign-in answer. */
function sessionCookie(response: { headers: Headers }): string {
  const header = response.headers.get('set-cookie') ?? '';
  return header.split(';')[0];
}

function expectMatches(schema: z.ZodType, value: unknown): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues, null, 2));
}

async function signIn(gateway: RunningGateway, headers: Record<string, string> = {}) {
  const response = await call(gateway, 'POST', '/ui/session', {
    body: { key: ADMIN_KEY },
    headers,
  });
  expect(response.status).toBe(200);
  return { response, cookie: sessionCookie(response) };
}

/** A GET whose body is read to the end (an unread body keeps the connection busy at close). */
async function get(url: string) {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('console over HTTP: sign-in, session cookie, CSP, admin endpoints', () => {
  let upstream: FakeOpenAIServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start({ reply: 'Hello from the fake upstream' });
    gateway = await startGateway({
      ADMIN_API_KEY: ADMIN_KEY,
      OPENAI_BASE_URL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-upstream',
      MAX_RETRIES: '0',
      FAILURE_THRESHOLD: '3',
      RECOVERY_TIMEOUT: '600',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.stop();
  });

  it('exchanges the admin key for an HttpOnly, SameSite=Strict session cookie that never holds the key', async () => {
    const anonymous = await call(gateway, 'GET', '/ui/session');
    expect(anonymous.json).toMatchObject({ authenticated: false, admin_key_required: true });
    const wrong = await call(gateway, 'POST', '/ui/session', { body: { key: 'not-the-key' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('invalid_api_key');
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const { response, cookie } = await signIn(gateway);
    expectMatches(consoleSessionSchema, response.json);
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^gw_console_session=/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; Max-Age=28800/);
    expect(setCookie).not.toMatch(/Secure/i);
    expect(setCookie).not.toContain(ADMIN_KEY);
    expect(response.headers.get('cache-control')).toBe('no-store');

    const status = await call(gateway, 'GET', '/ui/session', { headers: { cookie } });
    expect(status.json.authenticated).toBe(true);
    expect(Date.parse(String(status.json.expires_at))).toBeGreaterThan(Date.now());

    const behindTls = await signIn(gateway, { 'x-forwarded-proto': 'https' });
    expect(behindTls.response.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('admin calls accept the cookie only with the console header and from the same origin', async () => {
    const { cookie } = await signIn(gateway);
    expect((await call(gateway, 'GET', '/admin/tenants')).status).toBe(401);
    expect((await call(gateway, 'GET', '/admin/tenants', { headers: { cookie } })).status).toBe(
      401,
    );
    const ok = await call(gateway, 'GET', '/admin/tenants', { headers: { cookie, ...CONSOLE } });
    expect(ok.status).toBe(200);
    expectMatches(tenantListSchema, ok.json);
    const crossSite = await call(gateway, 'POST', '/admin/reset', {
      headers: { cookie, ...CONSOLE, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(401);
    const forged = await call(gateway, 'GET', '/admin/tenants', {
      headers: { cookie: `${cookie.slice(0, -3)}xyz`, ...CONSOLE },
    });
    expect(forged.status).toBe(401);
  });

  it('signing out revokes the session even for a copy of the cookie', async () => {
    const { cookie } = await signIn(gateway);
    const out = await call(gateway, 'DELETE', '/ui/session', { headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/gw_console_session=; Max-Age=0/);
    expect(
      (await call(gateway, 'GET', '/admin/tenants', { headers: { cookie, ...CONSOLE } })).status,
    ).toBe(401);
    expect(
      (await call(gateway, 'GET', '/ui/session', { headers: { cookie } })).json.authenticated,
    ).toBe(false);
  });

  it('lets the console session call the client API, but only with the console header', async () => {
    const { cookie } = await signIn(gateway);
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] };
    const withSession = await call(gateway, 'POST', '/v1/chat/completions', {
      body,
      headers: { cookie, ...CONSOLE },
    });
    expect(withSession.status).toBe(200);
    expectMatches(chatCompletionSchema, withSession.json);
    const withoutHeader = await call(gateway, 'POST', '/v1/chat/completions', {
      body,
      headers: { cookie },
    });
    expect(withoutHeader.status).toBe(401);
    const models = await call(gateway, 'GET', '/v1/models', { headers: { cookie, ...CONSOLE } });
    expectMatches(modelListSchema, models.json);
  });

  it('serves the console with a strict CSP, and adds no header to /v1', async () => {
    const page = await fetch(`${gateway.baseUrl}/ui/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${gateway.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(1000);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const clientRoute = await fetch(`${gateway.baseUrl}/ui/tenants`);
    expect(clientRoute.headers.get('content-type')).toContain('text/html');
    expect(await clientRoute.text()).toBe(html);
    expect((await get(`${gateway.baseUrl}/ui/assets/missing.js`)).status).toBe(404);
    expect((await get(`${gateway.baseUrl}/ui/assets/..%2F..%2Fpackage.json`)).status).toBe(404);

    const v1 = await chat(gateway, ADMIN_KEY);
    expect(v1.status).toBe(200);
    expect(v1.headers.get('content-security-policy')).toBeNull();
  });

  it('reports provider traffic from the metrics: error rate, latency, circuit, and resets one circuit', async () => {
    await call(gateway, 'POST', '/admin/reset', { key: ADMIN_KEY });
    const before = (await call(gateway, 'GET', '/admin/providers', { key: ADMIN_KEY })).json;
    const baseline = before.data[0].since_start;
    for (let index = 0; index < 2; index++)
      expect((await chat(gateway, ADMIN_KEY)).status).toBe(200);
    upstream.behaviour = 'error-500';
    for (let index = 0; index < 3; index++)
      expect((await chat(gateway, ADMIN_KEY)).status).toBe(502);
    upstream.behaviour = 'ok';

    const providers = await call(gateway, 'GET', '/admin/providers', { key: ADMIN_KEY });
    expect(providers.status).toBe(200);
    expectMatches(providerListSchema, providers.json);
    const openai = providers.json.data[0];
    expect(openai).toMatchObject({ id: 'openai', circuit_state: 'open', consecutive_failures: 3 });
    expect(Date.parse(String(openai.retry_at))).toBeGreaterThan(Date.now() + 500_000);
    expect(Number(openai.since_start.requests) - Number(baseline.requests)).toBe(5);
    expect(Number(openai.since_start.errors) - Number(baseline.errors)).toBe(3);
    expect(openai.recent.error_rate).toBeGreaterThan(0);
    expect(Number(openai.recent.latency_p50_ms)).toBeGreaterThan(0);
    expect(Number(openai.recent.latency_p99_ms)).toBeGreaterThanOrEqual(
      Number(openai.recent.latency_p50_ms),
    );
    expect(openai.last_error).toBeTruthy();

    expect(
      (await call(gateway, 'POST', '/admin/providers/nope/reset', { key: ADMIN_KEY })).status,
    ).toBe(404);
    const reset = await call(gateway, 'POST', '/admin/providers/openai/reset', { key: ADMIN_KEY });
    expect(reset.status).toBe(200);
    expect(reset.json).toMatchObject({ id: 'openai', circuit_state: 'closed', reset: true });
    expect((await chat(gateway, ADMIN_KEY)).status).toBe(200);
  });

  it('answers routes and tenant/usage shapes exactly as the OpenAPI document describes them', async () => {
    const routes = await call(gateway, 'GET', '/admin/routes', { key: ADMIN_KEY });
    expectMatches(routesSchema, routes.json);
    expect(routes.json.default_chain).toEqual(['openai']);
    expect(
      (routes.json.aliases as unknown as { alias: string }[]).map((alias) => alias.alias),
    ).toEqual(['default', 'auto']);
    const created = await call(gateway, 'POST', '/admin/tenants', {
      key: ADMIN_KEY,
      body: { name: 'schema-check', budget_usd: 3 },
    });
    expectMatches(createdTenantSchema, created.json);
    const usage = await call(gateway, 'GET', '/admin/usage', { key: ADMIN_KEY });
    expectMatches(usageReportSchema, usage.json);

    const document = await call(gateway, 'GET', '/openapi.json');
    expect(document.json.openapi).toBe('3.1.0');
    const docs = await fetch(`${gateway.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await docs.text()).toContain('/docs/assets/swagger-ui-bundle.js');
    expect((await get(`${gateway.baseUrl}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
    expect((await get(`${gateway.baseUrl}/docs/assets/index.html`)).status).toBe(404);
  });

  it('refuses sign-in from an address after ten wrong keys', async () => {
    const attempts = [];
    for (let index = 0; index < 10; index++)
      attempts.push(
        (await call(gateway, 'POST', '/ui/session', { body: { key: `wrong-${index}` } })).status,
      );
    expect(attempts.every((status) => status === 401)).toBe(true);
    const refused = await call(gateway, 'POST', '/ui/session', { body: { key: ADMIN_KEY } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('UI_ENABLED=false', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway({ ADMIN_API_KEY: ADMIN_KEY, UI_ENABLED: 'false' });
  });

  afterAll(() => gateway?.close());

  it('answers 404 for the console and its sign-in; the admin API stays', async () => {
    expect((await get(`${gateway.baseUrl}/ui/`)).status).toBe(404);
    expect((await get(`${gateway.baseUrl}/ui/providers`)).status).toBe(404);
    expect((await call(gateway, 'POST', '/ui/session', { body: { key: ADMIN_KEY } })).status).toBe(
      404,
    );
    expect((await call(gateway, 'GET', '/admin/routes', { key: ADMIN_KEY })).status).toBe(200);
  });
});
