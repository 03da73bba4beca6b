import { createOpenAI } from '@ai-sdk/openai';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { tool as langchainTool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, generateText, stepCountIs, streamText, tool as aiTool } from 'ai';
import type OpenAI from 'openai';
import { z } from 'zod';
import { ensureTestModels, FakeAnthropicServer, FakeOpenAIServer } from '@app/testing';
import { startGateway, type RunningGateway } from './support/gateway-harness';

/**
 * Unmodified client libraries through the gateway, each against an OpenAI-wire upstream, an
 * Anthropic upstream and the local tiny llama.cpp model: the official `openai` SDK (Chat
 * Completions tool loops that push the SDK's own messages back, the Responses API with its
 * stream and a `previous_response_id` tool loop), LangChain's `ChatOpenAI` with tools and
 * `ToolMessage`, and the AI SDK's default `openai(id)` (which speaks the Responses API).
 *
 * The local engine calls tools by constrained decoding; its random weights would choose between
 * text and a call at random, so on it the loops ask for a call (`tool_choice: "required"`) and
 * then for the answer (`"none"`), as a client that drives its loop does. Random weights write
 * nonsense: local answers are checked for shape, never for words.
 */

interface Target {
  label: string;
  model: string;
  /** The text the upstream answers with; undefined for the random-weight local model. */
  reply?: string;
  /** The loop asks for a call, then for the answer, instead of leaving both to the model. */
  drivenLoop: boolean;
}

const TARGETS: Target[] = [
  {
    label: 'OpenAI-wire upstream',
    model: 'openai/gpt-4o-mini',
    reply: 'from openai',
    drivenLoop: false,
  },
  {
    label: 'Anthropic upstream',
    model: 'anthropic/claude-sonnet-5-5',
    reply: 'from anthropic',
    drivenLoop: false,
  },
  { label: 'local tiny model', model: 'local/local-llm', drivenLoop: true },
];

// An enum keeps a random-weight model's constrained arguments short.
const CITIES = ['Paris', 'Rome'] as const;
const weatherParameters = {
  type: 'object',
  properties: { city: { type: 'string', enum: CITIES } },
  required: ['city'],
  additionalProperties: false,
};

const chatTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: weatherParameters,
  },
};

let openaiUpstream: FakeOpenAIServer;
let anthropicUpstream: FakeAnthropicServer;
let gateway: RunningGateway;

beforeAll(async () => {
  const models = ensureTestModels();
  [openaiUpstream, anthropicUpstream] = await Promise.all([
    FakeOpenAIServer.start({ reply: 'from openai', answerToolResults: true }),
    FakeAnthropicServer.start({ reply: 'from anthropic' }),
  ]);
  gateway = await startGateway({
    OPENAI_BASE_URL: openaiUpstream.baseUrl,
    OPENAI_API_KEY: 'sk-openai',
    ANTHROPIC_API_KEY: 'sk-ant',
    ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl,
    LOCAL_ENABLED: 'true',
    WORKER_LLM_MODEL_PATH: models.chatModelPath,
    WORKER_LLM_THREADS: '1',
    WORKER_LLM_CONTEXT_SIZE: '2048',
    WORKER_LLM_SYSTEM_PROMPT: 'Be brief.',
    MAX_RETRIES: '0',
    // The first local request loads the model.
    FIRST_BYTE_TIMEOUT_MS: '20000',
    REQUEST_TIMEOUT_MS: '60000',
  });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([openaiUpstream?.stop(), anthropicUpstream?.stop()]);
});

