import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestRecord, requestIdOf, requestRecordOf } from './request-record';

/** `Cache-Control: no-cache` (skip the lookup) and `no-store` (do not store the answer). */
export interface ClientCacheDirectives {
  noCache: boolean;
  noStore: boolean;
}

export interface RequestContext {
  requestId: string;
  /** Aborted when the client disconnects before the response is complete. */
  signal: AbortSignal;
  startedAt: number;
  /** Who is calling and what happened (for usage, limits and the request log line). */
  record?: RequestRecord;
  cacheDirectives?: ClientCacheDirectives;
}

const NO_DIRECTIVES: ClientCacheDirectives = { noCache: false, noStore: false };

function cacheDirectives(header: string | string[] | undefined): ClientCacheDirectives {
  if (header === undefined) return NO_DIRECTIVES;
  const value = (Array.isArray(header) ? header.join(',') : header).toLowerCase();
  return { noCache: value.includes('no-cache'), noStore: value.includes('no-store') };
}

/**
 * Builds the per-request context, reusing the record the access guard started. The abort signal
 * is created on first use: a cache hit never needs one, and creating an AbortSignal is one of
 * the costlier allocations on Node 20.
 */
export function requestContext(request: FastifyRequest, reply: FastifyReply): RequestContext {
  const record =
    requestRecordOf(request) ?? new RequestRecord(requestIdOf(request), performance.now());
  let controller: AbortController | undefined;
  let clientGone = false;
  reply.raw.once('close', () => {
    if (reply.raw.writableFinished) return;
    clientGone = true;
    controller?.abort();
  });
  reply.header('x-request-id', record.requestId);
  return {
    requestId: record.requestId,
    get signal(): AbortSignal {
      if (!controller) {
        controller = new AbortController();
        if (clientGone) controller.abort();
      }
      return controller.signal;
    },
    startedAt: record.startedAt,
    record,
    cacheDirectives: cacheDirectives(request.headers['cache-control']),
  };
}
