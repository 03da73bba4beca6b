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
import { MemoryStateStore } from './memory-state-store';
import { RedisCacheStore } from './redis-cache-store';
import { connectRedis, REDIS_CLIENT } from './redis-connection';
import { RedisRateLimitStore } from './redis-rate-limit-store';
import { RedisStateStore } from './redis-state-store';

export const CACHE_STORE = Symbol('CACHE_STORE');
export const STATE_STORE = Symbol('STATE_STORE');
export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

@Injectable()
class RedisDisconnector implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}

/**
 * The one place that looks at REDIS_URL: Redis-backed stores when it is set (shared by every
 * replica, kept across restarts), in-memory stores otherwise. Everything else injects the seams.
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
            config.redisUrl
              ? connectRedis(config.redisUrl, logger, config.redisCommandTimeoutMs)
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
          provide: STATE_STORE,
          inject: [APP_CONFIG, REDIS_CLIENT],
          useFactory: (config: AppConfig, client: Redis | null) =>
            client ? new RedisStateStore(client, config.redisKeyPrefix) : new MemoryStateStore(),
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
        RedisDisconnector,
      ],
      exports: [REDIS_CLIENT, CACHE_STORE, STATE_STORE, RATE_LIMIT_STORE],
    };
  }
}
