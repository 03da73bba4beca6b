import { GatewayError, ProviderError, type ChatCompletionRequest } from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import { rejectedFields } from '../shared/field-support';
import { BEDROCK_FIELDS } from './bedrock-fields';
import { toBedrockConversation } from './bedrock-messages';
import { toBedrockToolChoice, toConverseInput } from './bedrock-request';
import {
  BEDROCK_FINISH_REASONS,
  toChatCompletion,
  toFinishReason,
  toUsage,
} from './bedrock-response';
import { BedrockStreamTranslator } from './bedrock-stream';
import { BEDROCK_ERROR_STATUS, toBedrockProviderError } from './bedrock-error-mapper';
import { BedrockProvider, bedrockClientConfig } from './bedrock.provider';
import { AbortSource } from '@app/http';

const config: ProviderConfig = {
  id: 'bedrock',
  type: 'bedrock',
  defaultModel: 'm',
  models: [],
  aliases: [],
  headers: {},
  options: { region: 'eu-west-1' },
};
const provider = new BedrockProvider(config, { timeoutMs: 1000 });
const base: ChatCompletionRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
const PNG = 'iVBORw0KGgo=';

describe('toBedrockConversation', () => {
  it('lifts system and developer messages into system blocks', () => {
    const result = toBedrockConversation([
      { role: 'system', content: 'rule one' },
      { role: 'user', content: 'hi' },
      { role: 'developer', content: [{ type: 'text', text: 'rule two' }] },
    ]);
    expect(result.system).toEqual([{ text: 'rule one' }, { text: 'rule two' }]);
    expect(result.messages).toEqual([{ role: 'user', content: [{ text: 'hi' }] }]);
  });

  it('merges consecutive same-role turns and sends tool results as user toolResult blocks', () => {
    const result = toBedrockConversation([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      {
        role: 'assistant',
        content: 'calling',
        tool_calls: [
          { id: 't1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
          { id: 't2', type: 'function', function: { name: 'g', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 't1', content: 'r1' },
      { role: 'tool', tool_call_id: 't2', content: 'r2' },
      { role: 'user', content: 'thanks' },
    ]);
    expect(result.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(result.messages[0].content).toEqual([{ text: 'a' }, { text: 'b' }]);
    expect(result.messages[1].content).toEqual([
      { text: 'calling' },
      { toolUse: { toolUseId: 't1', name: 'f', input: { x: 1 } } },
      { toolUse: { toolUseId: 't2', name: 'g', input: {} } },
    ]);
    expect(result.messages[2].content).toEqual([
      { toolResult: { toolUseId: 't1', content: [{ text: 'r1' }] } },
      { toolResult: { toolUseId: 't2', content: [{ text: 'r2' }] } },
      { text: 'thanks' },
    ]);
  });

  it('turns data URLs into image blocks and rejects http URLs and unknown image types', () => {
    const image = (url: string) =>
      toBedrockConversation([
        { role: 'user', content: [{ type: 'image_url', image_url: { url } }] },
      ]);
    const block = image(`data:image/jpeg;base64,${PNG}`).messages[0].content![0];
    expect(block.image!.format).toBe('jpeg');
    expect(Buffer.from(block.image!.source!.bytes!).toString('base64')).toBe(PNG);
    expect(() => image('https://example.com/cat.png')).toThrow(GatewayError);
    expect(() => image(`data:image/tiff;base64,${PNG}`)).toThrow(GatewayError);
  });
});

describe('toConverseInput', () => {
  it('maps inference settings, configured max tokens and tools', () => {
    const input = toConverseInput(
      {
        ...base,
        messages: [{ role: 'system', content: 's' }, ...base.messages],
        max_completion_tokens: 50,
        temperature: 0.3,
        top_p: 0.9,
        stop: 'END',
        tools: [
          {
            type: 'function',
            function: { name: 'f', description: 'd', parameters: { type: 'object' } },
          },
        ],
        tool_choice: 'required',
      },
      config,
    );
    expect(input).toMatchObject({
      modelId: 'm',
      system: [{ text: 's' }],
      inferenceConfig: { maxTokens: 50, temperature: 0.3, topP: 0.9, stopSequences: ['END'] },
      toolConfig: {
        tools: [
          { toolSpec: { name: 'f', description: 'd', inputSchema: { json: { type: 'object' } } } },
        ],
        toolChoice: { any: {} },
      },
    });
    expect(toConverseInput(base, { options: { maxTokens: 77 } }).inferenceConfig).toEqual({
      maxTokens: 77,
    });
    expect(toConverseInput(base, { options: {} }).inferenceConfig).toBeUndefined();
    expect(toConverseInput({ ...base, tool_choice: 'auto' }, config).toolConfig).toBeUndefined();
  });

  it('maps tool_choice auto/required/function', () => {
    expect(toBedrockToolChoice('auto')).toEqual({ auto: {} });
    expect(toBedrockToolChoice('required')).toEqual({ any: {} });
    expect(toBedrockToolChoice({ type: 'function', function: { name: 'f' } })).toEqual({
      tool: { name: 'f' },
    });
    expect(toBedrockToolChoice(undefined)).toBeUndefined();
  });
});

describe('BEDROCK_FIELDS', () => {
  it('rejects unsupported fields with a 400 and accepts the translated ones', () => {
    const reject = (extra: Partial<ChatCompletionRequest>) => {
      try {
        provider.assertSupported({ ...base, ...extra });
      } catch (error) {
        return (error as GatewayError).status;
      }
      return undefined;
    };
    expect(reject({ logprobs: true })).toBe(400);
    expect(reject({ n: 2 })).toBe(400);
    expect(reject({ tool_choice: 'none' })).toBe(400);
    expect(reject({ parallel_tool_calls: false })).toBe(400);
    expect(reject({ reasoning_effort: 'high' })).toBe(400); // model 'm' is not a Claude model
    expect(reject({ response_format: { type: 'json_object' } })).toBeUndefined();
    expect(reject({ ['brand_new_field' as 'user']: 'x' })).toBe(400);
    expect(
      reject({
        temperature: 1.5,
        top_p: 0.5,
        stop: ['x'],
        max_tokens: 5,
        user: 'u',
        n: 1,
        parallel_tool_calls: true,
        stream: true,
      }),
    ).toBeUndefined();
    expect(reject({ response_format: { type: 'text' }, frequency_penalty: 0 })).toBeUndefined();
  });

  it('lists its rejected fields with reasons', () => {
    const fields = rejectedFields(BEDROCK_FIELDS).map((entry) => entry.field);
    expect(fields).toEqual(
      expect.arrayContaining(['logprobs', 'seed', 'tool_choice', 'parallel_tool_calls', 'n']),
    );
  });
});

describe('reasoning and structured output on Bedrock', () => {
  it('sends Claude thinking through additionalModelRequestFields, effort through outputConfig', () => {
    expect(
      toConverseInput(
        { ...base, model: 'anthropic.claude-sonnet-4-6', reasoning_effort: 'medium' },
        config,
      ),
    ).toMatchObject({
      additionalModelRequestFields: { thinking: { type: 'adaptive' } },
      outputConfig: { effort: 'medium' },
    });
    expect(
      toConverseInput(
        { ...base, model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', reasoning_effort: 'low' },
        config,
      ),
    ).toMatchObject({
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } },
      inferenceConfig: { maxTokens: 4096 + 2048 },
    });
  });

  it('answers json_schema through a forced json_response tool whose input is the content', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const input = toConverseInput(
      { ...base, response_format: { type: 'json_schema', json_schema: { name: 'r', schema } } },
      config,
    );
    expect(input.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'json_response',
            description: 'Respond with the r object.',
            inputSchema: { json: schema },
          },
        },
      ],
      toolChoice: { tool: { name: 'json_response' } },
    });
    const completion = toChatCompletion(
      {
        output: {
          message: {
            role: 'assistant',
            content: [{ toolUse: { toolUseId: 'j', name: 'json_response', input: { a: 1 } } }],
          },
        },
        stopReason: 'tool_use',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        metrics: { latencyMs: 1 },
      } as Parameters<typeof toChatCompletion>[0],
      'm',
      'id',
      { answerTool: 'json_response' },
    );
    expect(completion.choices[0]).toMatchObject({
      message: { content: '{"a":1}' },
      finish_reason: 'stop',
    });
  });
});

