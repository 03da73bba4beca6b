import {
  anthropicEventsOf,
  messageAsEvents,
  streamedAnthropicMessageOf,
  type AnthropicMessage,
  type AnthropicStreamEvent,
} from '@app/contracts';
import { AnthropicMessageAccumulator } from './anthropic-message-accumulator';
import { NativeStreamRelay } from './anthropic-native-call';

const MESSAGE: AnthropicMessage = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-6',
  content: [
    { type: 'thinking', thinking: 'Weather, then.', signature: 'c2ln' },
    { type: 'redacted_thinking', data: 'opaque' },
    { type: 'text', text: 'Checking.', citations: [{ type: 'char_location', cited_text: 'x' }] },
    { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris', days: [1, 2] } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: {
    input_tokens: 40,
    output_tokens: 25,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 30,
  },
};

function accumulate(events: AnthropicStreamEvent[]): AnthropicMessage | undefined {
  const accumulator = new AnthropicMessageAccumulator();
  for (const event of events) accumulator.add(event);
  return accumulator.message;
}

describe('Anthropic messages as events and back', () => {
  it('replays a message as events that rebuild it exactly', () => {
    const events = messageAsEvents(MESSAGE);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      ...MESSAGE.content.flatMap((block) =>
        block.type === 'redacted_thinking'
          ? ['content_block_start', 'content_block_stop']
          : block.type === 'thinking' || block.type === 'text'
            ? [
                'content_block_start',
                'content_block_delta',
                'content_block_delta',
                'content_block_stop',
              ]
            : ['content_block_start', 'content_block_delta', 'content_block_stop'],
      ),
      'message_delta',
      'message_stop',
    ]);
    expect(accumulate(events)).toEqual(MESSAGE);
  });

  it('offers no message for a stream cut short or holding a delta it does not understand', () => {
    const events = messageAsEvents(MESSAGE);
    expect(accumulate(events.slice(0, -1))).toBeUndefined();
    const unknown = [...events];
    unknown.splice(2, 0, {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'brand_new_delta' } as never,
    });
    expect(accumulate(unknown)).toBeUndefined();
  });

  it('relays native events on the chunks they produce: message_start rides on the first content chunk', () => {
    const relay = new NativeStreamRelay('claude-sonnet-4-6');
    const events = messageAsEvents(MESSAGE);
    const chunks = events.flatMap((event) => relay.relay(event));
    const carried = chunks.flatMap((chunk) => anthropicEventsOf(chunk) ?? []);
    expect(carried).toEqual(events);
    // Nothing before the first content block made a chunk of its own.
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    // The last chunk carries the whole message, for the cache.
    expect(streamedAnthropicMessageOf(chunks.at(-1)!)).toEqual(MESSAGE);
  });
});
