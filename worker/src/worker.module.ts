import { Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { WorkerHealthController } from './http/worker-health.controller';
import { WorkerStatusService } from './http/worker-status.service';
import { LocalJobConsumers } from './jobs/local-job-consumers';
import { QueueDepthReader } from './jobs/queue-depth-reader';
import { WorkerMetrics } from './metrics/worker-metrics';
import { LocalModels } from './models/local-models';
import { RagJobConsumer } from './rag/rag-job-consumer';
import { WorkerLifecycle } from './worker-lifecycle';
import { WORKER_LOGGER, WORKER_REDIS } from './worker-tokens';

/** The worker's root module: BullMQ consumers for the local queues plus health and metrics. */
@Module({})
export class WorkerModule {
  static register(config: AppConfig, logger: Logger, redis: Redis): DynamicModule {
    return {
      module: WorkerModule,
      controllers: [WorkerHealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: WORKER_LOGGER, useValue: logger },
        { provide: WORKER_REDIS, useValue: redis },
        { provide: LocalModels, useFactory: () => new LocalModels(config.worker) },
        {
          provide: QueueDepthReader,
          useFactory: () => new QueueDepthReader(redis, config.worker.queuePrefix),
        },
        {
          provide: WorkerMetrics,
          inject: [QueueDepthReader, LocalModels],
          useFactory: (queues: QueueDepthReader, models: LocalModels) =>
            new WorkerMetrics({
              queueDepths: () => queues.depths(),
              modelStatuses: () => models.statuses(),
            }),
        },
        {
          provide: LocalJobConsumers,
          inject: [LocalModels, WorkerMetrics],
          useFactory: (models: LocalModels, metrics: WorkerMetrics) =>
            new LocalJobConsumers(config.worker, redis, models, metrics, logger),
        },
        WorkerStatusService,
        WorkerLifecycle,
        RagJobConsumer,
      ],
    };
  }
}
