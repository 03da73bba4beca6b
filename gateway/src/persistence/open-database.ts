/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see openDatabase */
import type { PersistenceConfig } from '@app/config';
import type { Logger } from 'pino';
import type { Database } from './repositories';

/**
 * Opens the system of record the configuration names, migrated to the current schema:
 * PostgreSQL when DATABASE_URL is set, else the SQLite file under DATA_DIR. Each driver is
 * required only when chosen (`pg` alone costs ~0.1 s of boot), as provider SDKs are.
 */
export async function openDatabase(config: PersistenceConfig, logger: Logger): Promise<Database> {
  let database: Database;
  if (config.databaseUrl) {
    const { PostgresDatabase } =
      require('./postgres/postgres-database') as typeof import('./postgres/postgres-database');
    database = await PostgresDatabase.open(config.databaseUrl, { poolMax: config.poolMax, logger });
  } else {
    const { SqliteDatabase } =
      require('./sqlite/sqlite-database') as typeof import('./sqlite/sqlite-database');
    database = new SqliteDatabase(config.sqlitePath, { cacheSizeKb: config.sqliteCacheSizeKb });
  }
  const migrated = database.appliedMigrations;
  logger.info(
    { database: database.location, kind: database.kind, migrated },
    migrated.length > 0 ? 'durable state: migrations applied' : 'durable state: schema is current',
  );
  return database;
}
