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
import { REDIS_CLIENT } from '../topology/topology.tokens';
import { openDatabase } from './open-database';
import type { PostgresDatabase } from './postgres/postgres-database';
import { RedisTenantChangeFeed } from './redis-tenant-change-feed';
import type { Database } from './repositories';
import { LocalTenantChangeFeed, type TenantChangeFeed } from './tenant-change-feed';

export const DATABASE = Symbol('DATABASE');
export const TENANT_REPOSITORY = Symbol('TENANT_REPOSITORY');
export const API_KEY_REPOSITORY = Symbol('API_KEY_REPOSITORY');
export const USAGE_LEDGER = Symbol('USAGE_LEDGER');
export const TENANT_CHANGE_FEED = Symbol('TENANT_CHANGE_FEED');

/**
 * How replicas hear about tenant and key changes: PostgreSQL's LISTEN/NOTIFY when they share
 * PostgreSQL, else Redis pub/sub when they share Redis, else nobody to tell (one process).
 */
async function createTenantChangeFeed(
  database: Database,
  config: AppConfig,
  logger: Logger,
  redis: Redis | null | undefined,
): Promise<TenantChangeFeed> {
  if (database.kind === 'postgres' && config.persistence.databaseUrl) {
    const { PostgresTenantChangeFeed } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- pg loads only when used
      require('./postgres/postgres-tenant-change-feed') as typeof import('./postgres/postgres-tenant-change-feed');
    const feed = new PostgresTenantChangeFeed(
      (database as PostgresDatabase).pool,
      config.persistence.databaseUrl,
      logger,
    );
    await feed.start();
    return feed;
  }
  if (redis) {
    const feed = new RedisTenantChangeFeed(redis, `${config.redisKeyPrefix}tenant-changes`, logger);
    await feed.start();
    logger.warn(
      { database: database.location },
      'REDIS_URL is set without DATABASE_URL: tenants, keys and usage are in this SQLite file, shared only by gateways on the same host or volume; set DATABASE_URL (PostgreSQL) for replicas on several hosts',
    );
    return feed;
  }
  return new LocalTenantChangeFeed();
}

/**
 * Runs after every non-global module's shutdown hooks (global modules come last), so the usage
 * writer has flushed its last batch before the connection closes.
 */
@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(TENANT_CHANGE_FEED) private readonly changes: TenantChangeFeed,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.changes.close();
    await this.database.close();
  }
}

/**
 * The one place that chooses the system of record (DATABASE_URL → PostgreSQL, else SQLite under
 * DATA_DIR), separate from the Redis-or-memory choice for hot state. Exports one token per
 * repository and the tenant change feed.
 */
@Global()
@Module({})
export class PersistenceModule {
  static register(): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DATABASE,
          inject: [APP_CONFIG, LOGGER],
          useFactory: (config: AppConfig, logger: Logger) =>
            openDatabase(config.persistence, logger),
        },
        {
          provide: TENANT_REPOSITORY,
          inject: [DATABASE],
          useFactory: (db: Database) => db.tenants,
        },
        {
          provide: API_KEY_REPOSITORY,
          inject: [DATABASE],
          useFactory: (db: Database) => db.apiKeys,
        },
        { provide: USAGE_LEDGER, inject: [DATABASE], useFactory: (db: Database) => db.usage },
        {
          provide: TENANT_CHANGE_FEED,
          inject: [DATABASE, APP_CONFIG, LOGGER, { token: REDIS_CLIENT, optional: true }],
          useFactory: createTenantChangeFeed,
        },
        DatabaseCloser,
      ],
      exports: [DATABASE, TENANT_REPOSITORY, API_KEY_REPOSITORY, USAGE_LEDGER, TENANT_CHANGE_FEED],
    };
  }
}
