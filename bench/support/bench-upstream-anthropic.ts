/**
 * Anthropic Messages API answers of the bench upstream, precomputed once (as the OpenAI ones are):
 * a `message` object for a plain POST /v1/messages and its event stream for `"stream": true`.
 */
import { STREAM_CONTENT_CHUNKS } from './overhead-requests';

export const ANTHROPIC_BENCH_MODEL = 'claude-sonnet-5-5';

const pieces = Array.from({ length: STREAM_CONTENT_CHUNKS }, (_, index) =>
  index === 0 ? 'Hello' : ` word${index}`,
);
const usage = { input_tokens: 9, output_tokens: STREAM_CONTENT_CHUNKS };

export const anthropicMessageBody = Buffer.from(
  JSON.stringify({
    id: 'msg_bench',
    type: 'message',
    role: 'assistant',
    model: ANTHROPIC_BENCH_MODEL,
    content: [{ type: 'text', text: pieces.join('') }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  }),
);

const event = (type: string, data: object) =>
  Buffer.from(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);

/** message_start and content_block_start, sent at once. */
export const anthropicStreamHead = Buffer.concat([
  event('message_start', {
    message: {
      id: 'msg_bench',
      type: 'message',
      role: 'assistant',
      model: ANTHROPIC_BENCH_MODEL,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
    },
  }),
  event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
]);

/** One text delta per piece, sent `--chunk-delay` ms apart. */
export const anthropicDeltaFrames = pieces.map((text) =>
  event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
);

export const anthropicStreamTail = Buffer.concat([
  event('content_block_stop', { index: 0 }),
  event('message_delta', {
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  }),
  event('message_stop', {}),
]);
