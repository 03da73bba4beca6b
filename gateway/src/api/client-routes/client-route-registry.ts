import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { sendError } from '@app/http';
import { ApiAccessGuard } from '../../access/api-access.guard';
import { clientRouteConfig } from '../../access/api-metadata';
import { LOGGER } from '../../logging/logger';
import { contextOf } from '../../request/request-scope';
import { CLIENT_ROUTES, type ClientRoute } from './client-route';

/**
 * Mounts the data plane's hot endpoints (chat completions, messages, responses) as plain Fastify
 * routes. Each request still gets everything a Nest route gets from the gateway: its context and
 * log line (the `onRequest` hook), the body limits (the HTTP edge), the same access check as the
 * global guard (`ApiAccessGuard.check`) and errors in its dialect's shape (`sendError`, as the
 * global filter does). What it skips is Nest's per-request machinery around a handler (execution
 * context, guard and interceptor consumers, parameter decorators, the response controller): in
 * `bench:overhead`, 5–10% of the gateway's CPU per request and ~7 KB of its ~60 KB of garbage.
 */
@Injectable()
export class ClientRouteRegistry implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(ApiAccessGuard) private readonly access: ApiAccessGuard,
    @Inject(CLIENT_ROUTES) private readonly routes: ClientRoute[],
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Before Nest registers its own routes (`app.init()`), after the request hooks are installed. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    for (const route of this.routes) {
      fastify.route({
        method: route.method,
        url: route.url,
        config: clientRouteConfig(route.dialect),
        handler: (request, reply) => this.serve(route, request, reply),
      });
    }
  }

  private async serve(
    route: ClientRoute,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<unknown> {
    try {
      await this.access.check(request, reply);
      const body = await route.handle(request.body, contextOf(request), reply);
      // Undefined: the route wrote its answer itself (a stream, after reply.hijack()).
      return body === undefined ? reply : body;
    } catch (error) {
      sendError(reply, error, this.logger);
      return reply;
    }
  }
}
