import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthIndicatorFunction,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Redis } from 'ioredis';
import type { LocalDispatcher } from '@app/inference/dispatch';
import { ResponseCache } from '../cache/response-cache';
import { ProviderStatsObserver } from '../observability/router-observers';
import { LOCAL_DISPATCHER, REDIS_CLIENT } from '../topology/topology.tokens';
import { ProviderStatusService } from './provider-status.service';

const PING_TIMEOUT_MS = 1000;

const REDIS_OUTAGE_IMPACT =
  'response cache bypassed; rate limits, budgets and tokens per minute not enforced ' +
  '(RATE_LIMIT_FAIL_MODE=open); keys that need the store answer 503; local tier skipped by the router';
const QUEUE_OUTAGE_IMPACT = 'local tier unavailable: the router falls back to the other providers';

/**
 * Readiness and the detailed view, from state the gateway already has (circuit breakers, stats
 * of real traffic, a Redis PING): probes never call a provider, so they never spend tokens.
 */
@Injectable()
export class ReadinessService {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(ProviderStatusService) private readonly providers: ProviderStatusService,
    @Inject(ProviderStatsObserver) private readonly stats: ProviderStatsObserver,
    @Inject(ResponseCache) private readonly cache: ResponseCache,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOCAL_DISPATCHER) private readonly dispatcher: LocalDispatcher,
  ) {}

  /**
   * 200 while the gateway can serve: at least one provider's circuit is not open (and, with
   * RATE_LIMIT_FAIL_MODE=closed, Redis answers). A Redis or local-queue outage the gateway rides
   * out by design (see the README, "Outages and faults") keeps it ready, reported as
   * `status: "degraded"` with the dependency under `degraded`; 503 otherwise.
   */
  async ready(): Promise<{ status: 200 | 503; body: unknown }> {
    const [redis, queue] = await Promise.all([this.redisIndicator(), this.queueIndicator()]);
    const redisRequired = this.config.controls.rateLimitFailMode === 'closed';
    const degraded: Record<string, unknown> = {};
    if (redis.redis.status === 'down' && !redisRequired)
      degraded.redis = { ...redis.redis, impact: REDIS_OUTAGE_IMPACT };
    if (queue.queue.status === 'down')
      degraded.queue = { ...queue.queue, impact: QUEUE_OUTAGE_IMPACT };
    const required: HealthIndicatorFunction[] = [() => this.providersIndicator()];
    if (!degraded.redis) required.push(() => redis);
    if (!degraded.queue) required.push(() => queue);
    const extra = Object.keys(degraded).length > 0 ? { degraded } : {};
    try {
      const result = await this.health.check(required);
      const body = extra.degraded
        ? { ...result, status: 'degraded', details: { ...result.details, ...degraded }, ...extra }
        : result;
      return { status: 200, body };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const body = error.getResponse() as { details?: object };
      return {
        status: 503,
        body: { ...body, details: { ...body.details, ...degraded }, ...extra },
      };
    }
  }

  async detailed() {
    const redis = await this.redisIndicator();
    const providers = this.providers.statuses().map(({ id, ...status }) => {
      const stats = this.stats.of(id);
      return [
        id,
        {
          ...status,
          last_error: stats.lastError,
          last_error_at: stats.lastErrorAt,
          last_latency_ms: stats.lastLatencyMs,
          average_latency_ms: stats.averageLatencyMs,
          successes: stats.successes,
          failures: stats.failures,
        },
      ] as const;
    });
    return {
      status: this.providers.summary().status,
      providers: Object.fromEntries(providers),
      cache: {
        enabled: this.config.controls.cacheEnabled,
        backend: this.redis ? 'redis' : 'memory',
        entries: this.cache.size() ?? null,
        ttl_seconds: this.config.controls.cacheTtlSeconds,
      },
      redis: { configured: this.redis !== null, ...redis.redis },
      queue: (await this.queueIndicator()).queue,
      uptime_seconds: Math.round(process.uptime()),
    };
  }

  private async redisIndicator(): Promise<HealthIndicatorResult<'redis'>> {
    const indicator = this.indicators.check('redis');
    if (!this.redis) return indicator.up({ configured: false });
    const started = performance.now();
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('PING timed out')), PING_TIMEOUT_MS).unref(),
        ),
      ]);
      return indicator.up({ latency_ms: Math.round(performance.now() - started) });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  /** The local tier's queue (BullMQ or in-process), when a local provider is configured. */
  private async queueIndicator(): Promise<HealthIndicatorResult<'queue'>> {
    const indicator = this.indicators.check('queue');
    const hasLocalProvider = this.config.providers.some((provider) => provider.type === 'local');
    const dispatcher = hasLocalProvider ? this.dispatcher : undefined;
    if (!dispatcher) return indicator.up({ configured: false, depth: null });
    try {
      const status = await Promise.race([
        dispatcher.status(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('queue status timed out')), PING_TIMEOUT_MS).unref(),
        ),
      ]);
      return indicator.up({
        configured: true,
        mode: status.mode,
        depth: status.queueDepth,
        workers: status.workers ?? null,
        models: status.models ?? null,
      });
    } catch (error) {
      return indicator.down({ configured: true, depth: null, message: (error as Error).message });
    }
  }

  private providersIndicator(): HealthIndicatorResult<'providers'> {
    const indicator = this.indicators.check('providers');
    const statuses = this.providers.statuses();
    const available = statuses.filter((status) => status.available).map((status) => status.id);
    const data = { available, configured: statuses.map((status) => status.id) };
    return available.length > 0 ? indicator.up(data) : indicator.down(data);
  }
}
