import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface RequestContext {
  requestId: string;
  /** Aborted when the client disconnects before the response is complete. */
  signal: AbortSignal;
  startedAt: number;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Builds the per-request context; a client-supplied `x-request-id` is kept when it is sane. */
export function requestContext(request: FastifyRequest, reply: FastifyReply): RequestContext {
  const supplied = request.headers['x-request-id'];
  const requestId = typeof supplied === 'string' && REQUEST_ID.test(supplied) ? supplied : randomUUID();
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  reply.header('x-request-id', requestId);
  return { requestId, signal: controller.signal, startedAt: performance.now() };
}
