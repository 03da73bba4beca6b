import type { FastifyReply } from 'fastify';
import { AbortSource } from './abort-source';
import { inFlightRequestsOf } from './in-flight-requests';

/**
 * What stops a request's upstream work: it fires when the client disconnects before its response
 * is complete, or when a shutdown's grace period is over (its reason is then the 503 to answer).
 * Returned as a getter that creates it on first use (a cache hit never needs one), registered
 * with the app's in-flight requests while the response is open. One `close` listener per request
 * does both, and reports the close to `closed` (the gateway's request log and metrics).
 */
export function trackClientAbort(
  reply: FastifyReply,
  closed?: (status: number) => void,
): () => AbortSource {
  let source: AbortSource | undefined;
  let clientGone = false;
  reply.raw.once('close', () => {
    if (source) inFlightRequestsOf(reply.server).untrack(source);
    if (!reply.raw.writableFinished) {
      clientGone = true;
      source?.abort();
    }
    closed?.(reply.raw.statusCode);
  });
  return () => {
    if (!source) {
      source = new AbortSource();
      if (clientGone) source.abort();
      else inFlightRequestsOf(reply.server).track(source);
    }
    return source;
  };
}

/** `trackClientAbort` as an AbortSignal getter, for handlers that pass a signal on (the worker). */
export function clientAbortSignal(reply: FastifyReply): () => AbortSignal {
  const abort = trackClientAbort(reply);
  return () => abort().signal;
}
