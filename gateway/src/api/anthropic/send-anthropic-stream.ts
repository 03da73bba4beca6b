import type { FastifyReply } from 'fastify';
import { SseWriter } from '@app/http';
import { anthropicStreamError } from '../../messages/anthropic-error-shape';
import type { MessagesStream } from '../../messages/messages.service';
import { gatewayHeaders } from '../shared/gateway-headers';

/**
 * How long a started stream may stay silent before a `ping` event goes out, so proxies and
 * clients with idle timeouts keep the connection while a model thinks, a local model loads or a
 * tool call's input is being written.
 */
export const PING_INTERVAL_MS = 10_000;

/**
 * Writes Anthropic's stream: one named SSE event per event as it arrives, a `ping` right after
 * `message_start` (as Anthropic does) and whenever nothing was written for `pingIntervalMs`, and
 * Anthropic's `event: error` when the stream fails after it started (the first event was already
 * sent: no fallback can be invisible any more).
 */
export async function sendAnthropicStream(
  reply: FastifyReply,
  routed: MessagesStream,
  pingIntervalMs = PING_INTERVAL_MS,
): Promise<void> {
  reply.hijack();
  const writer = new SseWriter(reply.raw);
  writer.open({ ...(reply.getHeaders() as Record<string, string>), ...gatewayHeaders(routed) });
  let lastWrite = Date.now();
  const send = (name: string, data: unknown) => {
    lastWrite = Date.now();
    return writer.event(name, data);
  };
  // One timer per stream, not one per event: events write at once, the timer only fills silence.
  const keepAlive = setInterval(
    () => {
      if (Date.now() - lastWrite >= pingIntervalMs) void send('ping', { type: 'ping' });
    },
    Math.max(1, Math.floor(pingIntervalMs / 4)),
  );
  keepAlive.unref();
  try {
    for await (const event of routed.events) {
      if (writer.closed) break;
      await send(event.type, event);
      if (event.type === 'message_start') await send('ping', { type: 'ping' });
    }
    writer.end();
  } catch (error) {
    await send('error', anthropicStreamError(error, routed.provider));
    writer.end();
  } finally {
    clearInterval(keepAlive);
  }
}
