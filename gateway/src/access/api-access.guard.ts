import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import { RequestRateLimiter } from '../limits/request-rate-limiter';
import { ADMIN } from '../request/principal';
import { contextOf } from '../request/request-scope';
import { ClientAuthService } from './client-auth.service';
import { ConsoleSessions } from './console-session/console-sessions';
import { presentedKey, safeEqual } from '@app/http';

/**
 * The one global guard. Each route declares what it is (`@ClientApi()`, `@AdminController()`,
 * `@OpsApi()`); the kind travels in the matched route's config, so deciding costs no reflection:
 * - client: the caller's key → principal (kept on the request context), then its rate limit;
 *   without a key, the browser console's session counts as the admin (its playground and RAG
 *   pages);
 * - admin: the admin key (once ADMIN_API_KEY is set), or the console's session;
 * - ops: open, or the admin key with METRICS_AUTH=true;
 * - anything undeclared: no checks.
 * Model allow-lists are enforced where the targets are known (route resolution), not here.
 */
@Injectable()
export class ApiAccessGuard implements CanActivate {
  private readonly adminKey: string | undefined;
  private readonly opsNeedAdmin: boolean;

  constructor(
    @Inject(ClientAuthService) private readonly auth: ClientAuthService,
    @Inject(RequestRateLimiter) private readonly limiter: RequestRateLimiter,
    @Inject(ConsoleSessions) private readonly consoleSessions: ConsoleSessions,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.adminKey = config.controls.adminApiKey;
    this.opsNeedAdmin = config.controls.metricsAuth;
  }

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const http = execution.switchToHttp();
    await this.check(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
    return true;
  }

  /**
   * Lets the request through or throws the 401/429 it gets. Nest's routes reach it as their
   * guard; the client routes Fastify serves directly (`ClientRouteRegistry`) call it first.
   */
  async check(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const context = contextOf(request);
    switch (context.api) {
      case 'client': {
        const key = presentedKey(request);
        // Only a request without a key pays for the session check.
        context.principal =
          key === undefined && (await this.consoleSessions.isSignedIn(request))
            ? ADMIN
            : await this.auth.authenticate(key);
        await this.limiter.admit(context.principal, request.ip, reply, context.span);
        return;
      }
      case 'admin':
        return this.assertAdmin(request);
      case 'ops':
        if (this.opsNeedAdmin) await this.assertAdmin(request);
        return;
      default:
        return;
    }
  }

  private async assertAdmin(request: FastifyRequest): Promise<void> {
    if (!this.adminKey) return;
    const key = presentedKey(request);
    if (!key && (await this.consoleSessions.isSignedIn(request))) return;
    if (!key)
      throw new GatewayError(
        401,
        'Missing admin API key',
        'authentication_error',
        'missing_api_key',
      );
    if (!safeEqual(key, this.adminKey))
      throw new GatewayError(
        401,
        'Invalid admin API key',
        'authentication_error',
        'invalid_api_key',
      );
  }
}
