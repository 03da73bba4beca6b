import type { FastifyReply } from 'fastify';

/**
 * The signal that stops upstream work when the client disconnects before its response is
 * complete. Returned as a getter that creates it on first use: creating an AbortSignal is one of
 * the costlier allocations on Node 20, and many requests (a cache hit) never need one.
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
    }
    return controller.signal;
  };
}
