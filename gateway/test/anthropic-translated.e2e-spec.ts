import Anthropic from '@anthropic-ai/sdk';
import { FakeAnthropicServer, FakeOpenAIServer } from '@app/testing';
import {
  anthropicClient,
  namedSseEvents,
  TINY_PNG_BASE64,
  WEATHER_TOOL,
} from './support/anthropic-client';
import { postJson, startGateway, type RunningGateway } from './support/gateway-harness';

// The Anthropic SDK as the client, the gateway in front of an OpenAI-wire upstream only: every
// request and answer is translated, and the client cannot tell.
describe('/v1/messages translated to an OpenAI-wire provider', () => {
  let openai: FakeOpenAIServer;
  let gateway: RunningGateway;
  let client: Anthropic;

  beforeAll(async () => {
    openai = await FakeOpenAIServer.start({
      reply: 'Hello from the OpenAI side',
      answerToolResults: true,
      reasoningContent: 'Considering the question.',
    });
    gateway = await startGateway({
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: 'sk-openai',
      CLOUD_MODEL: 'gpt-4o-mini',
      MAX_RETRIES: '0',
    });
    client = anthropicClient(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await openai?.stop();
  });

  afterEach(() => {
    openai.behaviour = 'ok';
  });

  it('creates a message: the request becomes an OpenAI chat request, the completion an Anthropic message', async () => {
    // `temperature` is still Anthropic's API, though this SDK's types no longer list it.
    const params = {
      model: 'gpt-4o-mini',
      max_tokens: 100,
      system: [
        { type: 'text' as const, text: 'Be brief.', cache_control: { type: 'ephemeral' as const } },
      ],
      stop_sequences: ['END'],
      temperature: 0.5,
      metadata: { user_id: 'user-7' },
      messages: [{ role: 'user' as const, content: 'Say hello' }],
    };
    const { data, response } = await client.messages.create(params).withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(data).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini',
      content: [{ type: 'text', text: 'Hello from the OpenAI side' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(openai.chatRequests.at(-1)!.body).toEqual({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      temperature: 0.5,
      stop: ['END'],
      user: 'user-7',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
  });

  it("streams Anthropic's event sequence built from OpenAI chunks; finalMessage() has text and usage", async () => {
    const stream = client.messages.stream({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.slice(1, 2)).toEqual(['content_block_start']);
    expect(types.slice(-4)).toEqual([
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from the OpenAI side' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);

    const raw = await fetch(`${gateway.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'Say hello' }],
      }),
    });
    const events = namedSseEvents(await raw.text());
    expect(events.map((event) => event.event).slice(0, 3)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
    ]);
    expect(
      events.filter((event) => event.data.delta?.type === 'text_delta').length,
    ).toBeGreaterThan(1);
  });

  it('round-trips a tool use through OpenAI tool calls and tool messages', async () => {
    const first = await client.messages.create({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block) => block.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(call).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
    expect(openai.chatRequests.at(-1)!.body).toMatchObject({
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather in a city',
            parameters: WEATHER_TOOL.input_schema,
          },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    const second = await client.messages.create({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call.id, content: '18°C' }],
        },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Hello from the OpenAI side' }]);
    expect((openai.chatRequests.at(-1)!.body as any).messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: call.id,
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: call.id, content: '18°C' },
    ]);
  });

  it('streams a tool call as a tool_use block with input_json_delta fragments', async () => {
    const stream = client.messages.stream({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const deltas: string[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta') deltas.push(event.delta.type);
    });
    const message = await stream.finalMessage();
    expect(deltas).toContain('input_json_delta');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_fake_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
  });

  it('sends an image block as an image_url data URL', async () => {
    await client.messages.create({
      model: 'gpt-4o-mini',
      max_tokens: 50,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 },
            },
            { type: 'text', text: 'What is this?' },
          ],
        },
      ],
    });
    expect((openai.chatRequests.at(-1)!.body as any).messages[0].content).toEqual([
      { type: 'image_url', image_url: { url: `data:image/png;base64,${TINY_PNG_BASE64}` } },
      { type: 'text', text: 'What is this?' },
    ]);
  });

  it('asks for reasoning when thinking is on, and streams it back as a thinking block', async () => {
    const stream = client.messages.stream({
      model: 'gpt-4o-mini',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'Think, then answer.' }],
    });
    const deltas: string[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta') deltas.push(event.delta.type);
    });
    const message = await stream.finalMessage();
    expect(openai.chatRequests.at(-1)!.body).toMatchObject({ reasoning_effort: 'low' });
    expect(deltas).toContain('thinking_delta');
    expect(message.content[0]).toMatchObject({
      type: 'thinking',
      thinking: 'Considering the question.',
    });
    expect(message.content[1]).toMatchObject({ type: 'text' });
  });

  it('estimates count_tokens when no route target counts tokens', async () => {
    const { data, response } = await client.messages
      .countTokens({
        model: 'gpt-4o-mini',
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'x'.repeat(400) }],
      })
      .withResponse();
    expect(response.headers.get('x-gateway-token-count')).toBe('estimate');
    // 409 characters / 4, plus 3 for the message.
    expect(data.input_tokens).toBe(106);
    expect(openai.requests.filter((request) => request.path.includes('count'))).toHaveLength(0);
  });

  it('refuses, naming the field, what only Anthropic can honour when no Anthropic target serves the model', async () => {
    const calls = openai.chatRequests.length;
    const response = await postJson(`${gateway.baseUrl}/v1/messages`, {
      model: 'gpt-4o-mini',
      max_tokens: 50,
      top_k: 5,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: "Field 'top_k' is not supported by provider 'openai'",
      },
    });
    expect(openai.chatRequests).toHaveLength(calls);
  });

  it('answers 404 not_found_error for a Claude model when no Anthropic provider is configured', async () => {
    const response = await postJson(`${gateway.baseUrl}/v1/messages`, {
      model: 'claude-sonnet-4-6',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(response.status).toBe(404);
    expect(response.json.error.type).toBe('not_found_error');
  });

  it('ends a translated stream that breaks after its first event with an api_error event', async () => {
    openai.behaviour = 'stream-die-after-first';
    const stream = client.messages.stream({
      model: 'gpt-4o-mini',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    await expect(stream.finalMessage()).rejects.toMatchObject({
      error: { type: 'error', error: { type: 'api_error' } },
    });
  });
});

describe('/v1/messages failover from Anthropic to OpenAI', () => {
  let anthropic: FakeAnthropicServer;
  let openai: FakeOpenAIServer;
  let gateway: RunningGateway;
  let client: Anthropic;

  beforeAll(async () => {
    anthropic = await FakeAnthropicServer.start({ reply: 'Hello from Claude' });
    openai = await FakeOpenAIServer.start({ reply: 'Hello from OpenAI' });
    gateway = await startGateway({
      ANTHROPIC_API_KEY: 'sk-ant',
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: 'sk-openai',
      PROVIDER_ORDER: 'anthropic,openai',
      MAX_RETRIES: '1',
      FAILURE_THRESHOLD: '100',
    });
    client = anthropicClient(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await anthropic?.stop();
    await openai?.stop();
  });

  afterEach(() => {
    anthropic.behaviour = 'ok';
  });

  const params = {
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    messages: [{ role: 'user' as const, content: 'Say hello' }],
  };

  it('answers natively while Anthropic is up, and from OpenAI, translated, while it is overloaded', async () => {
    const native = await client.messages.create(params);
    expect(native.id).toMatch(/^msg_fake_/);

    anthropic.behaviour = 'overloaded';
    const anthropicCalls = anthropic.messageRequests.length;
    const { data, response } = await client.messages.create(params).withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(response.headers.get('x-gateway-attempts')).toBe('3');
    expect(anthropic.messageRequests.length - anthropicCalls).toBe(2);
    expect(data).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'Hello from OpenAI' }],
      stop_reason: 'end_turn',
    });
  });

  it('fails a stream over before its first event: the client sees one clean stream', async () => {
    anthropic.behaviour = 'overloaded';
    const stream = client.messages.stream(params);
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from OpenAI' }]);
    expect(types.filter((type) => type === 'message_start')).toHaveLength(1);
    expect(types.at(-1)).toBe('message_stop');
  });

  it('keeps Anthropic-only fields on Anthropic: nothing falls back to a provider that would drop them', async () => {
    anthropic.behaviour = 'overloaded';
    const openaiCalls = openai.chatRequests.length;
    const response = await postJson(`${gateway.baseUrl}/v1/messages`, { ...params, top_k: 3 });
    expect(response.status).toBe(502);
    expect(response.json.error.type).toBe('api_error');
    expect(openai.chatRequests).toHaveLength(openaiCalls);
  });
});
