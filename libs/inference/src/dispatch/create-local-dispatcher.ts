import type { AppConfig } from '@app/config';
import { createChatEngine } from '../chat/llama-chat-engine';
import { createEmbedder } from '../embeddings/create-embedder';
import { BullMqDispatcher } from './bullmq-dispatcher';
import { InProcessDispatcher } from './in-process-dispatcher';
import type { LocalDispatcher } from './local-dispatcher';
import { createLocalRedisConnection } from './local-queues';

/**
 * The one place that picks the topology: with `REDIS_URL`, worker processes over BullMQ;
 * without, the models in this process (embedded `npm start`).
 */
export function createLocalDispatcher(config: AppConfig): LocalDispatcher {
  if (config.redisUrl) {
    const connection = createLocalRedisConnection(config.redisUrl, {
      commandTimeoutMs: config.redisCommandTimeoutMs,
    });
    return new BullMqDispatcher(connection, {
      prefix: config.worker.queuePrefix,
      jobAttempts: config.worker.jobAttempts,
    });
  }
  return new InProcessDispatcher(
    createChatEngine(config.worker),
    createEmbedder(config.worker),
    config.worker.llmConcurrency,
  );
}
