import type { Registry } from 'prom-client';
import { histogramQuantile, type CumulativeBucket } from './histogram-quantile';

const LATENCY_METRIC = 'ai_provider_latency_seconds';
const ATTEMPTS_METRIC = 'ai_provider_requests_total';

/** Attempt counts and latency buckets of one provider (all models), cumulative since start. */
interface ProviderCounters {
  successes: number;
  errors: number;
  /** Cumulative bucket counts keyed by the `le` bound. */
  buckets: Map<number, number>;
}

export interface TrafficSnapshot {
  at: number;
  providers: Map<string, ProviderCounters>;
}

export interface TrafficFigures {
  requests: number;
  errors: number;
  /** errors / requests, 0..1; null without requests. */
  error_rate: number | null;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
}

const emptyCounters = (): ProviderCounters => ({ successes: 0, errors: 0, buckets: new Map() });

/** Reads the router's attempt counter and latency histogram from the app's Prometheus registry. */
export async function readTraffic(registry: Registry, now = Date.now()): Promise<TrafficSnapshot> {
  const providers = new Map<string, ProviderCounters>();
  const of = (provider: string) => {
    let counters = providers.get(provider);
    if (!counters) providers.set(provider, (counters = emptyCounters()));
    return counters;
  };
  const attempts = await registry.getSingleMetric(ATTEMPTS_METRIC)?.get();
  for (const sample of attempts?.values ?? []) {
    const counters = of(String(sample.labels.provider));
    if (sample.labels.outcome === 'success') counters.successes += sample.value;
    else if (sample.labels.outcome === 'error') counters.errors += sample.value;
  }
  const latency = await registry.getSingleMetric(LATENCY_METRIC)?.get();
  for (const sample of latency?.values ?? []) {
    if ((sample as { metricName?: string }).metricName !== `${LATENCY_METRIC}_bucket`) continue;
    const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
    const buckets = of(String(sample.labels.provider)).buckets;
    buckets.set(le, (buckets.get(le) ?? 0) + sample.value);
  }
  return { at: now, providers };
}

/** Figures of the traffic between two snapshots (`since` undefined: since the process started). */
export function trafficBetween(
  provider: string,
  current: TrafficSnapshot,
  since: TrafficSnapshot | undefined,
): TrafficFigures {
  const now = current.providers.get(provider) ?? emptyCounters();
  const before = since?.providers.get(provider) ?? emptyCounters();
  const successes = now.successes - before.successes;
  const errors = now.errors - before.errors;
  const requests = successes + errors;
  const buckets: CumulativeBucket[] = [...now.buckets]
    .map(([le, count]) => ({ le, count: count - (before.buckets.get(le) ?? 0) }))
    .sort((a, b) => a.le - b.le);
  const milliseconds = (seconds: number | undefined) =>
    seconds === undefined ? null : Math.round(seconds * 10_000) / 10;
  return {
    requests,
    errors,
    error_rate: requests === 0 ? null : errors / requests,
    latency_p50_ms: milliseconds(histogramQuantile(0.5, buckets)),
    latency_p99_ms: milliseconds(histogramQuantile(0.99, buckets)),
  };
}
