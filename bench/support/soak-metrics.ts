/**
 * The gateway's own view during the soak, from its Prometheus endpoint (/metrics, prom-client's
 * default process and Node.js metrics plus the gateway's): RSS, heap used, event-loop delay
 * (prom-client's p50/p99/max since the previous scrape), and the fallbacks it made.
 */
export interface GatewaySample {
  rssBytes: number;
  heapUsedBytes: number;
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  fallbacks: number;
}

/** The sum of every series of `name` (its labels ignored); NaN when absent. */
export function metricValue(text: string, name: string): number {
  let sum = Number.NaN;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{'))
      continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    sum = Number.isNaN(sum) ? value : sum + value;
  }
  return sum;
}

/** One scrape; `authorization` is sent in case METRICS_AUTH=true asks for the admin key. */
export async function sampleGateway(origin: string, adminKey: string): Promise<GatewaySample> {
  const response = await fetch(`${origin}/metrics`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  const ms = (name: string) => metricValue(text, name) * 1000;
  return {
    rssBytes: metricValue(text, 'process_resident_memory_bytes'),
    heapUsedBytes: metricValue(text, 'nodejs_heap_size_used_bytes'),
    eventLoopP50Ms: ms('nodejs_eventloop_lag_p50_seconds'),
    eventLoopP99Ms: ms('nodejs_eventloop_lag_p99_seconds'),
    eventLoopMaxMs: ms('nodejs_eventloop_lag_max_seconds'),
    fallbacks: metricValue(text, 'ai_routing_fallback_total'),
  };
}

/** Least-squares slope of `values` against `minutes` (per minute); NaN with fewer than two. */
export function slopePerMinute(minutes: number[], values: number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const meanX = minutes.reduce((a, b) => a + b, 0) / n;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (let index = 0; index < n; index += 1) {
    numerator += (minutes[index] - meanX) * (values[index] - meanY);
    denominator += (minutes[index] - meanX) ** 2;
  }
  return denominator === 0 ? Number.NaN : numerator / denominator;
}
