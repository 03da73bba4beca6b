import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { LocalDispatcher } from '@app/inference/dispatch';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logger';
import type { RagBackend } from './rag/rag-backend';
import { MemoryCacheStore } from '../state/memory-cache-store';
import { MemoryRateLimitStore } from '../state/memory-rate-limit-store';
import { MemoryStateStore } from '../state/memory-state-store';
import { RedisCacheStore } from '../state/redis-cache-store';
import { connectRedis } from '../state/redis-connection';
import { RedisRateLimitStore } from '../state/redis-rate-limit-store';
import { RedisStateStore } from '../state/redis-state-store';
import {
  CACHE_STORE,
  LOCAL_DISPATCHER,
  RAG_BACKEND,
  RATE_LIMIT_STORE,
  REDIS_CLIENT,
  STATE_STORE,
} from './topology.tokens';

/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see below */
/**
 * The local dispatcher, only when a `local` provider is configured: a gateway without one opens
 * no queue connection and loads no model code. Required, not imported: the dispatchers load
 * BullMQ, which an embedded gateway never needs.
 */
function createDispatcher(config: AppConfig): LocalDispatcher | null {
  if (!config.providers.some((provider) => provider.type === 'local')) return null;
  const { createLocalDispatcher } =
    require('@app/inference/dispatch') as typeof import('@app/inference/dispatch');
  return createLocalDispatcher(config);
}

/**
 * RAG runs on workers over BullMQ with REDIS_URL, else in this process. Only the chosen
 * backend's module is loaded: an embedded gateway never loads BullMQ, and a distributed one never
 * loads hnswlib (resident memory on every replica).
 */
function createRagBackend(config: AppConfig): RagBackend {
  if (config.redisUrl) {
    const { BullMqRagBackend } =
      require('./rag/bullmq-rag-backend') as typeof import('./rag/bullmq-rag-backend');
    return new BullMqRagBackend(config);
  }
  const { InProcessRagBackend } =
    require('./rag/in-process-rag-backend') as typeof import('./rag/in-process-rag-backend');
  return new InProcessRagBackend(config);
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Closes what the topology opened, in reverse order of need, when the app stops. */
@Injectable()
class TopologyShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    @Inject(LOCAL_DISPATCHER) private readonly dispatcher: LocalDispatcher | null,
    @Inject(RAG_BACKEND) private readonly rag: RagBackend,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.dispatcher?.close(), this.rag.close()]);
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

const providers: Provider[] = [
  {
    provide: REDIS_CLIENT,
    inject: [APP_CONFIG, LOGGER],
    useFactory: (config: AppConfig, logger: Logger) =>
      config.redisUrl ? connectRedis(config.redisUrl, logger) : null,
  },
  {
    provide: CACHE_STORE,
    inject: [APP_CONFIG, REDIS_CLIENT],
    useFactory: (config: AppConfig, client: Redis | null) =>
      client
        ? new RedisCacheStore(client, config.redisKeyPrefix)
        : new MemoryCacheStore(config.controls.cacheMaxEntries),
  },
  {
    provide: STATE_STORE,
    inject: [APP_CONFIG, REDIS_CLIENT],
    useFactory: (config: AppConfig, client: Redis | null) =>
      client ? new RedisStateStore(client, config.redisKeyPrefix) : new MemoryStateStore(),
  },
  {
    provide: RATE_LIMIT_STORE,
    inject: [APP_CONFIG, REDIS_CLIENT],
    useFactory: (config: AppConfig, client: Redis | null) =>
      client ? new RedisRateLimitStore(client, config.redisKeyPrefix) : new MemoryRateLimitStore(),
  },
  { provide: LOCAL_DISPATCHER, inject: [APP_CONFIG], useFactory: createDispatcher },
  { provide: RAG_BACKEND, inject: [APP_CONFIG], useFactory: createRagBackend },
  TopologyShutdown,
];

/**
 * The one place that reads REDIS_URL. Embedded (no REDIS_URL): in-memory stores, local work and
 * RAG in this process. Distributed: Redis-backed stores shared by every replica, local work and
 * RAG on worker processes over BullMQ. Everything else injects the tokens of `topology.tokens.ts`.
 */
@Global()
@Module({})
export class TopologyModule {
  static register(): DynamicModule {
    return {
      module: TopologyModule,
      providers,
      exports: [
        REDIS_CLIENT,
        CACHE_STORE,
        STATE_STORE,
        RATE_LIMIT_STORE,
        LOCAL_DISPATCHER,
        RAG_BACKEND,
      ],
    };
  }
}
