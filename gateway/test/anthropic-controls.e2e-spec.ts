import { FakeAnthropicServer, FakeOpenAIServer } from '@app/testing';
import { anthropicClient } from './support/anthropic-client';
import { ADMIN_KEY, call, createTenant, metricValue } from './support/controls-helpers';
import { startGateway, type RunningGateway } from './support/gateway-harness';

const message = (content = 'Say hello', model = 'claude-sonnet-4-6') => ({
  model,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content }],
});

/** A raw call to /v1/messages with any body and headers (the SDK would refuse bad input itself). */
function messages(
  gateway: RunningGateway,
  body: unknown,
  headers: Record<string, string> = {},
  path = '/v1/messages',
) {
  return fetch(`${gateway.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(async (response) => ({
    status: response.status,
    headers: response.headers,
    json: (await response.json().catch(() => undefined)) as any,
  }));
}

describe('/v1/messages: bad input, keys, limits, budgets, usage, cache and metrics', () => {
  let anthropic: FakeAnthropicServer;
  let openai: FakeOpenAIServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    anthropic = await FakeAnthropicServer.start({ reply: 'Hello from Claude' });
    openai = await FakeOpenAIServer.start();
    gateway = await startGateway({
      ANTHROPIC_API_KEY: 'sk-ant',
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: 'sk-openai',
      ADMIN_API_KEY: ADMIN_KEY,
      MAX_BODY_BYTES: '4096',
      CACHE_ENABLED: 'true',
      MAX_RETRIES: '0',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await anthropic?.stop();
    await openai?.stop();
  });

  describe('bad input: an Anthropic-shaped 4xx, and nothing reaches a provider', () => {
    let upstreamCalls: number;
    beforeEach(() => {
      upstreamCalls = anthropic.http.requests.length + openai.requests.length;
    });
    afterEach(() => {
      expect(anthropic.http.requests.length + openai.requests.length).toBe(upstreamCalls);
    });

    const expectInvalid = (
      response: { status: number; json: any },
      status: number,
      type: string,
    ) => {
      expect(response.status).toBe(status);
      expect(response.json).toEqual({
        type: 'error',
        error: { type, message: expect.any(String) },
      });
    };

    it('missing max_tokens', async () => {
      const { max_tokens: _limit, ...body } = message();
      const response = await messages(gateway, body, { 'x-api-key': ADMIN_KEY });
      expectInvalid(response, 400, 'invalid_request_error');
      expect(response.json.error.message).toContain('max_tokens');
    });

    it('a block type Anthropic does not define (an OpenAI image_url part)', async () => {
      const response = await messages(
        gateway,
        {
          ...message(),
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
            },
          ],
        },
        { 'x-api-key': ADMIN_KEY },
      );
      expectInvalid(response, 400, 'invalid_request_error');
      expect(response.json.error.message).toContain('messages[0].content[0].type');
    });

    it('a block missing what its type needs, and an unknown top-level field', async () => {
      const noSource = await messages(
        gateway,
        { ...message(), messages: [{ role: 'user', content: [{ type: 'image' }] }] },
        { 'x-api-key': ADMIN_KEY },
      );
      expectInvalid(noSource, 400, 'invalid_request_error');
      const unknown = await messages(
        gateway,
        { ...message(), temprature: 1 },
        { 'x-api-key': ADMIN_KEY },
      );
      expectInvalid(unknown, 400, 'invalid_request_error');
      expect(unknown.json.error.message).toContain('temprature');
    });

    it('an unknown model', async () => {
      const response = await messages(gateway, message('Hi', 'no-such-model'), {
        'x-api-key': ADMIN_KEY,
      });
      expectInvalid(response, 404, 'not_found_error');
    });

    it('a body over MAX_BODY_BYTES, and a body that is not JSON', async () => {
      const oversize = await messages(gateway, message('x'.repeat(8192)), {
        'x-api-key': ADMIN_KEY,
      });
      expectInvalid(oversize, 413, 'request_too_large');
      const broken = await messages(gateway, '{"model":', { 'x-api-key': ADMIN_KEY });
      expectInvalid(broken, 400, 'invalid_request_error');
    });

    it('count_tokens with a field it does not take', async () => {
      const response = await messages(
        gateway,
        message(),
        { 'x-api-key': ADMIN_KEY },
        '/v1/messages/count_tokens',
      );
      expectInvalid(response, 400, 'invalid_request_error');
      expect(response.json.error.message).toContain('max_tokens');
    });

    it('no key, a wrong key', async () => {
      expectInvalid(await messages(gateway, message()), 401, 'authentication_error');
      expectInvalid(
        await messages(gateway, message(), { 'x-api-key': 'gw-sk-wrong' }),
        401,
        'authentication_error',
      );
    });
  });

  it('takes a tenant key in x-api-key or as a bearer token, and counts its usage and cost', async () => {
    const tenant = await createTenant(gateway, { name: 'claude-coders' });
    const viaApiKey = anthropicClient(gateway, { apiKey: tenant.key });
    const viaBearer = anthropicClient(gateway, { authToken: tenant.key });
    const { data, response } = await viaApiKey.messages.create(message('usage one')).withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(Number(response.headers.get('x-gateway-cost-usd'))).toBeGreaterThan(0);
    const streamed = await viaBearer.messages.stream(message('usage two')).finalMessage();
    const usage = await call(gateway, 'GET', `/admin/usage?tenant=${tenant.id}`, {
      key: ADMIN_KEY,
    });
    expect(usage.json.totals).toMatchObject({
      requests: 2,
      completion_tokens: data.usage.output_tokens + streamed.usage.output_tokens,
    });
    expect(usage.json.totals.cost_usd).toBeGreaterThan(0);
    expect(usage.json.data[0]).toMatchObject({ tenant_id: tenant.id, model: 'claude-sonnet-4-6' });
  });

  it('enforces allow-lists (permission_error), disabled tenants, rate limits (rate_limit_error, retry-after) and budgets (billing_error)', async () => {
    const limited = await createTenant(gateway, {
      name: 'limited',
      rate_limit_rpm: 1,
      allowed_models: ['claude-sonnet-4-6'],
    });
    const client = anthropicClient(gateway, { apiKey: limited.key });
    await expect(client.messages.create(message('Hi', 'gpt-4o-mini'))).rejects.toMatchObject({
      status: 403,
      error: { type: 'error', error: { type: 'permission_error' } },
    });
    const throttled = await messages(gateway, message('limit'), { 'x-api-key': limited.key });
    expect(throttled.status).toBe(429);
    expect(throttled.json.error.type).toBe('rate_limit_error');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);

    const broke = await createTenant(gateway, { name: 'broke', budget_usd: 0.000001 });
    const brokeClient = anthropicClient(gateway, { apiKey: broke.key });
    await brokeClient.messages.create(message('spend it'));
    const anthropicCalls = anthropic.messageRequests.length;
    await expect(brokeClient.messages.create(message('over budget'))).rejects.toMatchObject({
      status: 402,
      error: { error: { type: 'billing_error' } },
    });
    expect(anthropic.messageRequests).toHaveLength(anthropicCalls);

    const paused = await createTenant(gateway, { name: 'paused' });
    await call(gateway, 'PATCH', `/admin/tenants/${paused.id}`, {
      key: ADMIN_KEY,
      body: { disabled: true },
    });
    const refused = await messages(gateway, message(), { 'x-api-key': paused.key });
    expect(refused.status).toBe(403);
    expect(refused.json.error.type).toBe('permission_error');
  });

  it('serves a repeated request from the cache, keyed on the Anthropic body: the native message, as JSON or replayed as events', async () => {
    const client = anthropicClient(gateway, { apiKey: ADMIN_KEY });
    const body = {
      ...message(`cache me ${Date.now()}`),
      system: [
        { type: 'text' as const, text: 'Be brief.', cache_control: { type: 'ephemeral' as const } },
      ],
    };
    const first = await client.messages.create(body).withResponse();
    const calls = anthropic.messageRequests.length;
    const second = await client.messages.create(body).withResponse();
    expect(first.response.headers.get('x-cache')).toBe('MISS');
    expect(second.response.headers.get('x-cache')).toBe('HIT');
    expect(second.data).toEqual(first.data);
    const replayed = await client.messages.stream(body).finalMessage();
    // The SDK's stream accumulator adds its own fields (parsed_output…) to what it rebuilds.
    expect(replayed).toMatchObject(first.data);
    expect(anthropic.messageRequests).toHaveLength(calls);
    // A different system prompt is another request: the cache key is the Anthropic body.
    await client.messages.create({ ...body, system: 'Be verbose.' });
    expect(anthropic.messageRequests).toHaveLength(calls + 1);
  });

  it('labels its requests api="anthropic" in ai_gateway_requests_total', async () => {
    const before = await call(gateway, 'GET', '/metrics', { key: ADMIN_KEY });
    const labels = { api: 'anthropic', status_class: '2xx' };
    const count = metricValue(before.text, 'ai_gateway_requests_total', labels);
    await anthropicClient(gateway, { apiKey: ADMIN_KEY }).messages.create(message('metrics'));
    const after = await call(gateway, 'GET', '/metrics', { key: ADMIN_KEY });
    expect(metricValue(after.text, 'ai_gateway_requests_total', labels)).toBe(count + 1);
  });
});
