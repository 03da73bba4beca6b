import {
  FakeAnthropicServer,
  FakeBedrockServer,
  FakeCopilotServer,
  FakeGeminiServer,
  FakeOpenAIServer,
} from '@app/testing';
import { startGateway, type RunningGateway } from './support/gateway-harness';

/**
 * The official openai SDK against the gateway, routed to each provider's wire-format fake: every
 * provider's answer comes back in OpenAI's shape, and a copilot → openai → anthropic chain fails
 * over tier by tier.
 */
describe('every provider through the openai SDK, and a three-tier chain', () => {
  let copilot: FakeCopilotServer;
  let openai: FakeOpenAIServer;
  let anthropic: FakeAnthropicServer;
  let gemini: FakeGeminiServer;
  let bedrock: FakeBedrockServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    // The AWS SDK reads credentials from the process environment (its standard chain).
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    [copilot, openai, anthropic, gemini, bedrock] = await Promise.all([
      FakeCopilotServer.start({ reply: 'from copilot' }),
      FakeOpenAIServer.start({ reply: 'from openai' }),
      FakeAnthropicServer.start({ reply: 'from anthropic' }),
      FakeGeminiServer.start({ reply: 'from gemini' }),
      FakeBedrockServer.start({ reply: 'from bedrock' }),
    ]);
    gateway = await startGateway({
      GITHUB_COPILOT_TOKEN: 'gh-test-token',
      COPILOT_BASE_URL: copilot.baseUrl,
      COPILOT_TOKEN_URL: copilot.tokenUrl,
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: 'sk-openai',
      ANTHROPIC_API_KEY: 'sk-ant',
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      GEMINI_API_KEY: 'gem-key',
      GEMINI_BASE_URL: gemini.baseUrl,
      BEDROCK_ENABLED: 'true',
      BEDROCK_ENDPOINT: bedrock.baseUrl,
      AWS_REGION: 'us-east-1',
      PROVIDER_ORDER: 'copilot,openai,anthropic',
      MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await gateway?.close();
    await Promise.all([copilot, openai, anthropic, gemini, bedrock].map((fake) => fake?.stop()));
  });
  afterEach(() => {
    copilot.openai.behaviour = 'ok';
    openai.behaviour = 'ok';
    anthropic.behaviour = 'ok';
  });

  const ask = (model: string) => ({
    model,
    messages: [{ role: 'user' as const, content: `Hi ${Math.random()}` }],
    max_tokens: 32,
  });

  it.each([
    ['copilot', 'from copilot'],
    ['openai', 'from openai'],
    ['anthropic', 'from anthropic'],
    ['gemini', 'from gemini'],
    ['bedrock', 'from bedrock'],
  ])('%s answers in the OpenAI shape, non-streaming and streaming', async (provider, reply) => {
    const { data, response } = await gateway.client.chat.completions
      .create(ask(`${provider}/${defaultModel(provider)}`))
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe(provider);
    expect(data).toMatchObject({
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' },
      ],
    });
    expect(data.usage?.total_tokens).toBeGreaterThan(0);

    const stream = await gateway.client.chat.completions.create({
      ...ask(`${provider}/${defaultModel(provider)}`),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage = 0;
    let finish: string | null = null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage?.total_tokens ?? usage;
    }
    expect(text).toBe(reply);
    expect(finish).toBe('stop');
    expect(usage).toBeGreaterThan(0);
  });

  it.each(['anthropic', 'gemini', 'bedrock'])(
    'serves a "provider": "%s" pin with cache options (gateway fields are never judged as upstream fields)',
    async (provider) => {
      const response = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...ask('default'), provider, cache: { no_store: true } }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-gateway-provider')).toBe(provider);
    },
  );

  it('fails over copilot → openai → anthropic tier by tier', async () => {
    const first = await gateway.client.chat.completions.create(ask('default')).withResponse();
    expect(first.response.headers.get('x-gateway-provider')).toBe('copilot');

    copilot.openai.behaviour = 'error-500';
    const second = await gateway.client.chat.completions.create(ask('default')).withResponse();
    expect(second.response.headers.get('x-gateway-provider')).toBe('openai');
    expect(second.data.choices[0].message.content).toBe('from openai');

    openai.behaviour = 'error-500';
    const third = await gateway.client.chat.completions.create(ask('default')).withResponse();
    expect(third.response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(third.response.headers.get('x-gateway-attempts')).toBe('3');
    expect(third.data.choices[0].message.content).toBe('from anthropic');
  });

  it('reports the seed-001 availability fields in /health', async () => {
    const health = (await fetch(`${gateway.baseUrl}/health`).then((response) =>
      response.json(),
    )) as Record<string, any>;
    expect(health).toMatchObject({
      copilot_available: expect.any(Boolean),
      cloud_available: true,
      local_available: false,
    });
    expect(Object.keys(health.providers)).toEqual(
      expect.arrayContaining(['copilot', 'openai', 'anthropic', 'gemini', 'bedrock']),
    );
  });
});

function defaultModel(provider: string): string {
  return {
    copilot: 'gpt-4o',
    openai: 'gpt-4o-mini',
    anthropic: 'claude-sonnet-5-5',
    gemini: 'gemini-2.5-flash',
    bedrock: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  }[provider]!;
}