describe('responses', () => {
  it('maps every stop reason', () => {
    expect(BEDROCK_FINISH_REASONS).toMatchObject({
      end_turn: 'stop',
      stop_sequence: 'stop',
      max_tokens: 'length',
      tool_use: 'tool_calls',
      guardrail_intervened: 'content_filter',
      content_filtered: 'content_filter',
    });
    expect(toFinishReason('something_new')).toBe('stop');
    expect(toFinishReason(undefined)).toBe('stop');
  });

  it('counts cached tokens into the prompt', () => {
    expect(
      toUsage({
        inputTokens: 10,
        outputTokens: 5,
        cacheReadInputTokens: 4,
        cacheWriteInputTokens: 1,
      }),
    ).toEqual({
      prompt_tokens: 15,
      completion_tokens: 5,
      total_tokens: 20,
      prompt_tokens_details: { cached_tokens: 4 },
    });
  });

  it('builds a completion with tool calls as JSON strings', () => {
    const completion = toChatCompletion(
      {
        output: {
          message: {
            role: 'assistant',
            content: [{ toolUse: { toolUseId: 'a', name: 'f', input: { x: 1 } } }],
          },
        },
        stopReason: 'tool_use',
        usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
        metrics: { latencyMs: 1 },
      } as Parameters<typeof toChatCompletion>[0],
      'm',
      'id1',
    );
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
      },
      finish_reason: 'tool_calls',
    });
    expect(completion.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });
});