describe.each(TARGETS)('client libraries through the gateway to the $label', (target) => {
  const client = () => gateway.client;
  const expectReply = (text: string | null | undefined) => {
    if (target.reply) expect(text).toBe(target.reply);
    else expect(typeof text).toBe('string');
  };
  /** tool_choice for the turn that should call, and the turn that should answer. */
  const callTurn = target.drivenLoop ? ('required' as const) : ('auto' as const);
  const answerTurn = target.drivenLoop ? ('none' as const) : ('auto' as const);
  const expectWeatherCall = (name: string, args: string) => {
    expect(name).toBe('get_weather');
    expect(CITIES).toContain((JSON.parse(args) as { city: string }).city);
  };

  describe('openai SDK, Chat Completions', () => {
    it('runs a tool loop that pushes the SDK’s own messages back', async () => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: 'user', content: 'Weather in Paris?' },
      ];
      const request = (toolChoice: 'auto' | 'required' | 'none') =>
        client().chat.completions.create({
          model: target.model,
          messages,
          tools: [chatTool],
          tool_choice: toolChoice,
          // One call per turn: a random-weight model would otherwise add calls until the limit.
          parallel_tool_calls: false,
          max_tokens: 128,
        });
      const first = await request(callTurn);
      const message = first.choices[0].message;
      expect(first.choices[0].finish_reason).toBe('tool_calls');
      expect(message.tool_calls!.length).toBeGreaterThan(0);
      for (const call of message.tool_calls ?? [])
        if (call.type === 'function')
          expectWeatherCall(call.function.name, call.function.arguments);
      messages.push(message);
      for (const call of message.tool_calls ?? [])
        messages.push({ role: 'tool', tool_call_id: call.id, content: '{"temp":21}' });
      const second = await request(answerTurn);
      expectReply(second.choices[0].message.content);
    });

    it('takes back the message of stream().finalChatCompletion(), `parsed` and all', async () => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: 'user', content: 'Say hello' },
      ];
      const streamed = await client()
        .chat.completions.stream({ model: target.model, messages, max_tokens: 8 })
        .finalChatCompletion();
      const message = streamed.choices[0].message;
      expect(message).toHaveProperty('parsed');
      messages.push(message, { role: 'user', content: 'And again' });
      const next = await client().chat.completions.create({
        model: target.model,
        messages,
        max_tokens: 8,
      });
      expectReply(next.choices[0].message.content);
    });
  });

  describe('openai SDK, Responses API', () => {
    const responseTool = {
      type: 'function' as const,
      name: 'get_weather',
      description: 'Weather of a city',
      parameters: weatherParameters,
      strict: true,
    };

    it('creates a response and streams one', async () => {
      const created = await client().responses.create({
        model: target.model,
        input: 'Say hello',
        max_output_tokens: 16,
      });
      expect(created.status).toMatch(/^(completed|incomplete)$/);
      expectReply(created.output_text);
      const stream = client().responses.stream({
        model: target.model,
        input: 'Say hello',
        max_output_tokens: 16,
      });
      const types: string[] = [];
      stream.on('event', (event) => types.push(event.type));
      const final = await stream.finalResponse();
      expectReply(final.output_text);
      expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
      expect(types).toContain('response.output_text.done');
      expect(types.at(-1)).toMatch(/^response\.(completed|incomplete)$/);
    });

    it('continues a conversation with previous_response_id, through a tool call', async () => {
      const request = {
        model: target.model,
        tools: [responseTool],
        parallel_tool_calls: false,
        max_output_tokens: 128,
      };
      const first = await client().responses.create({
        ...request,
        input: 'Weather in Paris?',
        tool_choice: callTurn,
      });
      const call = first.output.find(
        (item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call',
      );
      expect(call).toBeDefined();
      expectWeatherCall(call!.name, call!.arguments);
      const second = await client().responses.create({
        ...request,
        tool_choice: answerTurn,
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: call!.call_id, output: '{"temp":21}' }],
      });
      expect(second.previous_response_id).toBe(first.id);
      expectReply(second.output_text);
    });
  });

  describe('LangChain ChatOpenAI', () => {
    const model = () =>
      new ChatOpenAI({
        model: target.model,
        apiKey: 'sk-client',
        configuration: { baseURL: `${gateway.baseUrl}/v1` },
        maxRetries: 0,
        maxTokens: 128,
      });
    const weather = langchainTool(async () => '{"temp":21}', {
      name: 'get_weather',
      description: 'Weather of a city',
      schema: z.object({ city: z.enum(CITIES) }),
    });

    it('calls a tool and answers its ToolMessage', async () => {
      const question = new HumanMessage('Weather in Paris?');
      const called = (await model()
        .bindTools([weather], { tool_choice: callTurn, parallel_tool_calls: false })
        .invoke([question])) as AIMessage;
      expect(called.tool_calls!.length).toBeGreaterThan(0);
      const call = called.tool_calls![0];
      expectWeatherCall(call.name, JSON.stringify(call.args));
      const result = new ToolMessage({
        tool_call_id: call.id!,
        name: call.name,
        content: '{"temp":21}',
      });
      const answer = await model()
        .bindTools([weather], { tool_choice: answerTurn })
        .invoke([question, called, result]);
      expectReply(answer.content as string);
    });

    it('answers without tools', async () => {
      const answer = await model().invoke([new HumanMessage('Say hello')]);
      expectReply(answer.content as string);
    });
  });

  describe("AI SDK's default openai(id) (the Responses API)", () => {
    const model = () =>
      createOpenAI({ baseURL: `${gateway.baseUrl}/v1`, apiKey: 'sk-client' })(target.model);

    it('generateText and streamText', async () => {
      const generated = await generateText({
        model: model(),
        prompt: 'Say hello',
        maxOutputTokens: 16,
        maxRetries: 0,
      });
      expectReply(generated.text);
      // The default openai(id) model speaks the Responses API: its ids are response ids.
      expect(generated.response.id).toMatch(/^resp_/);
      expect(generated.usage.outputTokens).toBeGreaterThan(0);
      const streamed = streamText({
        model: model(),
        prompt: 'Say hello',
        maxOutputTokens: 16,
        maxRetries: 0,
      });
      let text = '';
      for await (const delta of streamed.textStream) text += delta;
      expectReply(text);
      expect(await streamed.finishReason).toMatch(/^(stop|length)$/);
    });

    it('generateObject', async () => {
      const { object } = await generateObject({
        model: model(),
        schema: z.object({ ok: z.boolean(), color: z.enum(['red', 'green', 'blue']) }),
        prompt: 'Answer as JSON',
        maxOutputTokens: 60,
        maxRetries: 0,
      });
      expect(typeof object.ok).toBe('boolean');
      expect(['red', 'green', 'blue']).toContain(object.color);
    });

    it('runs tools', async () => {
      const execute = jest.fn(async ({ city }: { city: string }) => ({ city, temp: 21 }));
      const result = await generateText({
        model: model(),
        prompt: 'Weather in Paris?',
        tools: {
          get_weather: aiTool({
            description: 'Weather of a city',
            inputSchema: z.object({ city: z.enum(CITIES) }),
            execute,
          }),
        },
        toolChoice: callTurn,
        prepareStep: ({ stepNumber }) => (stepNumber > 0 ? { toolChoice: answerTurn } : {}),
        providerOptions: { openai: { parallelToolCalls: false } },
        stopWhen: stepCountIs(3),
        maxOutputTokens: 128,
        maxRetries: 0,
      });
      expect(execute).toHaveBeenCalledTimes(1);
      expect(CITIES).toContain(execute.mock.calls[0][0].city);
      expect(result.steps).toHaveLength(2);
      expectReply(result.text);
    });
  });
});
