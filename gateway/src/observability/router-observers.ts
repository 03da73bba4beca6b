import type { Logger } from 'pino';
import type { AttemptRecord, CallKind, RouterObserver } from '../routing/router-observer';
import type { GatewayMetrics } from './gateway-metrics';

/** Router events → Prometheus metrics. */
export class MetricsRouterObserver implements RouterObserver {
  constructor(private readonly metrics: GatewayMetrics) {}

  attemptFinished(_kind: CallKind, record: AttemptRecord): void {
    this.metrics.attemptFinished(record);
  }

  fallback(from: string, to: string): void {
    this.metrics.fallback(from, to);
  }

  firstChunk(provider: string, model: string, seconds: number): void {
    this.metrics.firstToken(provider, model, seconds);
  }
}

/** Failed attempts and fallbacks as log lines (the request line says who finally answered). */
export class LoggingRouterObserver implements RouterObserver {
  constructor(private readonly logger: Logger) {}

  attemptFinished(kind: CallKind, record: AttemptRecord): void {
    if (record.outcome !== 'error') return;
    this.logger.warn(
      {
        kind,
        provider: record.provider,
        model: record.model,
        reason: record.reason,
        status: record.status,
        latencyMs: Math.round(record.latencyMs),
        trace_id: record.traceId,
        span_id: record.spanId,
      },
      'provider attempt failed',
    );
  }

  fallback(from: string, to: string): void {
    this.logger.info({ from, to }, 'routing fallback');
  }
}

export interface ProviderStats {
  lastLatencyMs: number | null;
  /** Exponentially weighted average of successful attempts (weight 0.2 for the newest). */
  averageLatencyMs: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  successes: number;
  failures: number;
}

/** What `/health/detailed` shows per provider, learned from real traffic (probes spend no tokens). */
export class ProviderStatsObserver implements RouterObserver {
  private readonly stats = new Map<string, ProviderStats>();

  attemptFinished(_kind: CallKind, record: AttemptRecord): void {
    if (record.outcome === 'skipped') return;
    const stats = this.of(record.provider);
    stats.lastLatencyMs = Math.round(record.latencyMs);
    if (record.outcome === 'success') {
      stats.successes += 1;
      stats.averageLatencyMs = Math.round(
        stats.averageLatencyMs === null
          ? record.latencyMs
          : stats.averageLatencyMs * 0.8 + record.latencyMs * 0.2,
      );
    } else {
      stats.failures += 1;
      stats.lastError = record.reason ?? (record.status ? `HTTP ${record.status}` : 'error');
      stats.lastErrorAt = new Date().toISOString();
    }
  }

  of(provider: string): ProviderStats {
    let stats = this.stats.get(provider);
    if (!stats) {
      stats = {
        lastLatencyMs: null,
        averageLatencyMs: null,
        lastError: null,
        lastErrorAt: null,
        successes: 0,
        failures: 0,
      };
      this.stats.set(provider, stats);
    }
    return stats;
  }
}
