import { Inject, Injectable } from '@nestjs/common';
import type { LocalQueueKey } from '@app/inference/dispatch';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { LocalModels } from '../models/local-models';
import { QueueDepthReader } from '../jobs/queue-depth-reader';

/** What the worker's health endpoints report; reads live state, never runs a model. */
@Injectable()
export class WorkerStatusService {
  constructor(
    @Inject(LocalModels) private readonly models: LocalModels,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
    @Inject(QueueDepthReader) private readonly queues: QueueDepthReader,
  ) {}

  summary() {
    const models = this.models.statuses();
    const failed = Object.values(models).some((model) => model.state === 'failed');
    return { status: failed ? 'degraded' : 'ok', uptime_seconds: Math.round(process.uptime()) };
  }

  async detailed() {
    let queueDepth: Record<LocalQueueKey, number> | null = null;
    let redis = 'ok';
    try {
      queueDepth = await this.queues.depths();
    } catch (error) {
      redis = `unreachable: ${(error as Error).message}`;
    }
    return {
      ...this.summary(),
      redis,
      models: this.models.statuses(),
      queue_depth: queueDepth,
      active_jobs: this.metrics.active,
      jobs_by_outcome: this.metrics.jobsByOutcome(),
    };
  }

  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
