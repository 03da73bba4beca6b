import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { TRACING, type Tracing } from '@app/tracing';
import { LocalJobConsumers } from './jobs/local-job-consumers';
import { QueueDepthReader } from './jobs/queue-depth-reader';
import { LocalModels } from './models/local-models';
import { WORKER_LOGGER, WORKER_REDIS } from './worker-tokens';

/** Starts consuming after an optional preload; on shutdown drains jobs (bounded), then closes all. */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
    @Inject(WORKER_REDIS) private readonly redis: Redis,
    @Inject(LocalModels) private readonly models: LocalModels,
    @Inject(LocalJobConsumers) private readonly consumers: LocalJobConsumers,
    @Inject(QueueDepthReader) private readonly queues: QueueDepthReader,
    @Inject(TRACING) private readonly tracing: Tracing,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.worker.preload) {
      await this.models.preload();
      this.logger.info({ models: this.models.statuses() }, 'models preloaded');
    }
    await this.consumers.start();
  }

  async onApplicationShutdown(): Promise<void> {
    const graceMs = this.config.worker.shutdownGraceMs;
    const drained = await this.consumers.stop(graceMs);
    if (!drained)
      this.logger.warn(
        { graceMs },
        'jobs still running after the grace period: handed back to other workers',
      );
    await this.queues.close();
    await this.models.close();
    await this.redis.quit().catch(() => undefined);
    // Last: the drained jobs' spans have ended and are exported now.
    await this.tracing.shutdown().catch(() => undefined);
  }
}
