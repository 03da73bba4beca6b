import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { trackClientAbort } from '@app/http';
import { HTTP, GATEWAY, NOOP_SPAN, type Tracing, type TraceSpan } from '@app/tracing';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { apiDialectOf, apiKindOf } from './api-kind';
import { RequestContext, requestIdFrom } from './request-context';

const CONTEXT = 'gatewayContext';

type WithContext = FastifyRequest & { [CONTEXT]: RequestContext | null };

/**
 * Called once per client request when its response closes (sent, streamed or aborted); for a
 * stream its client abandoned, once the stream's usage is recorded (`whenAccounted`).
 */
export type RequestClosed = (context: RequestContext, status: number, path: string) => void;

/**
 * Gives every request its `RequestContext` in a Fastify `onRequest` hook: before body parsing and
 * guards, so a request refused early (413, 401) is counted and logged like any other. Client
 * requests get one `close` listener (`trackClientAbort`), which both fires their lazy abort
 * source and reports the close.
 */
export function installRequestContext(
  fastify: FastifyInstance,
  tracing: Tracing,
  onClosed: RequestClosed,
): void {
  // Declared up front so every request object keeps one shape (Fastify's advice for speed).
  fastify.decorateRequest(CONTEXT, null);
  fastify.addHook('onRequest', (request, reply, done) => {
    const api = apiKindOf(request);
    const requestId = requestIdFrom(request.headers['x-request-id']);
    reply.header('x-request-id', requestId);
    // Bounded: a path is logged, and a client may send a very long one.
    const path = request.url.length > 256 ? `${request.url.slice(0, 256)}…` : request.url;
    const abort =
      api === 'client'
        ? trackClientAbort(reply, (status) =>
            context.whenAccounted(() => onClosed(context, status, path)),
          )
        : undefined;
    const context = new RequestContext({
      requestId,
      span:
        api === 'client' && tracing.enabled ? serverSpan(tracing, request, requestId) : NOOP_SPAN,
      startedAt: performance.now(),
      api,
      dialect: api === 'client' ? apiDialectOf(request) : undefined,
      abort,
      cacheControl: request.headers['cache-control'],
    });
    (request as WithContext)[CONTEXT] = context;
    done();
  });
}

/**
 * The span of one client request, continuing the trace of the client's `traceparent` header (a
 * new trace without one). Named by the route template, never the raw path (bounded names).
 */
function serverSpan(tracing: Tracing, request: FastifyRequest, requestId: string): TraceSpan {
  const route = request.routeOptions.url ?? request.url.split('?')[0];
  return tracing.startSpan(`${request.method} ${route}`, request.headers, {
    kind: 'server',
    attributes: {
      [HTTP.method]: request.method,
      [HTTP.route]: route,
      [HTTP.path]: request.url.split('?')[0].slice(0, 256),
      [GATEWAY.requestId]: requestId,
    },
  });
}

export function contextOf(request: FastifyRequest): RequestContext {
  const context = (request as WithContext)[CONTEXT];
  if (!context) throw new Error('request context missing: installRequestContext() not called');
  return context;
}

/** The current request's `RequestContext`, as a handler parameter. */
export const Ctx = createParamDecorator((_data: unknown, execution: ExecutionContext) =>
  contextOf(execution.switchToHttp().getRequest<FastifyRequest>()),
);
