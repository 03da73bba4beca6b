import { FakeAnthropicServer } from './fake-anthropic-server';
import { AZURE_CONTENT_FILTER_MESSAGE, FakeAzureOpenAIServer } from './fake-azure-openai-server';
import { FakeBedrockServer } from './fake-bedrock-server';
import { FakeGeminiServer, GEMINI_SKIP_SIGNATURE } from './fake-gemini-server';
import { FakeOpenAIServer } from './fake-openai-server';

/**
 * The fakes refuse what the real APIs refuse, in the providers' own error envelopes: these tests
 * talk to them over raw HTTP, so the adapters' conformance runs against fakes that can say no.
 */
async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field
  return { status: response.status, text, json: safeJson(text) as Record<string, any> };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const weather = { name: 'get_weather', parametersJsonSchema: { type: 'object' } };

describe('FakeGeminiServer as Gemini 3 documents thought signatures', () => {
  let fake: FakeGeminiServer;
  const url = () => `${fake.baseUrl}/v1beta/models/gemini-3-flash:generateContent`;
  const key = { 'x-goog-api-key': 'k' };
  beforeAll(async () => {
    fake = await FakeGeminiServer.start();
  });
  afterAll(() => fake.stop());

  async function firstCall() {
    const first = await post(
      url(),
      {
        contents: [{ role: 'user', parts: [{ text: 'weather?' }] }],
        tools: [{ functionDeclarations: [weather] }],
      },
      key,
    );
    expect(first.status).toBe(200);
    return first.json.candidates[0].content.parts[0];
  }

  const followUp = (modelPart: object) => ({
    contents: [
      { role: 'user', parts: [{ text: 'weather?' }] },
      { role: 'model', parts: [modelPart] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: {} } }] },
    ],
    tools: [{ functionDeclarations: [weather] }],
  });

  it('signs a function call and takes it back with its signature', async () => {
    const part = await firstCall();
    expect(part.thoughtSignature).toEqual(expect.any(String));
    expect((await post(url(), followUp(part), key)).status).toBe(200);
  });

  it('refuses the current turn without the signature, in Google’s error envelope', async () => {
    const { functionCall } = await firstCall();
    const refused = await post(url(), followUp({ functionCall }), key);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(refused.json.error.message).toMatch(/missing a `thought_signature`/);
  });

  it('refuses a signature it did not issue, and takes Google’s documented stand-in', async () => {
    const { functionCall } = await firstCall();
    const forged = await post(url(), followUp({ functionCall, thoughtSignature: 'AAAA' }), key);
    expect(forged.status).toBe(400);
    const skipped = followUp({ functionCall, thoughtSignature: GEMINI_SKIP_SIGNATURE });
    expect((await post(url(), skipped, key)).status).toBe(200);
  });

  it('refuses thinkingLevel on Gemini 2.5 and level with budget together', async () => {
    const ask = (model: string, thinkingConfig: object) =>
      post(
        `${fake.baseUrl}/v1beta/models/${model}:generateContent`,
        {
          contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
          generationConfig: { thinkingConfig },
        },
        key,
      );
    expect((await ask('gemini-2.5-flash', { thinkingLevel: 'LOW' })).status).toBe(400);
    expect((await ask('gemini-3-pro', { thinkingLevel: 'LOW', thinkingBudget: 10 })).status).toBe(
      400,
    );
    expect((await ask('gemini-2.5-flash', { thinkingBudget: 1024 })).status).toBe(200);
  });
});

