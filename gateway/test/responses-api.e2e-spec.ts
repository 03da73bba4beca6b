import OpenAI from 'openai';
import { FakeAnthropicServer, FakeOpenAIServer } from '@app/testing';
import { ADMIN_KEY, call, createTenant, metricValue } from './support/controls-helpers';
import { postJson, startGateway, type RunningGateway } from './support/gateway-harness';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from './support/redis-test-prefix';

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};

/** The event types of a raw SSE body, in order, and each event's data. */
function sseEventsOf(text: string): { event: string; data: Record<string, any> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
      return { event, data };
    });
}

describe('POST /v1/responses (OpenAI Responses API) on every provider', () => {
  let openai: FakeOpenAIServer;
  let anthropic: FakeAnthropicServer;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([
      FakeOpenAIServer.start({ reply: 'from openai', answerToolResults: true }),
      FakeAnthropicServer.start({ reply: 'from anthropic' }),
    ]);
    gateway = await startGateway({
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: 'sk-openai',
      ANTHROPIC_API_KEY: 'sk-ant',
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      PROVIDER_ORDER: 'openai,anthropic',
      MAX_RETRIES: '0',
      ADMIN_API_KEY: ADMIN_KEY,
    });
    client = new OpenAI({
      apiKey: ADMIN_KEY,
      baseURL: `${gateway.baseUrl}/v1`,
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([openai?.stop(), anthropic?.stop()]);
  });
  afterEach(() => {
    openai.behaviour = 'ok';
  });

  it.each([
    ['openai', 'gpt-4o-mini', 'from openai'],
    ['anthropic', 'claude-sonnet-5-5', 'from anthropic'],
  ])('answers a string input through %s', async (provider, model, reply) => {
    const { data, response } = await client.responses
      .create({ model: `${provider}/${model}`, input: 'Say hello', instructions: 'Be brief.' })
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe(provider);
    expect(data).toMatchObject({
      object: 'response',
      status: 'completed',
      model,
      instructions: 'Be brief.',
      store: true,
    });
    // Claude 5 thinks by default: its reasoning comes first, as a reasoning item.
    expect(data.output.at(-1)).toMatchObject({
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: reply }],
    });
    expect(data.id).toMatch(/^resp_/);
    expect(data.output_text).toBe(reply);
    expect(data.usage!.input_tokens).toBeGreaterThan(0);
    expect(data.usage!.total_tokens).toBe(data.usage!.input_tokens + data.usage!.output_tokens);
  });

  it('streams the event sequence OpenAI sends, with sequence numbers', async () => {
    const response = await postJson(
      `${gateway.baseUrl}/v1/responses`,
      { model: 'gpt-4o-mini', input: 'Say hello', stream: true },
      { authorization: `Bearer ${ADMIN_KEY}` },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    const events = sseEventsOf(response.text);
    const types = events.map((event) => event.event);
    const deltas = types.filter((type) => type === 'response.output_text.delta').length;
    expect(deltas).toBeGreaterThan(1);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(deltas).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.data.type)).toEqual(types);
    expect(events.map((event) => event.data.sequence_number)).toEqual(types.map((_, i) => i));
    const done = events.find((event) => event.event === 'response.output_text.done')!;
    expect(done.data.text).toBe('from openai');
    const completed = events.at(-1)!.data.response;
    expect(completed).toMatchObject({ status: 'completed', output: [{ type: 'message' }] });
    expect(completed.usage.output_tokens).toBeGreaterThan(0);
    expect(response.text).not.toContain('[DONE]');
  });

  it.each(['openai', 'anthropic'])(
    'runs a previous_response_id tool loop with the SDK, streaming the call (%s)',
    async (provider) => {
      const stream = client.responses.stream({
        model: provider === 'openai' ? 'gpt-4o-mini' : 'claude-sonnet-5-5',
        provider,
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] }],
        tools: [weatherTool],
      } as never);
      const first = await stream.finalResponse();
      const call = first.output.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' });
      expect(JSON.parse((call as { arguments: string }).arguments)).toEqual(expect.any(Object));
      const second = await client.responses.create({
        model: first.model,
        provider,
        previous_response_id: first.id,
        input: [
          {
            type: 'function_call_output',
            call_id: (call as { call_id: string }).call_id,
            output: '{"temp":21}',
          },
        ],
        tools: [weatherTool],
      } as never);
      expect(second.previous_response_id).toBe(first.id);
      expect(second.output_text).toBe(`from ${provider}`);
      // The upstream saw the whole conversation: the question, the call and its result.
      const upstream =
        provider === 'openai'
          ? (openai.chatRequests.at(-1)!.body as { messages: { role: string }[] }).messages
          : (anthropic.http.requests.at(-1)!.body as { messages: { role: string }[] }).messages;
      expect(upstream.map((message) => message.role)).toEqual(
        provider === 'openai' ? ['user', 'assistant', 'tool'] : ['user', 'assistant', 'user'],
      );
    },
  );

  it('retrieves and deletes a stored response; store: false keeps nothing', async () => {
    const created = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    const retrieved = await client.responses.retrieve(created.id);
    expect(retrieved).toMatchObject({ id: created.id, status: 'completed' });
    await client.responses.delete(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    const unstored = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'hi',
      store: false,
    });
    await expect(client.responses.retrieve(unstored.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      client.responses.create({
        model: 'gpt-4o-mini',
        input: 'x',
        previous_response_id: 'resp_nope',
      }),
    ).rejects.toMatchObject({ status: 400, param: 'previous_response_id' });
  });

  it("keeps tenants apart: another tenant's response id is a 404", async () => {
    const first = await createTenant(gateway, { name: 'first' });
    const second = await createTenant(gateway, { name: 'second' });
    const mine = await call(gateway, 'POST', '/v1/responses', {
      key: first.key,
      body: { model: 'gpt-4o-mini', input: 'secret plans' },
    });
    expect(mine.status).toBe(200);
    const id = String(mine.json.id);
    expect((await call(gateway, 'GET', `/v1/responses/${id}`, { key: first.key })).status).toBe(
      200,
    );
    expect((await call(gateway, 'GET', `/v1/responses/${id}`, { key: second.key })).status).toBe(
      404,
    );
    expect((await call(gateway, 'DELETE', `/v1/responses/${id}`, { key: second.key })).status).toBe(
      404,
    );
    const continued = await call(gateway, 'POST', '/v1/responses', {
      key: second.key,
      body: { model: 'gpt-4o-mini', input: 'and?', previous_response_id: id },
    });
    expect(continued.status).toBe(400);
    expect((await call(gateway, 'GET', `/v1/responses/${id}`, { key: first.key })).status).toBe(
      200,
    );
  });

  it.each([
    [{ tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    [{ background: true }, 'background'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ truncation: 'auto' }, 'truncation'],
    [{ include: ['reasoning.encrypted_content'] }, 'include[0]'],
    [{ input: [{ type: 'web_search_call', id: 'ws_1' }] }, 'input[0].type'],
  ])('refuses what it cannot honour with a 400 naming it (%j)', async (extra, param) => {
    const calls = openai.chatRequests.length;
    const response = await postJson(
      `${gateway.baseUrl}/v1/responses`,
      { model: 'gpt-4o-mini', input: 'hi', ...extra },
      { authorization: `Bearer ${ADMIN_KEY}` },
    );
    expect(response.status).toBe(400);
    expect(response.json.error.param).toBe(param);
    expect(openai.chatRequests).toHaveLength(calls);
  });

  it('names the Responses field when no provider can honour one', async () => {
    const response = await postJson(
      `${gateway.baseUrl}/v1/responses`,
      { model: 'claude-sonnet-5-5', provider: 'anthropic', input: 'hi', temperature: 1.5 },
      { authorization: `Bearer ${ADMIN_KEY}` },
    );
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({
      param: 'temperature',
      code: 'unsupported_parameter',
    });
  });

  it('translates text.format json_schema into structured output on a translating provider', async () => {
    const response = await client.responses.create({
      model: 'claude-sonnet-5-5',
      provider: 'anthropic',
      input: 'A city as JSON',
      text: {
        format: {
          type: 'json_schema',
          name: 'city',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' } },
            required: ['name'],
            additionalProperties: false,
          },
        },
      },
    } as never);
    expect(JSON.parse(response.output_text)).toEqual({ name: expect.any(String) });
  });

  it('fails over before the first event, and ends a stream that breaks later with response.failed', async () => {
    openai.enqueue('stream-die-before-first');
    const replaced = await postJson(
      `${gateway.baseUrl}/v1/responses`,
      { model: 'default', input: 'hi', stream: true },
      { authorization: `Bearer ${ADMIN_KEY}` },
    );
    expect(replaced.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(sseEventsOf(replaced.text).at(-1)!.event).toBe('response.completed');

    openai.enqueue('stream-die-after-first');
    const broken = await postJson(
      `${gateway.baseUrl}/v1/responses`,
      { model: 'gpt-4o-mini', provider: 'openai', input: 'hi', stream: true },
      { authorization: `Bearer ${ADMIN_KEY}` },
    );
    const events = sseEventsOf(broken.text);
    expect(events[0].event).toBe('response.created');
    expect(events.slice(-2).map((event) => event.event)).toEqual(['response.failed', 'error']);
    expect(events.at(-2)!.data.response).toMatchObject({
      status: 'failed',
      error: { code: 'server_error' },
    });
  });

  it('counts Responses traffic in the request metrics under its own api label', async () => {
    const before = await call(gateway, 'GET', '/metrics', { key: ADMIN_KEY });
    const counted = (text: string) =>
      metricValue(text, 'ai_gateway_requests_total', { api: 'responses', status_class: '2xx' });
    await client.responses.create({ model: 'gpt-4o-mini', input: 'count me' });
    const after = await call(gateway, 'GET', '/metrics', { key: ADMIN_KEY });
    expect(counted(after.text)).toBe(counted(before.text) + 1);
  });
});