describe('BedrockStreamTranslator', () => {
  it('turns ConverseStream events into role, content, tool-call, finish and usage chunks', () => {
    const translator = new BedrockStreamTranslator('id', 'm');
    const chunks = [
      { messageStart: { role: 'assistant' as const } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hi' } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      {
        contentBlockStart: {
          contentBlockIndex: 1,
          start: { toolUse: { toolUseId: 'tu', name: 'f' } },
        },
      },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"x"' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: ':1}' } } } },
      { messageStop: { stopReason: 'tool_use' as const } },
      {
        metadata: {
          usage: { inputTokens: 4, outputTokens: 6, totalTokens: 10 },
          metrics: { latencyMs: 1 },
        },
      },
    ].flatMap((event) => translator.translate(event as never));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? chunk.usage)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hi' },
      {
        tool_calls: [
          { index: 0, id: 'tu', type: 'function', function: { name: 'f', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"x"' } }] },
      { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] },
      {},
      { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 },
    ]);
    expect(chunks[5].choices[0].finish_reason).toBe('tool_calls');
    expect(chunks[6].choices).toEqual([]);
  });
});

describe('toBedrockProviderError', () => {
  const serviceError = (name: string, extra: object = {}) =>
    Object.assign(new Error('boom'), { name, $fault: 'client', $metadata: {}, ...extra });

  it('names missing AWS credentials instead of calling them an invalid response', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(toBedrockProviderError(missing)).toMatchObject({
      kind: 'http',
      status: 401,
      retryable: false,
      code: 'aws_credentials_missing',
    });
  });

  it('maps exception names to statuses and retryability', () => {
    expect(toBedrockProviderError(serviceError('ThrottlingException'))).toMatchObject({
      kind: 'http',
      status: 429,
      retryable: true,
    });
    for (const name of [
      'ServiceUnavailableException',
      'ModelNotReadyException',
      'InternalServerException',
    ]) {
      const error = toBedrockProviderError(serviceError(name));
      expect(error.status).toBeGreaterThanOrEqual(500);
      expect(error.retryable).toBe(true);
    }
    expect(toBedrockProviderError(serviceError('ValidationException'))).toMatchObject({
      status: 400,
      retryable: false,
      code: 'ValidationException',
    });
    expect(toBedrockProviderError(serviceError('AccessDeniedException'))).toMatchObject({
      status: 403,
      retryable: false,
    });
    expect(BEDROCK_ERROR_STATUS.ThrottlingException).toBe(429);
  });

  it('falls back to the HTTP status and reads Retry-After from the raw response', () => {
    const error = toBedrockProviderError(
      serviceError('SomethingNew', {
        $metadata: { httpStatusCode: 502 },
        $response: { statusCode: 502, headers: { 'Retry-After': '2' } },
      }),
    );
    expect(error).toMatchObject({ status: 502, retryable: true, retryAfterMs: 2000 });
  });

  it('maps connection failures, aborts and the router’s own abort reason', () => {
    expect(
      toBedrockProviderError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
    ).toMatchObject({ kind: 'connection' });
    expect(
      toBedrockProviderError(Object.assign(new Error('x'), { name: 'AbortError' })),
    ).toMatchObject({ kind: 'aborted' });
    const controller = new AbortController();
    controller.abort();
    expect(toBedrockProviderError(new Error('x'), controller.signal)).toMatchObject({
      kind: 'aborted',
    });
    const timeout = new ProviderError('idle', { kind: 'timeout' });
    const timed = new AbortController();
    timed.abort(timeout);
    expect(toBedrockProviderError(new Error('x'), timed.signal)).toBe(timeout);
  });

  it('reports a refused connection from a real call as kind connection', async () => {
    const closed = new BedrockProvider(
      {
        ...config,
        baseUrl: 'http://127.0.0.1:1',
        options: { region: 'us-east-1', accessKeyId: 'a', secretAccessKey: 'b' },
      },
      { timeoutMs: 2000 },
    );
    await expect(
      closed.chat(base, { abort: new AbortSource(), requestId: 'r' }),
    ).rejects.toMatchObject({ kind: 'connection' });
  });
});

describe('bedrockClientConfig', () => {
  it('takes region from options, the endpoint from baseUrl and static credentials only when both keys are set', () => {
    const plain = bedrockClientConfig(config, { timeoutMs: 1000 });
    expect(plain).toMatchObject({ region: 'eu-west-1', maxAttempts: 1 });
    expect(plain.endpoint).toBeUndefined();
    expect(plain.credentials).toBeUndefined();
    const custom = bedrockClientConfig(
      {
        ...config,
        baseUrl: 'http://localhost:9',
        options: { region: 'us-east-1', accessKeyId: 'a', secretAccessKey: 'b' },
      },
      { timeoutMs: 1000 },
    );
    expect(custom).toMatchObject({
      endpoint: 'http://localhost:9',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
  });
});