describe('FakeAnthropicServer as Anthropic documents thinking', () => {
  let fake: FakeAnthropicServer;
  const headers = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };
  const url = () => `${fake.baseUrl}/v1/messages`;
  const tools = [{ name: 'get_weather', input_schema: { type: 'object' } }];
  beforeAll(async () => {
    fake = await FakeAnthropicServer.start();
  });
  afterAll(() => fake.stop());

  const ask = (body: object) =>
    post(url(), { model: 'claude-sonnet-4-6', max_tokens: 4096, ...body }, headers);
  const loop = (assistant: object[]) => ({
    thinking: { type: 'adaptive' },
    tools,
    messages: [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: assistant },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }],
      },
    ],
  });

  it('answers a thinking request with a signed thinking block and takes it back', async () => {
    const first = await ask({
      thinking: { type: 'adaptive' },
      tools,
      messages: [{ role: 'user', content: 'weather?' }],
    });
    expect(first.status).toBe(200);
    const [thinking, toolUse] = first.json.content;
    expect(thinking).toMatchObject({ type: 'thinking', signature: expect.any(String) });
    expect((await ask(loop([thinking, toolUse]))).status).toBe(200);
  });

  it('refuses a thinking tool loop whose assistant turn lost its thinking', async () => {
    const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} };
    const refused = await ask(loop([toolUse]));
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: expect.stringMatching(/Expected `thinking`/),
      },
    });
  });

  it('refuses a thinking block whose signature it did not issue for that text', async () => {
    const thinking = { type: 'thinking', thinking: 'made up', signature: 'AAAA' };
    const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} };
    const refused = await ask(loop([thinking, toolUse]));
    expect(refused.json.error.message).toMatch(/Invalid `signature`/);
  });

  it('applies each generation’s thinking form, budget rule and forced-tool rule', async () => {
    const hi = [{ role: 'user', content: 'hi' }];
    const status = async (body: object) => (await ask({ messages: hi, ...body })).status;
    expect(await status({ model: 'claude-sonnet-4-5', thinking: { type: 'adaptive' } })).toBe(400);
    expect(
      await status({
        model: 'claude-sonnet-5-5',
        thinking: { type: 'enabled', budget_tokens: 2048 },
      }),
    ).toBe(400);
    expect(
      await status({
        model: 'claude-sonnet-4-5',
        max_tokens: 2000,
        thinking: { type: 'enabled', budget_tokens: 2048 },
      }),
    ).toBe(400);
    expect(
      await status({
        model: 'claude-sonnet-4-5',
        thinking: { type: 'enabled', budget_tokens: 2048 },
      }),
    ).toBe(200);
    expect(await status({ model: 'claude-sonnet-5-5', tools, tool_choice: { type: 'any' } })).toBe(
      400,
    );
    expect(
      await status({
        output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
      }),
    ).toBe(400);
  });
});

describe('FakeBedrockServer relays Claude’s thinking rules', () => {
  let fake: FakeBedrockServer;
  const sigv4 = { authorization: 'AWS4-HMAC-SHA256 Credential=fake' };
  const url = () => `${fake.baseUrl}/model/anthropic.claude-sonnet-4-5-v1%3A0/converse`;
  beforeAll(async () => {
    fake = await FakeBedrockServer.start();
  });
  afterAll(() => fake.stop());

  it('refuses a thinking tool loop without its reasoning block, as a ValidationException', async () => {
    const refused = await post(
      url(),
      {
        additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } },
        inferenceConfig: { maxTokens: 4096 },
        toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: {} } } }] },
        messages: [
          { role: 'user', content: [{ text: 'hi' }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'f', input: {} } }] },
          { role: 'user', content: [{ toolResult: { toolUseId: 't', content: [{ text: 'x' }] } }] },
        ],
      },
      sigv4,
    );
    expect(refused.status).toBe(400);
    expect(refused.json.message).toMatch(
      /^The model returned the following errors: .*Expected `thinking`/,
    );
  });
});

describe('FakeAzureOpenAIServer as Azure answers', () => {
  let fake: FakeAzureOpenAIServer;
  const key = { 'api-key': 'azure-test-key' };
  beforeAll(async () => {
    fake = await FakeAzureOpenAIServer.start();
  });
  afterAll(() => fake.stop());
  const chat = { messages: [{ role: 'user', content: 'hi' }] };

  it('opens a stream with a choice-less prompt_filter_results frame', async () => {
    const { text } = await post(
      `${fake.endpoint}/openai/deployments/gpt-4o-deployment/chat/completions?api-version=2024-10-21`,
      { ...chat, stream: true },
      key,
    );
    const first = JSON.parse(text.split('\n\n')[0].replace(/^data: /, ''));
    expect(first).toMatchObject({ id: '', choices: [], prompt_filter_results: expect.any(Array) });
  });

  it('serves the v1 API with the deployment in model, and refuses embeddings on a chat deployment', async () => {
    const v1 = await post(
      `${fake.endpoint}/openai/v1/chat/completions`,
      { ...chat, model: 'gpt-4o-deployment' },
      key,
    );
    expect(v1.status).toBe(200);
    const embed = await post(
      `${fake.endpoint}/openai/v1/embeddings`,
      { model: 'gpt-4o-deployment', input: 'x' },
      key,
    );
    expect(embed.status).toBe(400);
    expect(embed.json.error.code).toBe('OperationNotSupported');
  });

  it('trips its content filter with a 400 content_filter error', async () => {
    fake.enqueue('content-filter');
    const refused = await post(
      `${fake.endpoint}/openai/v1/chat/completions`,
      { ...chat, model: 'gpt-4o-deployment' },
      key,
    );
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({
      code: 'content_filter',
      message: AZURE_CONTENT_FILTER_MESSAGE,
    });
  });
});

describe('FakeOpenAIServer JSON mode', () => {
  it('refuses json_object when no message mentions JSON, as OpenAI does', async () => {
    const fake = await FakeOpenAIServer.start();
    try {
      const refused = await post(`${fake.baseUrl}/chat/completions`, {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        response_format: { type: 'json_object' },
      });
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatchObject({
        type: 'invalid_request_error',
        param: 'messages',
      });
    } finally {
      await fake.stop();
    }
  });
});
