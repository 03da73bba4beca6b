import type { FastifyReply } from 'fastify';
import { AbortSource } from './abort-source';
import { inFlightRequestsOf } from './in-flight-requests';

/** The status logged for a request whose client went away before its response ended (nginx's). */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * What stops a request's upstream work: it fires when the client disconnects before its response
 * is complete, or when a shutdown's grace period is over (its reason is then the 503 to answer).
 * Returned as a getter that creates it on first use (a cache hit never needs one), registered
 * with the app's in-flight requests while the response is open. One `close` listener per request
 * does both, and reports the close to `closed` (the gateway's request log and metrics): the
 * response's status when it was sent in full, else 499 (a stream cut short by its client has
 * already sent 200, but that is not what the client got).
 */
export function trackClientAbort(
  reply: FastifyReply,
  closed?: (status: number) => void,
): () => AbortSource {
  let source: AbortSource | undefined;
  let clientGone = false;
  reply.raw.once('close', () => {
    if (source) inFlightRequestsOf(reply.server).untrack(source);
    const finished = reply.raw.writableFinished;
    if (!finished) {
      clientGone = true;
      source?.abort();
    }
    closed?.(finished ? reply.raw.statusCode : CLIENT_CLOSED_REQUEST);
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
