import { GatewayError, type ChatCompletionRequest } from '@app/contracts';
import { rejectedFields } from '../shared/field-support';
import { ANTHROPIC_FIELDS } from './anthropic-fields';
import { toAnthropicConversation } from './anthropic-messages';
import {
  DEFAULT_ANTHROPIC_MAX_TOKENS,
  toMessagesCall,
  toMessagesRequest,
} from './anthropic-request';
import { decodeToolCallId } from '../shared/tool-call-id-codec';
import { ANTHROPIC_FINISH_REASONS, toChatCompletion, toUsage } from './anthropic-response';
import { AnthropicProvider } from './anthropic.provider';
import { AnthropicStreamTranslator } from './anthropic-stream';

const config = { options: {} };
const provider = new AnthropicProvider(
  {
    id: 'anthropic',
    type: 'anthropic',
    defaultModel: 'claude',
    models: [],
    aliases: [],
    headers: {},
    options: {},
    apiKey: 'k',
  },
  { timeoutMs: 1000 },
);
const base: ChatCompletionRequest = {
  model: 'claude',
  messages: [{ role: 'user', content: 'hi' }],
};

describe('toAnthropicConversation', () => {
  it('lifts system and developer messages into system blocks, wherever they appear', () => {
    const result = toAnthropicConversation([
      { role: 'system', content: 'rule one' },
      { role: 'user', content: 'hi' },
      { role: 'developer', content: [{ type: 'text', text: 'rule two' }] },
    ]);
    expect(result.system).toEqual([
      { type: 'text', text: 'rule one' },
      { type: 'text', text: 'rule two' },
    ]);
    expect(result.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('merges consecutive same-role turns, tool results included, so roles alternate', () => {
    const result = toAnthropicConversation([
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
    expect(result.messages[0].content).toHaveLength(2);
    expect(result.messages[1].content).toEqual([
      { type: 'text', text: 'calling' },
      { type: 'tool_use', id: 't1', name: 'f', input: { x: 1 } },
      { type: 'tool_use', id: 't2', name: 'g', input: {} },
    ]);
    expect(result.messages[2].content).toEqual([
      { type: 'tool_result', tool_use_id: 't1', content: 'r1' },
      { type: 'tool_result', tool_use_id: 't2', content: 'r2' },
      { type: 'text', text: 'thanks' },
    ]);
  });

  it('turns data URLs into base64 image sources and https URLs into url sources', () => {
    const result = toAnthropicConversation([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,QUJD' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        ],
      },
    ]);
    expect(result.messages[0].content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'QUJD' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
    ]);
  });

  it('rejects content parts and roles Anthropic cannot take, naming them', () => {
    expect(() =>
      toAnthropicConversation([
        { role: 'user', content: [{ type: 'input_audio', input_audio: {} }] },
      ]),
    ).toThrow(/messages\[\]\.content\[\]\.type=input_audio/);
    expect(() => toAnthropicConversation([{ role: 'function', name: 'f', content: 'x' }])).toThrow(
      GatewayError,
    );
  });

  it('rejects tool call arguments that are not JSON with a 400', () => {
    const call = () =>
      toAnthropicConversation([
        {
          role: 'assistant',
          tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }],
        },
      ]);
    expect(call).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('toMessagesRequest', () => {
  it('takes max_tokens from max_completion_tokens, then max_tokens, then config, then the default', () => {
    expect(
      toMessagesRequest({ ...base, max_completion_tokens: 7, max_tokens: 9 }, config).max_tokens,
    ).toBe(7);
    expect(toMessagesRequest({ ...base, max_tokens: 9 }, config).max_tokens).toBe(9);
    expect(toMessagesRequest(base, { options: { maxTokens: 321 } }).max_tokens).toBe(321);
    expect(toMessagesRequest(base, config).max_tokens).toBe(DEFAULT_ANTHROPIC_MAX_TOKENS);
  });

  it('maps sampling, stop, user, tools and tool_choice', () => {
    const body = toMessagesRequest(
      {
        ...base,
        temperature: 0.2,
        top_p: 0.9,
        stop: 'END',
        user: 'user-7',
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        tool_choice: 'required',
        parallel_tool_calls: false,
      },
      config,
    );
    expect(body).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
  });

  it('maps a named tool choice and none', () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    expect(
      toMessagesRequest(
        { ...base, tools, tool_choice: { type: 'function', function: { name: 'f' } } },
        config,
      ).tool_choice,
    ).toEqual({
      type: 'tool',
      name: 'f',
    });
    expect(toMessagesRequest({ ...base, tools, tool_choice: 'none' }, config).tool_choice).toEqual({
      type: 'none',
    });
  });

  it('translates a json_schema response_format into output_config.format, closing open objects', () => {
    const body = toMessagesRequest(
      {
        ...base,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'r', schema: { type: 'object', properties: {} } },
        },
      },
      config,
    );
    // Anthropic's constrained decoding requires additionalProperties: false on every object.
    expect(body.output_config).toEqual({
      format: {
        type: 'json_schema',
        schema: { type: 'object', properties: {}, additionalProperties: false },
      },
    });
  });
});

describe('reasoning and structured output on Anthropic', () => {
  it('asks current models for adaptive thinking at the effort, older ones for a budget', () => {
    expect(
      toMessagesRequest({ ...base, model: 'claude-sonnet-5-5', reasoning_effort: 'high' }, config),
    ).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
    expect(
      toMessagesRequest({ ...base, model: 'claude-sonnet-4-5', reasoning_effort: 'low' }, config),
    ).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2048 },
      max_tokens: DEFAULT_ANTHROPIC_MAX_TOKENS + 2048,
    });
  });

  it('answers json_object through a forced json_response tool, returned as content', () => {
    const call = toMessagesCall({ ...base, response_format: { type: 'json_object' } }, config);
    expect(call.body).toMatchObject({
      tools: [{ name: 'json_response', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'json_response' },
    });
    const completion = toChatCompletion(
      {
        id: 'msg_j',
        model: 'claude',
        content: [{ type: 'tool_use', id: 'toolu_j', name: 'json_response', input: { a: 1 } }],
        stop_reason: 'tool_use',
        usage: {},
      },
      call,
    );
    expect(completion.choices[0]).toMatchObject({
      message: { content: '{"a":1}' },
      finish_reason: 'stop',
    });
    expect(completion.choices[0].message.tool_calls).toBeUndefined();
  });

  it('asks, instead of forcing, where forced tool use is refused (Claude 5.5, or thinking)', () => {
    for (const request of [
      { ...base, model: 'claude-sonnet-5-5' },
      { ...base, reasoning_effort: 'low' },
    ]) {
      const body = toMessagesRequest(
        { ...request, response_format: { type: 'json_object' } },
        config,
      );
      expect(body.tool_choice).toBeUndefined();
      expect(body.system?.at(-1)?.text).toMatch(/json_response tool/);
    }
  });

  it('streams thinking as reasoning_content and carries it, signed, in the next tool call id', () => {
    const translator = new AnthropicStreamTranslator('claude');
    const message = {
      id: 'msg_t',
      model: 'claude',
      content: [],
      stop_reason: null,
      usage: { input_tokens: 1 },
    };
    const chunks = [
      { type: 'message_start' as const, message },
      {
        type: 'content_block_start' as const,
        index: 0,
        content_block: { type: 'thinking', thinking: '' },
      },
      {
        type: 'content_block_delta' as const,
        index: 0,
        delta: { type: 'thinking_delta', thinking: 'hmm' },
      },
      {
        type: 'content_block_delta' as const,
        index: 0,
        delta: { type: 'signature_delta', signature: 'c2ln' },
      },
      { type: 'content_block_stop' as const, index: 0 },
      {
        type: 'content_block_start' as const,
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_9', name: 'f', input: {} },
      },
    ].flatMap((event) => translator.translate(event as never));
    expect(chunks.map((chunk) => chunk.choices[0].delta.reasoning_content).filter(Boolean)).toEqual(
      ['hmm'],
    );
    const id = chunks.at(-1)!.choices[0].delta.tool_calls![0].id!;
    expect(decodeToolCallId(id)).toEqual({
      id: 'toolu_9',
      opaque: {
        kind: 'anthropic-thinking',
        blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'c2ln' }],
      },
    });
    // Back upstream, the thinking leads the assistant turn, before its tool use.
    const turn = toAnthropicConversation([
      {
        role: 'assistant',
        content: 'let me check',
        tool_calls: [{ id, type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
    ]).messages[0];
    expect(turn.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
  });
});

describe('anthropic assertSupported', () => {
  it.each(rejectedFields(ANTHROPIC_FIELDS).filter((rule) => rule.always))(
    'rejects $field with a 400 naming it',
    ({ field }) => {
      const request = {
        ...base,
        [field]: field === 'logit_bias' ? { '1': 2 } : 1.5,
      } as ChatCompletionRequest;
      expect(() => provider.assertSupported(request)).toThrow(
        expect.objectContaining({ status: 400, param: field, code: 'unsupported_parameter' }),
      );
    },
  );

  it('rejects the values Anthropic cannot honour and accepts the defaults', () => {
    expect(() => provider.assertSupported({ ...base, n: 2 })).toThrow(
      expect.objectContaining({ param: 'n' }),
    );
    expect(() => provider.assertSupported({ ...base, temperature: 1.5 })).toThrow(
      expect.objectContaining({ param: 'temperature' }),
    );
    expect(() => provider.assertSupported({ ...base, reasoning_effort: 'extreme' })).toThrow(
      expect.objectContaining({ param: 'reasoning_effort' }),
    );
    expect(() =>
      provider.assertSupported({ ...base, n: 1, logprobs: false, presence_penalty: 0, seed: null }),
    ).not.toThrow();
  });

  it('rejects fields nobody translated instead of dropping them', () => {
    expect(() => provider.assertSupported({ ...base, brand_new_field: true })).toThrow(
      expect.objectContaining({ param: 'brand_new_field' }),
    );
  });
});

describe('anthropic responses', () => {
  it('maps every stop reason to an OpenAI finish reason', () => {
    expect(ANTHROPIC_FINISH_REASONS).toEqual({
      end_turn: 'stop',
      stop_sequence: 'stop',
      pause_turn: 'stop',
      max_tokens: 'length',
      model_context_window_exceeded: 'length',
      tool_use: 'tool_calls',
      refusal: 'content_filter',
    });
  });

  it('counts cache reads and writes as prompt tokens, reporting reads as cached', () => {
    expect(
      toUsage({
        input_tokens: 10,
        output_tokens: 5,
        cache_read_input_tokens: 20,
        cache_creation_input_tokens: 3,
      }),
    ).toEqual({
      prompt_tokens: 33,
      completion_tokens: 5,
      total_tokens: 38,
      prompt_tokens_details: { cached_tokens: 20 },
    });
  });

  it('turns tool_use blocks into tool calls with JSON-string arguments and null content', () => {
    const completion = toChatCompletion({
      id: 'msg_1',
      model: 'claude',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: [1] } }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 1, output_tokens: 2 },
    });
    expect(completion.choices[0]).toMatchObject({
      message: {
        content: null,
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"a":[1]}' } },
        ],
      },
      finish_reason: 'tool_calls',
    });
  });

  it('streams refusals as content_filter and uses the cumulative message_delta usage', () => {
    const translator = new AnthropicStreamTranslator('claude');
    const start = {
      id: 'msg_2',
      model: 'claude',
      content: [],
      stop_reason: null,
      usage: { input_tokens: 4, output_tokens: 1 },
    };
    // The role chunk waits for content: a stream that fails now has sent the client nothing.
    expect(translator.translate({ type: 'message_start', message: start })).toEqual([]);
    const [role, finish] = translator.translate({
      type: 'message_delta',
      delta: { stop_reason: 'refusal' },
      usage: { output_tokens: 9 },
    });
    expect(role.choices[0].delta.role).toBe('assistant');
    const [usage] = translator.translate({ type: 'message_stop' });
    expect(finish.choices[0].finish_reason).toBe('content_filter');
    expect(usage.usage).toEqual({ prompt_tokens: 4, completion_tokens: 9, total_tokens: 13 });
  });
});
