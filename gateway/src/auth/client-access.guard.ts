import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from '../admin/admin.guard';
import { ConsoleSessions } from '../console/session/console-sessions';
import { RequestLogService } from '../logging/request-log.service';
import { ClientAuthService } from './client-auth.service';
import { ADMIN } from './principal';

/** The client API: what keys, limits, budgets and request logs apply to. */
export function isClientRoute(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/ai/');
}

function requestedModel(body: unknown, url: string): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const model = (body as { model?: unknown }).model;
  if (typeof model === 'string') return model;
  // The seeds' /ai/query routes to the default chain when it names no model.
  return url.startsWith('/ai/') ? 'default' : undefined;
}

/**
 * Global guard, first in line on client routes: starts the request record (so even a 401 gets
 * its log line), resolves the caller and checks the tenant's model allow-list.
 */
@Injectable()
export class ClientAccessGuard implements CanActivate {
  constructor(
    @Inject(ClientAuthService) private readonly auth: ClientAuthService,
    @Inject(RequestLogService) private readonly requestLog: RequestLogService,
    @Optional() @Inject(ConsoleSessions) private readonly consoleSessions?: ConsoleSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (!isClientRoute(request.url)) return true;
    const record = this.requestLog.track(request, http.getResponse<FastifyReply>());
    const token = bearerToken(request);
    // The console's playground and RAG pages call /v1 with the admin session (no key in the
    // page); only requests without a key pay for this check.
    record.principal =
      token === undefined && (await this.consoleSessions?.isSignedIn(request))
        ? ADMIN
        : await this.auth.authenticate(token);
    this.auth.assertModelAllowed(record.principal, requestedModel(request.body, request.url));
    return true;
  }
}
