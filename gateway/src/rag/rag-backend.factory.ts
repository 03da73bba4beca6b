import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { RAG_BACKEND, type RagBackend } from './rag-backend';

/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see below */
/**
 * With `REDIS_URL`, RAG jobs go to workers over BullMQ; without, they run in this process. Only
 * the chosen backend's module is loaded: an embedded gateway never loads BullMQ, and a
 * distributed one never loads hnswlib (resident memory on every replica).
 */
export function createRagBackend(config: AppConfig): RagBackend {
  if (config.redisUrl) {
    const { BullMqRagBackend } =
      require('./bullmq-rag-backend') as typeof import('./bullmq-rag-backend');
    return new BullMqRagBackend(config);
  }
  const { InProcessRagBackend } =
    require('./in-process-rag-backend') as typeof import('./in-process-rag-backend');
  return new InProcessRagBackend(config);
}
/* eslint-enable @typescript-eslint/no-require-imports */

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
