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
import { MemoryCacheStore } from '../state/memory-cache-store';
import { MemoryRateLimitStore } from '../state/memory-rate-limit-store';
import { MemoryResponseStore } from '../state/memory-response-store';
import { MemoryTokenCounterStore } from '../state/memory-token-counter-store';
import { RedisCacheStore } from '../state/redis-cache-store';
import { connectRedis } from '../state/redis-connection';
import { RedisRateLimitStore } from '../state/redis-rate-limit-store';
import { RedisResponseStore } from '../state/redis-response-store';
import { RedisTokenCounterStore } from '../state/redis-token-counter-store';
import { SyncedTokenCounterStore } from '../state/synced-token-counter-store';
import type { TokenCounterStore } from '../state/token-counter-store';
import { LazyLocalDispatcher } from './lazy-local-dispatcher';
import {
  CACHE_STORE,
  LOCAL_DISPATCHER,
  RATE_LIMIT_STORE,
  REDIS_CLIENT,
  RESPONSE_STORE,
  TOKEN_COUNTER_STORE,
} from './topology.tokens';

/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see below */
/**
 * Where local inference and RAG work runs: worker processes over BullMQ with REDIS_URL, else
 * this process. Only the chosen dispatcher's module is loaded (an embedded gateway never loads
 * BullMQ; a distributed one never loads hnswlib or a model), and only on first use unless a
 * `local` provider is configured, which wants its queue connections up at boot.
 */
function createDispatcher(config: AppConfig, logger: Logger): LocalDispatcher {
  const dispatcher = new LazyLocalDispatcher(() => {
    if (config.redisUrl) {
      const { BullMqDispatcher } =
        require('@app/inference/dispatch/bullmq-dispatcher') as typeof import('@app/inference/dispatch/bullmq-dispatcher');
      return BullMqDispatcher.fromConfig(config);
    }
    const { InProcessDispatcher } =
      require('@app/inference/dispatch/in-process-dispatcher') as typeof import('@app/inference/dispatch/in-process-dispatcher');
    return InProcessDispatcher.fromConfig(config, (error, collection) =>
      logger.warn(
        { collection, err: { message: (error as Error)?.message } },
        'RAG checkpoint failed; the collection stays valid (last snapshot plus log)',
      ),
    );
  });
  const hasLocalProvider = config.providers.some((provider) => provider.type === 'local');
  return hasLocalProvider ? dispatcher.open() : dispatcher;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Closes what the topology opened, in reverse order of need, when the app stops. */
@Injectable()
class TopologyShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    @Inject(LOCAL_DISPATCHER) private readonly dispatcher: LocalDispatcher,
    @Inject(TOKEN_COUNTER_STORE) private readonly tokenCounters: TokenCounterStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // Tokens counted in the last sync interval go out while Redis is still open.
    await this.tokenCounters.flush?.();
    await this.dispatcher.close();
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

const providers: Provider[] = [
  {
    provide: REDIS_CLIENT,
    inject: [APP_CONFIG, LOGGER],
    useFactory: (config: AppConfig, logger: Logger) =>
      config.redisUrl
        ? connectRedis(config.redisUrl, logger, {
            commandTimeoutMs: config.redisCommandTimeoutMs,
            autoPipelining: config.redisAutoPipelining,
          })
        : null,
  },
  {
    provide: CACHE_STORE,
    inject: [APP_CONFIG, REDIS_CLIENT],
    useFactory: (config: AppConfig, client: Redis | null) =>
      client
        ? new RedisCacheStore(client, config.redisKeyPrefix, config.controls.cacheMaxEntries)
        : new MemoryCacheStore(config.controls.cacheMaxEntries),
  },
  {
    provide: TOKEN_COUNTER_STORE,
    inject: [APP_CONFIG, REDIS_CLIENT, LOGGER],
    useFactory: (config: AppConfig, client: Redis | null, logger: Logger) => {
      if (!client) return new MemoryTokenCounterStore();
      const shared = new RedisTokenCounterStore(client, config.redisKeyPrefix);
      const syncMs = config.controls.tokenCounterSyncMs;
      return syncMs > 0 ? new SyncedTokenCounterStore(shared, syncMs, logger) : shared;
    },
  },
  {
    provide: RATE_LIMIT_STORE,
    inject: [APP_CONFIG, REDIS_CLIENT, LOGGER],
    useFactory: (config: AppConfig, client: Redis | null, logger: Logger) =>
      client
        ? new RedisRateLimitStore(
            client,
            config.redisKeyPrefix,
            config.controls.rateLimitFailMode,
            logger,
          )
        : new MemoryRateLimitStore(),
  },
  {
    provide: RESPONSE_STORE,
    inject: [APP_CONFIG, REDIS_CLIENT],
    useFactory: (config: AppConfig, client: Redis | null) =>
      client
        ? new RedisResponseStore(client, config.redisKeyPrefix, config.controls.responsesMaxStored)
        : new MemoryResponseStore(config.controls.responsesMaxStored),
  },
  { provide: LOCAL_DISPATCHER, inject: [APP_CONFIG, LOGGER], useFactory: createDispatcher },
  TopologyShutdown,
];

/**
 * The one place that reads REDIS_URL, for hot and disposable state (response cache, request and
 * token counters, stored Responses API responses) and for where local work runs; tenants, keys and usage are durable records in
 * the PersistenceModule. Embedded (no REDIS_URL): in-memory stores, local work and RAG in this
 * process. Distributed: Redis-backed stores shared by every replica, local work and
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
        TOKEN_COUNTER_STORE,
        RATE_LIMIT_STORE,
        RESPONSE_STORE,
        LOCAL_DISPATCHER,
      ],
    };
  }
}
