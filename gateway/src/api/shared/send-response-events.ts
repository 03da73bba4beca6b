import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { ResponseStreamEvent } from '@app/contracts';
import { SseWriter } from '@app/http';
import { gatewayHeaders, type RoutedSummary } from './gateway-headers';

/**
 * Writes a Responses API event stream as SSE, each event as it comes: `event: <type>` and its
 * JSON, as OpenAI sends them (no `[DONE]`: the last event is `response.completed`,
 * `response.incomplete` or, after a failure, `error`). The stream is already committed, so the
 * events themselves carry a failure; the gateway headers go out first.
 */
export async function sendResponseEvents(
  reply: FastifyReply,
  routed: RoutedSummary & { events: AsyncIterable<ResponseStreamEvent> },
): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  new SseWriter(raw).open({
    ...(reply.getHeaders() as Record<string, string>),
    ...gatewayHeaders(routed),
  });
  const iterator = routed.events[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (raw.destroyed) break;
      const next = await iterator.next();
      if (next.done) break;
      await write(raw, `event: ${next.value.type}\ndata: ${JSON.stringify(next.value)}\n\n`);
    }
  } finally {
    // A client gone early: ending the iterator ends the upstream call and accounts it.
    await iterator.return?.();
    if (!raw.destroyed && !raw.writableEnded) raw.end();
  }
}

/** Resolves once the text is handed to the socket, waiting for drain when the client is slow. */
function write(raw: ServerResponse, text: string): Promise<void> {
  if (raw.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.once('drain', done);
    raw.once('close', done);
  });
}
