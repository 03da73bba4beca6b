import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logger';
import { MemoryCacheStore } from './memory-cache-store';
import { MemoryRateLimitStore } from './memory-rate-limit-store';
import { MemoryTokenCounterStore } from './memory-token-counter-store';
import { RedisCacheStore } from './redis-cache-store';
import { connectRedis, REDIS_CLIENT } from './redis-connection';
import { RedisRateLimitStore } from './redis-rate-limit-store';
import { RedisTokenCounterStore } from './redis-token-counter-store';

export const CACHE_STORE = Symbol('CACHE_STORE');
export const TOKEN_COUNTER_STORE = Symbol('TOKEN_COUNTER_STORE');
export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

@Injectable()
class RedisDisconnector implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}

/**
 * The one place that looks at REDIS_URL, for hot and disposable state only (response cache,
 * request and token counters): Redis-backed stores when it is set (shared by every replica),
 * in-memory stores otherwise. Tenants, keys and usage are durable records: PersistenceModule.
 */
@Global()
@Module({})
export class StateModule {
  static register(): DynamicModule {
    return {
      module: StateModule,
      providers: [
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
          provide: TOKEN_COUNTER_STORE,
          inject: [APP_CONFIG, REDIS_CLIENT],
          useFactory: (config: AppConfig, client: Redis | null) =>
            client
              ? new RedisTokenCounterStore(client, config.redisKeyPrefix)
              : new MemoryTokenCounterStore(),
        },
        {
          provide: RATE_LIMIT_STORE,
          inject: [APP_CONFIG, REDIS_CLIENT],
          useFactory: (config: AppConfig, client: Redis | null) =>
            client
              ? new RedisRateLimitStore(client, config.redisKeyPrefix)
              : new MemoryRateLimitStore(),
        },
        RedisDisconnector,
      ],
      exports: [REDIS_CLIENT, CACHE_STORE, TOKEN_COUNTER_STORE, RATE_LIMIT_STORE],
    };
  }
}
