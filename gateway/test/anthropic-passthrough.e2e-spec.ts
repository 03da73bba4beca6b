import Anthropic from '@anthropic-ai/sdk';
import { FakeAnthropicServer } from '@app/testing';
import {
  anthropicClient,
  namedSseEvents,
  TINY_PNG_BASE64,
  WEATHER_TOOL,
} from './support/anthropic-client';
import { postJson, startGateway, type RunningGateway } from './support/gateway-harness';

const BETA = 'prompt-caching-2024-07-31,fine-grained-tool-streaming-2025-05-14';

// The Anthropic SDK as the client, the gateway in front of an Anthropic fake: requests must reach
// Anthropic as the client sent them and answers come back as Anthropic sent them.
describe('/v1/messages passed through to Anthropic', () => {
  let anthropic: FakeAnthropicServer;
  let gateway: RunningGateway;
  let client: Anthropic;

  beforeAll(async () => {
    anthropic = await FakeAnthropicServer.start({ reply: 'Hello from Claude' });
    gateway = await startGateway({
      ANTHROPIC_API_KEY: 'sk-ant-provider',
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      ANTHROPIC_MODEL: 'claude-sonnet-4-6',
      MAX_RETRIES: '0',
    });
    // A version other than the SDK's default, so the test sees whose header went upstream.
    client = anthropicClient(gateway, {
      headers: { 'anthropic-beta': BETA, 'anthropic-version': '2023-06-01' },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await anthropic?.stop();
  });

  afterEach(() => {
    anthropic.behaviour = 'ok';
  });

  it('creates a message: the body, its blocks and the anthropic-* headers reach Anthropic unchanged, the answer comes back unchanged', async () => {
    const params = {
      model: 'claude-sonnet-4-6',
      max_tokens: 256,
      system: [
        {
          type: 'text' as const,
          text: 'You are terse.',
          cache_control: { type: 'ephemeral' as const },
        },
      ],
      metadata: { user_id: 'user-42' },
      top_k: 5,
      messages: [
        {
          role: 'user' as const,
          content: [
            {
              type: 'document' as const,
              source: { type: 'text' as const, media_type: 'text/plain' as const, data: 'A memo.' },
              title: 'memo',
            },
            { type: 'text' as const, text: 'Summarise it.' },
          ],
        },
      ],
    };
    const { data, response } = await client.messages.create(params).withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(response.headers.get('request-id')).toBeTruthy();
    const upstream = anthropic.messageRequests.at(-1)!;
    expect(upstream.body).toEqual(params);
    expect(upstream.headers['anthropic-beta']).toBe(BETA);
    expect(upstream.headers['anthropic-version']).toBe('2023-06-01');
    // The provider's own key went upstream, never the client's gateway key.
    expect(`${upstream.headers.authorization} ${upstream.headers['x-api-key']}`).toContain(
      'sk-ant-provider',
    );
    expect(JSON.stringify(upstream.headers)).not.toContain('sk-client');
    expect(data).toMatchObject({
      id: expect.stringMatching(/^msg_fake_/),
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello from Claude' }],
      stop_reason: 'end_turn',
    });
    // Anthropic's answer, field for field: the prompt-cache write it reported included.
    expect(data.usage.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it('returns cache_read_input_tokens as Anthropic reports them on a repeated cached prefix', async () => {
    const params = {
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      system: [
        {
          type: 'text' as const,
          text: 'A long shared instruction. '.repeat(20),
          cache_control: { type: 'ephemeral' as const },
        },
      ],
      messages: [{ role: 'user' as const, content: 'First question' }],
    };
    const first = await client.messages.create(params);
    const second = await client.messages.create({
      ...params,
      messages: [{ role: 'user', content: 'Second question' }],
    });
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
  });

  it("streams Anthropic's events in order with a ping, and finalMessage() rebuilds the answer", async () => {
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 128,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(types).toContain('content_block_start');
    expect(types.filter((type) => type === 'content_block_delta').length).toBeGreaterThan(1);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Claude' }]);
    expect(message.id).toMatch(/^msg_fake_/);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(anthropic.messageRequests.at(-1)!.body).toMatchObject({ stream: true });

    const raw = await fetch(`${gateway.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        stream: true,
        messages: [{ role: 'user', content: 'Say hello' }],
      }),
    });
    expect(raw.headers.get('content-type')).toContain('text/event-stream');
    const events = namedSseEvents(await raw.text());
    expect(events.map((event) => event.event).slice(0, 3)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
    ]);
    for (const event of events) expect(event.data.type).toBe(event.event);
  });

  it('round-trips a tool use: tool_use comes back, the tool_result reaches Anthropic unchanged', async () => {
    const first = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 128,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block) => block.type === 'tool_use')!;
    expect(call).toMatchObject({ type: 'tool_use', name: 'get_weather' });
    const followUp = [
      { role: 'user' as const, content: 'Weather in Paris?' },
      { role: 'assistant' as const, content: first.content },
      {
        role: 'user' as const,
        content: [
          {
            type: 'tool_result' as const,
            tool_use_id: call.id,
            content: [{ type: 'text' as const, text: '18°C and sunny' }],
          },
        ],
      },
    ];
    const second = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 128,
      tools: [WEATHER_TOOL],
      messages: followUp,
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Hello from Claude' }]);
    expect(anthropic.messageRequests.at(-1)!.body).toMatchObject({
      messages: JSON.parse(JSON.stringify(followUp)),
    });
  });

  it('streams tool input as input_json_delta fragments the SDK assembles', async () => {
    const message = await client.messages
      .stream({
        model: 'claude-sonnet-4-6',
        max_tokens: 128,
        tools: [WEATHER_TOOL],
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      })
      .finalMessage();
    const call = message.content.find((block) => block.type === 'tool_use');
    expect(call).toMatchObject({ name: 'get_weather', input: expect.any(Object) });
    expect(Object.keys((call as { input: object }).input).length).toBeGreaterThan(0);
  });

  it("keeps Claude's signed thinking: thinking_delta streams, and a tool loop sends it back intact", async () => {
    const params = {
      model: 'claude-sonnet-5-5',
      max_tokens: 2048,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
    };
    const types: string[] = [];
    const stream = client.messages.stream(params);
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta') types.push(event.delta.type);
    });
    const first = await stream.finalMessage();
    expect(types).toEqual(expect.arrayContaining(['thinking_delta', 'signature_delta']));
    expect(first.content[0]).toMatchObject({ type: 'thinking', signature: expect.any(String) });
    const call = first.content.find((block) => block.type === 'tool_use')!;
    // The fake refuses a thinking tool loop whose signed thinking did not come back unchanged.
    const second = await client.messages.create({
      ...params,
      messages: [
        ...params.messages,
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: (call as { id: string }).id, content: '18°C' },
          ],
        },
      ],
    });
    expect(second.content.at(-1)).toEqual({ type: 'text', text: 'Hello from Claude' });
  });

  it('sends an image block to Anthropic as the client wrote it', async () => {
    const image = {
      type: 'image' as const,
      source: { type: 'base64' as const, media_type: 'image/png' as const, data: TINY_PNG_BASE64 },
    };
    const message = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user', content: [image, { type: 'text', text: 'What is this?' }] }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect((anthropic.messageRequests.at(-1)!.body as any).messages[0].content[0]).toEqual(image);
  });

  it('counts tokens with Anthropic, passing the body through', async () => {
    const params = {
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user' as const, content: 'How many tokens is this?' }],
    };
    const { data, response } = await client.messages.countTokens(params).withResponse();
    expect(response.headers.get('x-gateway-token-count')).toBe('exact');
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(data.input_tokens).toBeGreaterThan(0);
    const upstream = anthropic.countTokensRequests.at(-1)!;
    expect(upstream.body).toEqual(params);
    expect(upstream.headers['anthropic-beta']).toBe(BETA);
  });

  it('routes a dated Claude model id (a family Anthropic declares) to Anthropic with that model', async () => {
    const { data, response } = await client.messages
      .create({
        model: 'claude-haiku-4-5-20251001',
        max_tokens: 32,
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .withResponse();
    expect(response.headers.get('x-gateway-model')).toBe('claude-haiku-4-5-20251001');
    expect(data.model).toBe('claude-haiku-4-5-20251001');
  });

  it("passes a provider 400 back in Anthropic's shape, with Anthropic's message", async () => {
    anthropic.behaviour = 'bad-request';
    const response = await postJson(`${gateway.baseUrl}/v1/messages`, {
      model: 'claude-sonnet-4-6',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'messages: field required' },
    });
  });

  it("ends a stream that fails after its first event with Anthropic's error event", async () => {
    anthropic.behaviour = 'overloaded-mid-stream';
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    await expect(stream.finalMessage()).rejects.toMatchObject({
      error: { type: 'error', error: { type: 'overloaded_error' } },
    });
    expect(texts).toEqual(['Partial']);
  });
});
