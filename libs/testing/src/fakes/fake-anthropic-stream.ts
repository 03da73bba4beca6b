import type { ServerResponse } from 'node:http';
import { sleep, splitReply } from './fake-conversation';
import { startSse } from './fake-http-server';

type Block = { type: string; [field: string]: unknown };

interface FakeMessage {
  content: Block[];
  stop_reason: string;
  usage: { output_tokens: number; [field: string]: unknown };
  [field: string]: unknown;
}

type Send = (type: string, data: object) => void;

function sender(response: ServerResponse): Send {
  return (type, data) =>
    response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

/**
 * A message as Anthropic streams it: `message_start` (empty content, input usage), `ping`, per
 * block a start, its deltas (text in `chunks` pieces, thinking in two and its signature, tool
 * input JSON split in two so clients must concatenate) and a stop, then `message_delta` and
 * `message_stop`.
 */
export async function streamMessage(
  response: ServerResponse,
  full: FakeMessage,
  options: { chunks: number; chunkDelayMs: number },
): Promise<void> {
  startSse(response);
  const send = sender(response);
  send('message_start', {
    message: {
      ...full,
      content: [],
      stop_reason: null,
      usage: { ...full.usage, output_tokens: 1 },
    },
  });
  send('ping', {});
  for (const [index, block] of full.content.entries()) {
    if (options.chunkDelayMs) await sleep(options.chunkDelayMs);
    if (response.destroyed) return;
    streamBlock(index, block, options.chunks, send);
  }
  send('message_delta', {
    delta: { stop_reason: full.stop_reason, stop_sequence: null },
    usage: { output_tokens: full.usage.output_tokens },
  });
  send('message_stop', {});
  response.end();
}

/** A stream that starts, delivers a first text delta, then ends with an `error` event. */
export function streamThenFail(
  response: ServerResponse,
  full: FakeMessage,
  failure: { type: string; message: string },
): void {
  startSse(response);
  const send = sender(response);
  send('message_start', { message: { ...full, content: [], stop_reason: null } });
  send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Partial' } });
  send('error', { error: { type: failure.type, message: failure.message } });
  response.end();
}

function streamBlock(index: number, block: Block, chunks: number, send: Send): void {
  const delta = (value: object) => send('content_block_delta', { index, delta: value });
  if (block.type === 'thinking') {
    send('content_block_start', { index, content_block: { type: 'thinking', thinking: '' } });
    for (const piece of splitReply(String(block.thinking), 2))
      delta({ type: 'thinking_delta', thinking: piece });
    delta({ type: 'signature_delta', signature: block.signature });
  } else if (block.type === 'text') {
    send('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const piece of splitReply(String(block.text), chunks))
      delta({ type: 'text_delta', text: piece });
  } else {
    send('content_block_start', { index, content_block: { ...block, input: {} } });
    const json = JSON.stringify(block.input);
    const middle = Math.floor(json.length / 2);
    for (const part of [json.slice(0, middle), json.slice(middle)])
      delta({ type: 'input_json_delta', partial_json: part });
  }
  send('content_block_stop', { index });
}
