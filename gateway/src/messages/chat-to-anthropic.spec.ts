import type { AnthropicStreamEvent, ChatCompletion, ChatCompletionChunk } from '@app/contracts';
import { ChatChunksToAnthropicEvents } from './chat-chunks-to-anthropic-events';
import { toAnthropicMessage } from './chat-to-anthropic-message';

const completion = (message: Record<string, unknown>, finish = 'stop'): ChatCompletion =>
  ({
    id: 'chatcmpl-abc123',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
    usage: {
      prompt_tokens: 30,
      completion_tokens: 7,
      total_tokens: 37,
      prompt_tokens_details: { cached_tokens: 10 },
    },
  }) as ChatCompletion;

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk =>
  ({
    id: 'chatcmpl-abc123',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, finish_reason: finish }],
  }) as ChatCompletionChunk;

const usageChunk: ChatCompletionChunk = {
  id: 'chatcmpl-abc123',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
};

function eventsOf(chunks: ChatCompletionChunk[]): AnthropicStreamEvent[] {
  const translation = new ChatChunksToAnthropicEvents();
  return [...chunks.flatMap((item) => translation.translate(item)), ...translation.finish()];
}

/** Events as `type[:index][:delta type]`, to read the sequence at a glance. */
const shape = (events: AnthropicStreamEvent[]) =>
  events.map((event) =>
    [
      event.type,
      'index' in event ? event.index : undefined,
      event.type === 'content_block_delta' ? event.delta.type : undefined,
      event.type === 'content_block_start' ? event.content_block.type : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(':'),
  );

describe('internal completion → Anthropic message', () => {
  it('puts reasoning first as thinking, then text, then each tool call as tool_use with parsed input', () => {
    const message = toAnthropicMessage(
      completion(
        {
          content: 'Let me check.',
          reasoning_content: 'The user wants weather.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'weather', arguments: '{"city":"Paris"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'weather', arguments: 'not json' },
            },
          ],
        },
        'tool_calls',
      ),
    );
    expect(message).toEqual({
      id: 'msg_abc123',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini',
      content: [
        { type: 'thinking', thinking: 'The user wants weather.', signature: '' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_2', name: 'weather', input: { value: 'not json' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      // OpenAI's prompt count includes its cached tokens; Anthropic's input_tokens does not.
      usage: {
        input_tokens: 20,
        output_tokens: 7,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 10,
      },
    });
  });

  it('maps finish reasons to stop reasons', () => {
    const stop = (finish: string) =>
      toAnthropicMessage(completion({ content: 'x' }, finish)).stop_reason;
    expect(stop('stop')).toBe('end_turn');
    expect(stop('length')).toBe('max_tokens');
    expect(stop('tool_calls')).toBe('tool_use');
    expect(stop('content_filter')).toBe('refusal');
  });
});

describe('internal stream chunks → Anthropic events', () => {
  it('streams text as one text block and ends with message_delta (stop reason, usage) and message_stop', () => {
    const events = eventsOf([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      usageChunk,
    ]);
    expect(shape(events)).toEqual([
      'message_start',
      'content_block_start:0:text',
      'content_block_delta:0:text_delta',
      'content_block_delta:0:text_delta',
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({
      message: { id: 'msg_abc123', model: 'gpt-4o-mini', content: [], stop_reason: null },
    });
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: 12,
        output_tokens: 5,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  it('opens a thinking block for reasoning, then a text block, then one tool_use block per call with input_json_delta', () => {
    const events = eventsOf([
      chunk({ role: 'assistant', reasoning_content: 'Think' }),
      chunk({ reasoning_content: 'ing.' }),
      chunk({ content: 'Calling.' }),
      chunk({
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'a', arguments: '' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({
        tool_calls: [
          { index: 1, id: 'call_2', type: 'function', function: { name: 'b', arguments: '{}' } },
        ],
      }),
      chunk({}, 'tool_calls'),
      usageChunk,
    ]);
    expect(shape(events)).toEqual([
      'message_start',
      'content_block_start:0:thinking',
      'content_block_delta:0:thinking_delta',
      'content_block_delta:0:thinking_delta',
      'content_block_stop:0',
      'content_block_start:1:text',
      'content_block_delta:1:text_delta',
      'content_block_stop:1',
      'content_block_start:2:tool_use',
      'content_block_delta:2:input_json_delta',
      'content_block_delta:2:input_json_delta',
      'content_block_stop:2',
      'content_block_start:3:tool_use',
      'content_block_delta:3:input_json_delta',
      'content_block_stop:3',
      'message_delta',
      'message_stop',
    ]);
    expect(events[8]).toMatchObject({
      content_block: { type: 'tool_use', id: 'call_1', name: 'a', input: {} },
    });
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('ends a stream without a finish reason as end_turn, and one without content with no block', () => {
    const events = eventsOf([chunk({ role: 'assistant', content: '' })]);
    expect(shape(events)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(events[1]).toMatchObject({ delta: { stop_reason: 'end_turn' } });
  });
});
