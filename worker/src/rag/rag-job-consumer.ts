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
import { WORKER_LOGGER } from '../worker-tokens';
import { ragJobProcessor } from './rag-job-processor';

/**
 * Consumes the `local-rag` queue with the worker's `RagService` (the one its HTTP port serves too),
 * collections under `<WORKER_DATA_DIR>/rag/`. Concurrency 1 per worker; several workers may share
 * one data directory (a lock file per collection serializes their writes, see `RagService`). Every
 * worker consuming this queue must see the same data directory, or jobs land on different copies.
 * Its own Redis connection, so it closes independently of the other consumers.
 */
@Injectable()
export class RagJobConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker<LocalRagJob, LocalJobOutcome<LocalRagResult>> | undefined;
  private redis: Redis | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
    @Inject(RagService) private readonly rag: RagService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.redisUrl) return;
    this.redis = createLocalRedisConnection(this.config.redisUrl);
    const worker = new Worker<LocalRagJob, LocalJobOutcome<LocalRagResult>>(
      QUEUE_NAMES.rag,
      ragJobProcessor(() => this.rag),
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

  /** After the HTTP port has closed: no RAG work can start any more, so wait for checkpoints. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.redis?.quit().catch(() => undefined);
    await this.rag.close();
  }
}
