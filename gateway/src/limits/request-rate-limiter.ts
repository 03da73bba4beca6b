import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY, NOOP_SPAN, withSpan, type TraceSpan } from '@app/tracing';
import type { FastifyReply } from 'fastify';
import { GatewayError } from '@app/contracts';
import { GatewayMetrics } from '../observability/gateway-metrics';
import type { Principal } from '../request/principal';
import type { RateLimitStore } from '../state/rate-limit-store';
import { RATE_LIMIT_STORE } from '../topology/topology.tokens';
import { MINUTE_MS, RateLimitPolicy } from './rate-limit-policy';

/**
 * Requests per minute: one fixed one-minute window per tenant (shared by its keys and every
 * replica through the store), with the tenant's own limit. Sets `x-ratelimit-limit/remaining/reset`
 * on every limited response; a refused request gets an OpenAI-shaped 429 with `Retry-After`.
 *
 * Called by the one access guard right after authentication. `@nestjs/throttler`'s own guard did
 * the same work with several reflector lookups per request (measured on the hot path); its
 * storage contract is kept (`RateLimitStore` extends `ThrottlerStorage`), so the memory and
 * Redis stores are unchanged.
 */
@Injectable()
export class RequestRateLimiter {
  constructor(
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(RateLimitPolicy) private readonly policy: RateLimitPolicy,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
  ) {}

  async admit(
    principal: Principal,
    ip: string,
    reply: FastifyReply,
    span: TraceSpan = NOOP_SPAN,
  ): Promise<void> {
    const limit = this.policy.requestsPerMinute(principal);
    if (limit === 0) return;
    const key = this.policy.requestCounterKey(principal, ip);
    // Untraced (the usual case): no span callback to allocate on every request.
    const window =
      span === NOOP_SPAN
        ? await this.count(key, limit)
        : await withSpan(span, 'gateway.rate_limit', async (limitSpan) => {
            const counted = await this.count(key, limit);
            limitSpan
              .set('gateway.limit.requests_per_minute', limit)
              .set(GATEWAY.limited, counted.isBlocked);
            return counted;
          });
    if (window.isBlocked) {
      this.metrics.rateLimitExceeded('requests');
      const retryAfter = String(window.timeToBlockExpire);
      throw new GatewayError(
        429,
        `Rate limit reached: ${limit} requests per minute. Retry in ${retryAfter}s.`,
        'rate_limit_error',
        'rate_limit_exceeded',
        null,
        {},
        {
          'retry-after': retryAfter,
          'x-ratelimit-limit': String(limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': retryAfter,
        },
      );
    }
    reply.header('x-ratelimit-limit', limit);
    reply.header('x-ratelimit-remaining', Math.max(0, limit - window.totalHits));
    reply.header('x-ratelimit-reset', window.timeToExpire);
  }

  /** One hit in the key's one-minute window (every hit counts, refused ones too). */
  private count(key: string, limit: number) {
    return this.store.increment(key, MINUTE_MS, limit, 0, 'default');
  }
}
