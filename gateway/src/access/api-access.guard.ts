import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import { RequestRateLimiter } from '../limits/request-rate-limiter';
import { contextOf } from '../request/request-scope';
import { ClientAuthService } from './client-auth.service';
import { presentedKey, safeEqual } from './credentials';

/**
 * The one global guard. Each route declares what it is (`@ClientApi()`, `@AdminController()`,
 * `@OpsApi()`); the kind travels in the matched route's config, so deciding costs no reflection:
 * - client: the caller's key → principal (kept on the request context), then its rate limit;
 * - admin: the admin key (once ADMIN_API_KEY is set);
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
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.adminKey = config.controls.adminApiKey;
    this.opsNeedAdmin = config.controls.metricsAuth;
  }

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const http = execution.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const context = contextOf(request);
    switch (context.api) {
      case 'client':
        context.principal = await this.auth.authenticate(presentedKey(request));
        await this.limiter.admit(context.principal, request.ip, http.getResponse<FastifyReply>());
        return true;
      case 'admin':
        this.assertAdmin(request);
        return true;
      case 'ops':
        if (this.opsNeedAdmin) this.assertAdmin(request);
        return true;
      default:
        return true;
    }
  }

  private assertAdmin(request: FastifyRequest): void {
    if (!this.adminKey) return;
    const key = presentedKey(request);
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
