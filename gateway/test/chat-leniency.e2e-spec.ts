import { FakeAnthropicServer, FakeOpenAIServer } from '@app/testing';
import { postJson, startGateway, type RunningGateway } from './support/gateway-harness';

// Chat Completions accepted as OpenAI accepts it: every message field the SDKs echo, and any
// top-level parameter, which OpenAI-wire upstreams judge and translating ones refuse by name.
describe('Chat Completions accepted as OpenAI accepts it', () => {
  let openai: FakeOpenAIServer;
  let anthropic: FakeAnthropicServer;
  let gateway: RunningGateway;
  let url: string;

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
      PROVIDER_ORDER: 'anthropic,openai',
      MAX_RETRIES: '0',
    });
    url = `${gateway.baseUrl}/v1/chat/completions`;
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([openai?.stop(), anthropic?.stop()]);
  });

  const echoedConversation = [
    { role: 'system', content: 'Be brief.', name: 'rules' },
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }], name: 'ada' },
    {
      role: 'assistant',
      content: null,
      refusal: null,
      annotations: [],
      audio: null,
      parsed: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'weather', arguments: '{"city":"Paris"}', parsed_arguments: null },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', name: 'weather', content: '{"temp":21}' },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'It is 21°C.' },
        { type: 'refusal', refusal: 'No forecasts.' },
      ],
    },
    { role: 'user', content: 'Thanks' },
  ];

  it.each(['openai', 'anthropic'])(
    "takes back every field of the SDKs' own messages (%s)",
    async (provider) => {
      const response = await postJson(url, {
        model: 'default',
        provider,
        messages: echoedConversation,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-gateway-provider')).toBe(provider);
      expect(response.json.choices[0].message.content).toBe(`from ${provider}`);
    },
  );

  it('forwards current OpenAI parameters to an OpenAI-wire upstream unchanged', async () => {
    const response = await postJson(url, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      prompt_cache_key: 'conversation-42',
      prompt_cache_retention: '24h',
      safety_identifier: 'user-hash',
      verbosity: 'low',
      moderation: { mode: 'default' },
    });
    expect(response.status).toBe(200);
    expect(openai.chatRequests.at(-1)!.body).toMatchObject({
      prompt_cache_key: 'conversation-42',
      prompt_cache_retention: '24h',
      safety_identifier: 'user-hash',
      verbosity: 'low',
      moderation: { mode: 'default' },
    });
  });

  it('lets an OpenAI-wire upstream judge a parameter the gateway does not know', async () => {
    const calls = openai.chatRequests.length;
    const response = await postJson(url, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      brand_new_parameter: { level: 3 },
    });
    // The fake refuses it as OpenAI does, which proves it was forwarded, not dropped.
    expect(openai.chatRequests).toHaveLength(calls + 1);
    expect(openai.chatRequests.at(-1)!.body).toMatchObject({ brand_new_parameter: { level: 3 } });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toBe(
      'Unrecognized request argument supplied: brand_new_parameter',
    );
  });

  it('routes a parameter a translating provider cannot honour past it, never dropping it', async () => {
    const anthropicCalls = anthropic.http.requests.length;
    const response = await postJson(url, {
      model: 'default',
      messages: [{ role: 'user', content: 'hi' }],
      prompt_cache_key: 'conversation-42',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(anthropic.http.requests).toHaveLength(anthropicCalls);
    expect(openai.chatRequests.at(-1)!.body).toMatchObject({ prompt_cache_key: 'conversation-42' });
  });

  it('answers 400 naming an unknown parameter when only translating providers are left', async () => {
    const response = await postJson(url, {
      model: 'default',
      provider: 'anthropic',
      messages: [{ role: 'user', content: 'hi' }],
      brand_new_parameter: true,
    });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({
      param: 'brand_new_parameter',
      code: 'unsupported_parameter',
    });
  });

  it('refuses OpenAI-only tool kinds on a translating provider, naming where they are', async () => {
    const response = await postJson(url, {
      model: 'default',
      provider: 'anthropic',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'custom', custom: { name: 'grep' } }],
    });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({
      param: 'tools[0].type',
      code: 'unsupported_parameter',
    });
  });

  it('keeps the gateway-only fields and the reliability limits', async () => {
    const calls = openai.chatRequests.length;
    const response = await postJson(url, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      provider: 'openai',
      cache: { no_store: true },
    });
    expect(response.status).toBe(200);
    expect(openai.chatRequests[calls].body).not.toHaveProperty('provider');
    expect(openai.chatRequests[calls].body).not.toHaveProperty('cache');
    const longModel = await postJson(url, {
      model: 'm'.repeat(300),
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(longModel.status).toBe(400);
    expect(longModel.json.error.param).toBe('model');
    let deep: unknown = 'x';
    for (let depth = 0; depth < 80; depth += 1) deep = { nested: deep };
    const tooDeep = await postJson(url, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      brand_new_parameter: deep,
    });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.json.error.code).toBe('nesting_too_deep');
    expect(openai.chatRequests).toHaveLength(calls + 1);
  });
});
