import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { BullMqRagBackend } from './bullmq-rag-backend';
import { InProcessRagBackend } from './in-process-rag-backend';
import { RAG_BACKEND, type RagBackend } from './rag-backend';

/** With `REDIS_URL`, RAG jobs go to workers over BullMQ; without, they run in this process. */
export function createRagBackend(config: AppConfig): RagBackend {
  return config.redisUrl ? new BullMqRagBackend(config) : new InProcessRagBackend(config);
}

/** Closes the backend (queue connections, or the in-process embedder) when the app stops. */
@Injectable()
export class RagBackendShutdown implements OnApplicationShutdown {
  constructor(@Inject(RAG_BACKEND) private readonly backend: RagBackend) {}

  async onApplicationShutdown(): Promise<void> {
    await this.backend.close();
  }
}

/** What `AppModule` registers for RAG (beside `RagController`). */
export const ragProviders: Provider[] = [
  {
    provide: RAG_BACKEND,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => createRagBackend(config),
  },
  RagBackendShutdown,
];
