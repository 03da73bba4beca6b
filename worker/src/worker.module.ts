import { Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createTracing, TRACING, type Tracing } from '@app/tracing';
import { RagService } from '@app/inference/rag/rag-service';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { WorkerApiKeyGuard } from './http/worker-api-key.guard';
import { WorkerHealthController } from './http/worker-health.controller';
import { WorkerStatusService } from './http/worker-status.service';
import { LocalJobConsumers } from './jobs/local-job-consumers';
import { QueueDepthReader } from './jobs/queue-depth-reader';
import { WorkerMetrics } from './metrics/worker-metrics';
import { LocalModels } from './models/local-models';
import { WorkerRagAnswers } from './rag/worker-rag-answers';
import { WorkerRagController } from './rag/worker-rag.controller';
import { WorkerLifecycle } from './worker-lifecycle';
import { WORKER_LOGGER, WORKER_REDIS } from './worker-tokens';

/**
 * The worker's root module: BullMQ consumers for the local queues (chat, streams, embeddings,
 * RAG); on its port, health, metrics and the RAG endpoints (one `RagService` shared by the
 * `local-rag` consumer and the port).
 */
@Module({})
export class WorkerModule {
  static register(config: AppConfig, logger: Logger, redis: Redis): DynamicModule {
    return {
      module: WorkerModule,
      controllers: [WorkerHealthController, WorkerRagController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: WORKER_LOGGER, useValue: logger },
        { provide: WORKER_REDIS, useValue: redis },
        // The OpenTelemetry SDK loads only when an exporter is configured (OTEL_*).
        { provide: TRACING, useFactory: () => createTracing(config.tracing, 'ai-gateway-worker') },
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
          inject: [LocalModels, WorkerMetrics, RagService, TRACING],
          useFactory: (
            models: LocalModels,
            metrics: WorkerMetrics,
            rag: RagService,
            tracing: Tracing,
          ) => new LocalJobConsumers(config.worker, redis, models, metrics, rag, logger, tracing),
        },
        {
          provide: RagService,
          inject: [LocalModels],
          useFactory: (models: LocalModels) =>
            new RagService({
              dataDir: config.worker.dataDir,
              embedder: models.embeddings,
              config: config.rag,
              onBackgroundError: (error, collection) =>
                logger.warn(
                  { collection, err: (error as Error)?.message },
                  'RAG checkpoint failed; the collection stays valid (last snapshot plus log)',
                ),
            }),
        },
        WorkerStatusService,
        WorkerApiKeyGuard,
        WorkerLifecycle,
        WorkerRagAnswers,
      ],
    };
  }
}
