import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  QUEUE_NAMES,
  type LocalJobOutcome,
  type LocalRagJob,
  type LocalRagResult,
} from '@app/contracts';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createLocalRedisConnection } from '@app/inference/dispatch';
import { RagService } from '@app/inference/rag';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LocalModels } from '../models/local-models';
import { WORKER_LOGGER } from '../worker-tokens';
import { ragJobProcessor } from './rag-job-processor';

/**
 * Consumes the `local-rag` queue with a `RagService` over the worker's embedder, collections under
 * `<WORKER_DATA_DIR>/rag/`. Concurrency 1 and one owner per data directory: run one RAG-serving
 * worker per data directory (workers on other machines need their own, or a shared volume with one
 * consumer). Its own Redis connection, so it closes independently of the other consumers.
 */
@Injectable()
export class RagJobConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker<LocalRagJob, LocalJobOutcome<LocalRagResult>> | undefined;
  private redis: Redis | undefined;
  private service: RagService | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
    @Inject(LocalModels) private readonly models: LocalModels,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.redisUrl) return;
    this.redis = createLocalRedisConnection(this.config.redisUrl);
    const worker = new Worker<LocalRagJob, LocalJobOutcome<LocalRagResult>>(
      QUEUE_NAMES.rag,
      ragJobProcessor(() => this.rag()),
      {
        connection: this.redis,
        prefix: this.config.worker.queuePrefix,
        concurrency: 1,
        lockDuration: this.config.worker.lockDurationMs,
        stalledInterval: this.config.worker.stalledIntervalMs,
        maxStalledCount: 1,
      },
    );
    worker.on('failed', (job, error) =>
      this.logger.warn(
        { queue: 'rag', jobId: job?.id, attempt: job?.attemptsMade, err: error.message },
        'job failed',
      ),
    );
    worker.on('error', (error) =>
      this.logger.error({ queue: 'rag', err: error.message }, 'worker error'),
    );
    this.worker = worker;
    await worker.waitUntilReady();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.redis?.quit().catch(() => undefined);
  }

  private rag(): RagService {
    this.service ??= new RagService({
      dataDir: this.config.worker.dataDir,
      embedder: this.models.embeddings,
      config: this.config.rag,
    });
    return this.service;
  }
}
