import type {
  AnthropicContentDelta,
  AnthropicMessage,
  AnthropicResponseContentBlock,
  AnthropicStreamEvent,
} from './messages-response.types';

/**
 * A whole message as the stream of events Anthropic would have sent for it: `message_start`
 * (no content, no stop reason), per block a start with its empty form, one delta and a stop, then
 * `message_delta` (stop reason, usage) and `message_stop`. The Anthropic SDK's `finalMessage()`
 * rebuilds the same message from them. Used to replay a cached answer as a stream.
 */
export function messageAsEvents(message: AnthropicMessage): AnthropicStreamEvent[] {
  const { content, stop_reason: stopReason, stop_sequence: stopSequence, usage } = message;
  const events: AnthropicStreamEvent[] = [
    {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 0 },
      },
    },
  ];
  content.forEach((block, index) => {
    const { start, deltas } = blockParts(block);
    events.push({ type: 'content_block_start', index, content_block: start });
    for (const delta of deltas) events.push({ type: 'content_block_delta', index, delta });
    events.push({ type: 'content_block_stop', index });
  });
  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: stopSequence },
      usage,
    },
    { type: 'message_stop' },
  );
  return events;
}

function blockParts(block: AnthropicResponseContentBlock): {
  start: AnthropicResponseContentBlock;
  deltas: AnthropicContentDelta[];
} {
  switch (block.type) {
    case 'text': {
      const { citations, ...rest } = block as typeof block & { citations?: unknown[] };
      const deltas: AnthropicContentDelta[] = block.text
        ? [{ type: 'text_delta', text: block.text }]
        : [];
      for (const citation of citations ?? []) deltas.push({ type: 'citations_delta', citation });
      return { start: { ...rest, text: '' }, deltas };
    }
    case 'thinking': {
      const deltas: AnthropicContentDelta[] = [];
      if (block.thinking) deltas.push({ type: 'thinking_delta', thinking: block.thinking });
      if (block.signature) deltas.push({ type: 'signature_delta', signature: block.signature });
      return { start: { ...block, thinking: '', signature: '' }, deltas };
    }
    case 'tool_use': {
      const json = JSON.stringify(block.input ?? {});
      return {
        start: { ...block, input: {} },
        deltas: json === '{}' ? [] : [{ type: 'input_json_delta', partial_json: json }],
      };
    }
    default:
      // Blocks without deltas (redacted thinking, server tool results) arrive whole in their start.
      return { start: block, deltas: [] };
  }
}
