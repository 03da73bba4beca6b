import type { FastifyReply } from 'fastify';
import { inFlightRequestsOf } from './in-flight-requests';

/**
 * The signal that stops upstream work when the client disconnects before its response is
 * complete, or when a shutdown's grace period is over (its reason is then the 503 to answer).
 * Returned as a getter that creates it on first use: creating an AbortSignal is one of the
 * costlier allocations on Node 20, and many requests (a cache hit) never need one.
 */
export function clientAbortSignal(reply: FastifyReply): () => AbortSignal {
  let controller: AbortController | undefined;
  let clientGone = false;
  reply.raw.once('close', () => {
    if (reply.raw.writableFinished) return;
    clientGone = true;
    controller?.abort();
  });
  return () => {
    if (!controller) {
      controller = new AbortController();
      if (clientGone) controller.abort();
      else inFlightRequestsOf(reply.server).register(controller, reply.raw);
    }
    return controller.signal;
  };
}
