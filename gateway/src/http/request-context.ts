import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientAbortSignal } from '@app/http';
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

/** Builds the per-request context, reusing the record the access guard started. */
export function requestContext(request: FastifyRequest, reply: FastifyReply): RequestContext {
  let record = requestRecordOf(request);
  if (!record) {
    // Not started by the access guard (which already set the header): start one here.
    record = new RequestRecord(requestIdOf(request), performance.now());
    reply.header('x-request-id', record.requestId);
  }
  const signal = clientAbortSignal(reply);
  return {
    requestId: record.requestId,
    get signal(): AbortSignal {
      return signal();
    },
    startedAt: record.startedAt,
    record,
    cacheDirectives: cacheDirectives(request.headers['cache-control']),
  };
}
