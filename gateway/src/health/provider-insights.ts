import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ProviderStatusService } from './provider-status.service';
import { GatewayMetrics } from '../observability/gateway-metrics';
import { ProviderStatsObserver } from '../observability/router-observers';
import {
  readTraffic,
  trafficBetween,
  type TrafficSnapshot,
} from '../observability/provider-traffic-window';

/** The "recent" window of the providers view, like a PromQL `[5m]` range. */
export const RECENT_WINDOW_MS = 5 * 60_000;
const SNAPSHOT_INTERVAL_MS = 15_000;

/**
 * What the console's Providers page shows: each provider's circuit, its last error, and error
 * rate and latency p50/p99 computed from the gateway's own Prometheus metrics, over the last five
 * minutes and since start. Recent figures subtract a snapshot of the counters taken every 15 s
 * (off the request path: a timer reading the registry), the way `rate()` works on a scrape.
 */
@Injectable()
export class ProviderInsights implements OnModuleDestroy {
  private readonly snapshots: TrafficSnapshot[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(ProviderStatusService) private readonly statuses: ProviderStatusService,
    @Inject(ProviderStatsObserver) private readonly stats: ProviderStatsObserver,
  ) {
    this.snapshots.push({ at: Date.now(), providers: new Map() });
    this.timer = setInterval(() => void this.takeSnapshot(), SNAPSHOT_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async providers() {
    const current = await readTraffic(this.metrics.registry);
    const baseline = this.baseline(current.at);
    const data = this.statuses.statuses().map((status) => {
      const stats = this.stats.of(status.id);
      return {
        id: status.id,
        object: 'provider',
        type: status.type,
        available: status.available,
        circuit_state: status.circuit_state,
        consecutive_failures: status.consecutive_failures,
        retry_at: status.retry_at,
        last_error: stats.lastError,
        last_error_at: stats.lastErrorAt,
        recent: trafficBetween(status.id, current, baseline),
        since_start: trafficBetween(status.id, current, undefined),
      };
    });
    return {
      object: 'list',
      recent_window_seconds: Math.round((current.at - baseline.at) / 1000),
      generated_at: new Date(current.at).toISOString(),
      data,
    };
  }

  /** The oldest snapshot inside the window (the window is shorter while the process is young). */
  private baseline(now: number): TrafficSnapshot {
    return (
      this.snapshots.find((snapshot) => snapshot.at >= now - RECENT_WINDOW_MS) ??
      this.snapshots.at(-1)!
    );
  }

  private async takeSnapshot(): Promise<void> {
    const snapshot = await readTraffic(this.metrics.registry);
    this.snapshots.push(snapshot);
    while (this.snapshots.length > 1 && this.snapshots[0].at < snapshot.at - RECENT_WINDOW_MS)
      this.snapshots.shift();
  }
}
