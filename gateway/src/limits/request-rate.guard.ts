import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '@app/contracts';
import { ANONYMOUS } from '../auth/principal';
import { isClientRoute } from '../auth/client-access.guard';
import { requestRecordOf } from '../http/request-record';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { RateLimitPolicy } from './rate-limit-policy';

/**
 * `@nestjs/throttler` on the client routes, after the access guard: one fixed one-minute window
 * per tenant with the tenant's own limit. Sets `x-ratelimit-limit/remaining/reset` on every
 * limited response; a refused request gets an OpenAI-shaped 429 with `Retry-After`.
 */
@Injectable()
export class RequestRateGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    @Inject(Reflector) reflector: Reflector,
    @Inject(RateLimitPolicy) private readonly policy: RateLimitPolicy,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
  ) {
    super(options, storage, reflector);
    this.headerPrefix = 'x-ratelimit';
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !isClientRoute(context.switchToHttp().getRequest<FastifyRequest>().url);
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const request = props.context.switchToHttp().getRequest<FastifyRequest>();
    const limit = this.policy.requestsPerMinute(requestRecordOf(request)?.principal ?? ANONYMOUS);
    if (limit === 0) return true;
    return super.handleRequest({ ...props, limit });
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const fastifyRequest = request as unknown as FastifyRequest;
    return this.policy.requestCounterKey(
      requestRecordOf(fastifyRequest)?.principal ?? ANONYMOUS,
      fastifyRequest.ip,
    );
  }

  /** The tracker itself, not a hash of controller + handler: one limit across all client routes. */
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    this.metrics.rateLimitExceeded('requests');
    const retryAfter = String(detail.timeToBlockExpire);
    throw new GatewayError(
      429,
      `Rate limit reached: ${detail.limit} requests per minute. Retry in ${retryAfter}s.`,
      'rate_limit_error',
      'rate_limit_exceeded',
      null,
      {},
      {
        'retry-after': retryAfter,
        'x-ratelimit-limit': String(detail.limit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': retryAfter,
      },
    );
  }
}
