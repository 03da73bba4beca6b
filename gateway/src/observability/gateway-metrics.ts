import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitState } from '../routing/circuit-breaker';
import type { AttemptRecord } from '../routing/router-observer';
import { LabelledChildren, type MetricLabels } from './metric-labels';
import { SummedCounter } from './summed-counter';

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };
/** `status_class` by the status's first digit (no string built per request). */
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

export interface MetricsSummary {
  total_requests: number;
  cache_hits: number;
  cache_hit_rate_percent: number;
  failures: number;
}

/**
 * Every Prometheus metric of the gateway, on the app's own registry (several gateways can live in
 * one process, as in tests). Methods take raw names; labels go through `MetricLabels`.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private totalRequests = 0;
  private failures = 0;
  private cacheHitCount = 0;

  private readonly providerRequests = new SummedCounter({
    name: 'ai_provider_requests_total',
    help: 'Upstream attempts by provider, model and outcome',
    labelNames: ['provider', 'model', 'outcome'],
    registers: [this.registry],
  });
  private readonly providerLatency = new Histogram({
    name: 'ai_provider_latency_seconds',
    help: 'Upstream attempt latency (non-stream: whole call; stream: until the first chunk)',
    labelNames: ['provider', 'model'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly timeToFirstToken = new Histogram({
    name: 'ai_time_to_first_token_seconds',
    help: 'Time from routing a stream to its first chunk',
    labelNames: ['provider', 'model'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  private readonly fallbacks = new Counter({
    name: 'ai_routing_fallback_total',
    help: 'Fallbacks from one provider to the next',
    labelNames: ['from', 'to'],
    registers: [this.registry],
  });
  private readonly circuitState = new Gauge({
    name: 'ai_circuit_state',
    help: 'Circuit state per provider: 0 closed, 1 half_open, 2 open',
    labelNames: ['provider'],
    registers: [this.registry],
  });
  private readonly cacheHits = new Counter({
    name: 'ai_cache_hits_total',
    help: 'Chat requests answered from the response cache',
    registers: [this.registry],
  });
  private readonly cacheMisses = new Counter({
    name: 'ai_cache_misses_total',
    help: 'Cacheable chat requests not found in the response cache',
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'ai_ratelimit_exceeded_total',
    help: 'Requests refused by a rate limit',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  private readonly tokens = new SummedCounter({
    name: 'ai_tokens_total',
    help: 'Tokens by provider, model and kind (prompt, completion)',
    labelNames: ['provider', 'model', 'kind'],
    registers: [this.registry],
  });
  private readonly cost = new SummedCounter({
    name: 'ai_cost_usd_total',
    help: 'Spend in USD by provider and model',
    labelNames: ['provider', 'model'],
    registers: [this.registry],
  });
  private readonly overhead = new Histogram({
    name: 'ai_gateway_overhead_seconds',
    help: 'Time spent in the gateway itself: total minus upstream time',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  private readonly requests = new SummedCounter({
    name: 'ai_gateway_requests_total',
    help: 'Client requests to /v1 and /ai by API dialect (openai, responses, anthropic) and status class',
    labelNames: ['api', 'status_class'],
    registers: [this.registry],
  });

  private readonly usageRowsDroppedTotal = new Counter({
    name: 'ai_usage_rows_dropped_total',
    help: 'Usage ledger rows dropped because the database stayed unreachable and the buffer was full',
    registers: [this.registry],
  });
  private usageBacklog: () => number = () => 0;
  private readonly usageRowsPending: Gauge = new Gauge({
    name: 'ai_usage_rows_pending',
    help: 'Usage ledger rows waiting in memory to be written to the database',
    registers: [this.registry],
    collect: (): void => this.usageRowsPending.set(this.usageBacklog()),
  });

  private readonly latencyChildren = new LabelledChildren((...values) =>
    this.providerLatency.labels(...values),
  );
  private readonly ttftChildren = new LabelledChildren((...values) =>
    this.timeToFirstToken.labels(...values),
  );

  constructor(private readonly labels: MetricLabels) {
    collectDefaultMetrics({ register: this.registry });
  }

  attemptFinished(record: AttemptRecord): void {
    if (record.outcome === 'skipped') return;
    const provider = this.labels.provider(record.provider);
    const model = this.labels.model(record.model);
    this.providerRequests.cell(provider, model, record.outcome).value += 1;
    this.latencyChildren.get(provider, model).observe(record.latencyMs / 1000);
  }

  fallback(from: string, to: string): void {
    this.fallbacks.labels(this.labels.provider(from), this.labels.provider(to)).inc();
  }

  firstToken(provider: string, model: string, seconds: number): void {
    this.ttftChildren
      .get(this.labels.provider(provider), this.labels.model(model))
      .observe(seconds);
  }

  circuitChanged(provider: string, state: CircuitState): void {
    this.circuitState.labels(this.labels.provider(provider)).set(CIRCUIT_VALUE[state]);
  }

  cacheLookup(hit: boolean): void {
    if (hit) {
      this.cacheHitCount += 1;
      this.cacheHits.inc();
    } else this.cacheMisses.inc();
  }

  rateLimitExceeded(limit: 'requests' | 'tokens'): void {
    this.rateLimited.labels(limit).inc();
  }

  usage(
    provider: string,
    model: string,
    promptTokens: number,
    completionTokens: number,
    costUsd: number,
  ): void {
    const providerLabel = this.labels.provider(provider);
    const modelLabel = this.labels.model(model);
    if (promptTokens > 0)
      this.tokens.cell(providerLabel, modelLabel, 'prompt').value += promptTokens;
    if (completionTokens > 0)
      this.tokens.cell(providerLabel, modelLabel, 'completion').value += completionTokens;
    if (costUsd > 0) this.cost.cell(providerLabel, modelLabel).value += costUsd;
  }

  usageRowsDropped(rows: number): void {
    this.usageRowsDroppedTotal.inc(rows);
  }

  /** Where `ai_usage_rows_pending` reads its value at scrape time. */
  observeUsageBacklog(source: () => number): void {
    this.usageBacklog = source;
  }

  requestFinished(status: number, overheadSeconds: number, api = 'openai'): void {
    this.totalRequests += 1;
    if (status >= 500) this.failures += 1;
    const hundreds = Math.floor(status / 100);
    this.requests.cell(api, STATUS_CLASSES[hundreds] ?? `${hundreds}xx`).value += 1;
    this.overhead.observe(Math.max(0, overheadSeconds));
  }

  summary(): MetricsSummary {
    const rate = this.totalRequests === 0 ? 0 : (this.cacheHitCount / this.totalRequests) * 100;
    return {
      total_requests: this.totalRequests,
      cache_hits: this.cacheHitCount,
      cache_hit_rate_percent: Math.round(rate * 100) / 100,
      failures: this.failures,
    };
  }
}
