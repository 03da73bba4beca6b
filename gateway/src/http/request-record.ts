import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ANONYMOUS, type Principal } from '../auth/principal';

export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

/**
 * What one client request did, filled in along the way (auth, cache, routing, usage) and written
 * as one log line when the response closes. All fields are initialised so every record has the
 * same shape.
 */
export class RequestRecord {
  principal: Principal = ANONYMOUS;
  provider: string | undefined = undefined;
  model: string | undefined = undefined;
  cache: CacheStatus | undefined = undefined;
  promptTokens = 0;
  completionTokens = 0;
  costUsd = 0;
  /** Time spent waiting on upstreams; the rest of the request's time is gateway overhead. */
  upstreamMs = 0;
  /** Prompt and completion, kept only when LOG_PAYLOADS=true. */
  payload: { messages: unknown; completion: unknown } | undefined = undefined;

  constructor(
    readonly requestId: string,
    readonly startedAt: number,
  ) {}
}

const records = new WeakMap<object, RequestRecord>();
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** A client-supplied `x-request-id` is kept when it is sane. */
export function requestIdOf(request: FastifyRequest): string {
  const supplied = request.headers['x-request-id'];
  return typeof supplied === 'string' && REQUEST_ID.test(supplied) ? supplied : randomUUID();
}

export function attachRequestRecord(request: FastifyRequest, record: RequestRecord): void {
  records.set(request.raw, record);
}

export function requestRecordOf(request: FastifyRequest): RequestRecord | undefined {
  return records.get(request.raw);
}
