import type OpenAI from 'openai';
import { APIError } from 'openai';
import {
  ANTHROPIC_FAKE_FAILURES,
  AZURE_CONTENT_FILTER_MESSAGE,
  FakeAnthropicServer,
  FakeAzureOpenAIServer,
  FakeBedrockServer,
  FakeGeminiServer,
} from '@app/testing';
import { startGateway, type RunningGateway } from './support/gateway-harness';

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type ToolCall = OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;

const WEATHER: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};
const TIME: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_time',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

function toolResults(calls: ToolCall[]): Message[] {
  return calls.map((call) => ({ role: 'tool', tool_call_id: call.id, content: 'sunny' }));
}

/**
 * The official openai SDK through the gateway to fakes that behave as today's providers do:
 * Gemini 3 thought signatures, Claude thinking, Azure's content filter and deployments, and each
 * provider's own error messages and structured output.
 */
describe('provider features through the openai SDK', () => {
  let gemini: FakeGeminiServer;
  let anthropic: FakeAnthropicServer;
  let bedrock: FakeBedrockServer;
  let azure: FakeAzureOpenAIServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    [gemini, anthropic, bedrock, azure] = await Promise.all([
      FakeGeminiServer.start({ reply: 'from gemini' }),
      FakeAnthropicServer.start({ reply: 'from anthropic' }),
      FakeBedrockServer.start({ reply: 'from bedrock' }),
      FakeAzureOpenAIServer.start({ reply: 'from azure' }),
    ]);
    gateway = await startGateway({
      GEMINI_API_KEY: 'gem-key',
      GEMINI_BASE_URL: gemini.baseUrl,
      GEMINI_MODEL: 'gemini-3-flash',
      ANTHROPIC_API_KEY: 'sk-ant',
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      BEDROCK_ENABLED: 'true',
      BEDROCK_ENDPOINT: bedrock.baseUrl,
      BEDROCK_MODEL: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      AWS_REGION: 'us-east-1',
      AZURE_OPENAI_API_KEY: 'azure-test-key',
      AZURE_OPENAI_ENDPOINT: azure.endpoint,
      AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-deployment',
      AZURE_OPENAI_EMBEDDING_DEPLOYMENT: 'embedding-deployment',
      MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await gateway?.close();
    await Promise.all([gemini, anthropic, bedrock, azure].map((fake) => fake?.stop()));
  });

  it('Gemini 3: parallel streamed calls get their own ids, and the SDK’s own message closes the loop', async () => {
    const question: Message = { role: 'user', content: 'Weather and time in Paris?' };
    const ask = { model: 'gemini/gemini-3-flash', messages: [question], tools: [WEATHER, TIME] };
    // Gemini streams each parallel call in its own event: each still gets its own id.
    const streamedIds = new Map<number, string>();
    for await (const chunk of await gateway.client.chat.completions.create({
      ...ask,
      stream: true,
    }))
      for (const call of chunk.choices[0]?.delta.tool_calls ?? [])
        if (call.id) streamedIds.set(call.index, call.id);
    expect(streamedIds.size).toBe(2);
    expect(new Set(streamedIds.values()).size).toBe(2);

    const first = (await gateway.client.chat.completions.create(ask)).choices[0].message;
    const calls = first.tool_calls as ToolCall[];
    expect(calls.map((call) => call.function.name)).toEqual(['get_weather', 'get_time']);
    const answer = await gateway.client.chat.completions.create({
      ...ask,
      messages: [question, first, ...toolResults(calls)],
    });
    expect(answer.choices[0].message.content).toBe('from gemini');
    const upstream = gemini.generateRequests.at(-1)!.body as {
      contents: { role: string; parts: { thoughtSignature?: string }[] }[];
    };
    const model = upstream.contents.find((content) => content.role === 'model')!;
    expect(model.parts[0].thoughtSignature).toEqual(expect.any(String));
    expect(model.parts[0].thoughtSignature).not.toBe('skip_thought_signature_validator');
  });

  it('Anthropic: reasoning comes back as reasoning_content, and a thinking tool loop needs only ids', async () => {
    const question: Message = { role: 'user', content: 'Weather in Paris?' };
    const first = await gateway.client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-6',
      messages: [question],
      tools: [WEATHER],
      reasoning_effort: 'low',
    });
    const message = first.choices[0].message as (typeof first.choices)[0]['message'] & {
      reasoning_content?: string;
    };
    expect(message.reasoning_content).toEqual(expect.any(String));
    const calls = message.tool_calls as ToolCall[];
    // A client that rebuilds the assistant turn from the id, name and arguments alone.
    const assistant: Message = {
      role: 'assistant',
      content: null,
      tool_calls: calls.map(({ id, function: { name, arguments: args } }) => ({
        id,
        type: 'function',
        function: { name, arguments: args },
      })),
    };
    const answer = await gateway.client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-6',
      messages: [question, assistant, ...toolResults(calls)],
      tools: [WEATHER],
      reasoning_effort: 'low',
    });
    expect(answer.choices[0].message.content).toBe('from anthropic');
  });

  it('Anthropic: the provider’s own 400 message reaches the client', async () => {
    anthropic.enqueue('bad-request');
    const failure = await gateway.client.chat.completions
      .create({ model: 'anthropic/claude-sonnet-5-5', messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error as APIError);
    expect(failure).toMatchObject({ status: 400 });
    expect((failure as APIError).error).toMatchObject({
      message: ANTHROPIC_FAKE_FAILURES['bad-request'].message,
      type: 'invalid_request_error',
      code: 'invalid_request_error',
    });
  });

  it.each([
    ['anthropic/claude-sonnet-5-5', { type: 'json_object' as const }],
    [
      'bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0',
      {
        type: 'json_schema' as const,
        json_schema: {
          name: 'forecast',
          schema: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      },
    ],
  ])('%s answers response_format as JSON content, streamed or not', async (model, format) => {
    const body = {
      model,
      messages: [{ role: 'user' as const, content: 'The forecast for Paris as JSON.' }],
      response_format: format,
    };
    const completion = await gateway.client.chat.completions.create(body);
    expect(JSON.parse(completion.choices[0].message.content ?? '')).toEqual(expect.any(Object));
    expect(completion.choices[0].finish_reason).toBe('stop');
    let streamed = '';
    for await (const chunk of await gateway.client.chat.completions.create({
      ...body,
      stream: true,
    }))
      streamed += chunk.choices[0]?.delta.content ?? '';
    expect(JSON.parse(streamed)).toEqual(expect.any(Object));
  });

  it('Azure: every streamed chunk has choices; the prompt’s filter results ride on the first', async () => {
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of await gateway.client.chat.completions.create({
      model: 'azure/gpt-4o-deployment',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
    }))
      chunks.push(chunk);
    for (const chunk of chunks) expect(chunk.choices[0].delta).toEqual(expect.any(Object));
    expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe('from azure');
    expect((chunks[0] as unknown as Record<string, unknown>).prompt_filter_results).toEqual(
      expect.any(Array),
    );
  });

  it('Azure: embeddings go to the embedding deployment; a filtered prompt is a 400 content_filter', async () => {
    const embeddings = await gateway.client.embeddings.create({
      model: 'embedding-deployment',
      input: ['a', 'b'],
    });
    expect(embeddings.data).toHaveLength(2);
    expect(azure.http.requests.at(-1)!.path).toContain('/deployments/embedding-deployment/');

    azure.enqueue('content-filter');
    const failure = await gateway.client.chat.completions
      .create({ model: 'azure/gpt-4o-deployment', messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error as APIError);
    expect(failure).toMatchObject({ status: 400, code: 'content_filter' });
    expect((failure as APIError).error).toMatchObject({
      message: AZURE_CONTENT_FILTER_MESSAGE,
    });
  });
});
