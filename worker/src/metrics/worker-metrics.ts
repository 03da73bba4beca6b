import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ModelStatus } from '@app/inference';
import type { LocalQueueKey } from '@app/inference/dispatch';

/** Live values the metrics read when scraped. */
export interface WorkerMetricSources {
  queueDepths(): Promise<Record<LocalQueueKey, number>>;
  modelStatuses(): Record<'chat' | 'embeddings', ModelStatus>;
}

/** How a job ended, as counted in metrics and `/health/detailed`. */
export type JobOutcomeLabel = 'completed' | 'rejected' | 'cancelled' | 'expired' | 'failed';

/**
 * The worker's Prometheus metrics (`ai_worker_*`). Labels are bounded: queue, outcome, model kind.
 * Queue depth is read from Redis when scraped, so it is right even while no job runs here.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly jobs: Counter<'queue' | 'outcome'>;
  private readonly jobDuration: Histogram<'queue' | 'outcome'>;
  private readonly tokensPerSecond: Histogram<'queue'>;
  private readonly completionTokens: Counter<'queue'>;
  private readonly outcomeCounts = new Map<string, number>();
  private activeJobs = 0;

  constructor(sources: WorkerMetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'ai_worker_' });
    this.jobs = new Counter({
      name: 'ai_worker_jobs_total',
      help: 'Jobs by queue and outcome',
      labelNames: ['queue', 'outcome'],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'ai_worker_job_duration_seconds',
      help: 'Time from job start to its outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.tokensPerSecond = new Histogram({
      name: 'ai_worker_generation_tokens_per_second',
      help: 'Completion tokens per second of each chat job',
      labelNames: ['queue'],
      buckets: [1, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
      registers,
    });
    this.completionTokens = new Counter({
      name: 'ai_worker_completion_tokens_total',
      help: 'Completion tokens generated',
      labelNames: ['queue'],
      registers,
    });
    new Gauge({
      name: 'ai_worker_model_load_seconds',
      help: 'How long each loaded model took to load',
      labelNames: ['kind'],
      registers,
      collect() {
        for (const [kind, status] of Object.entries(sources.modelStatuses())) {
          if (status.loadTimeMs !== undefined) this.set({ kind }, status.loadTimeMs / 1000);
        }
      },
    });
    new Gauge({
      name: 'ai_worker_queue_depth',
      help: 'Jobs waiting in each local queue',
      labelNames: ['queue'],
      registers,
      async collect() {
        const depths = await sources.queueDepths().catch(() => undefined);
        for (const [queue, depth] of Object.entries(depths ?? {})) this.set({ queue }, depth);
      },
    });
  }

  /** Call when a job starts; call the returned function with its outcome. */
  startJob(queue: LocalQueueKey): (outcome: JobOutcomeLabel) => void {
    const started = performance.now();
    this.activeJobs += 1;
    return (outcome) => {
      this.activeJobs -= 1;
      this.jobs.inc({ queue, outcome });
      this.jobDuration.observe({ queue, outcome }, (performance.now() - started) / 1000);
      const key = `${queue}:${outcome}`;
      this.outcomeCounts.set(key, (this.outcomeCounts.get(key) ?? 0) + 1);
    };
  }

  recordGeneration(queue: LocalQueueKey, completionTokens: number, seconds: number): void {
    this.completionTokens.inc({ queue }, completionTokens);
    if (seconds > 0 && completionTokens > 0)
      this.tokensPerSecond.observe({ queue }, completionTokens / seconds);
  }

  /** `{"chat:completed": 3, …}` for `/health/detailed`. */
  jobsByOutcome(): Record<string, number> {
    return Object.fromEntries(this.outcomeCounts);
  }

  get active(): number {
    return this.activeJobs;
  }
}