describe('stored responses in the distributed topology (Redis)', () => {
  const prefix = uniqueRedisPrefix('responses');
  let upstream: FakeOpenAIServer;
  let replicas: RunningGateway[];

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start({ reply: 'from openai' });
    const env = {
      OPENAI_BASE_URL: upstream.baseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
    };
    replicas = [await startGateway(env), await startGateway(env)];
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.close();
    await upstream?.stop();
    await deleteRedisPrefix(prefix);
  });

  it('continues, reads and deletes a response on another replica', async () => {
    const [first, second] = replicas;
    const created = await first.client.responses.create({ model: 'gpt-4o-mini', input: 'one' });
    const followUp = await second.client.responses.create({
      model: 'gpt-4o-mini',
      input: 'two',
      previous_response_id: created.id,
    });
    expect(followUp.previous_response_id).toBe(created.id);
    const messages = (upstream.chatRequests.at(-1)!.body as { messages: unknown[] }).messages;
    expect(messages).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'from openai' },
      { role: 'user', content: 'two' },
    ]);
    expect((await second.client.responses.retrieve(created.id)).id).toBe(created.id);
    await second.client.responses.delete(created.id);
    await expect(first.client.responses.retrieve(created.id)).rejects.toMatchObject({
      status: 404,
    });
  });
});
