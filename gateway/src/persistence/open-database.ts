import type { PersistenceConfig } from '@app/config';
import type { Logger } from 'pino';
import { PostgresDatabase } from './postgres/postgres-database';
import type { Database } from './repositories';
import { SqliteDatabase } from './sqlite/sqlite-database';

/**
 * Opens the system of record the configuration names, migrated to the current schema:
 * PostgreSQL when DATABASE_URL is set, else the SQLite file under DATA_DIR.
 */
export async function openDatabase(config: PersistenceConfig, logger: Logger): Promise<Database> {
  const database = config.databaseUrl
    ? await PostgresDatabase.open(config.databaseUrl, { poolMax: config.poolMax, logger })
    : new SqliteDatabase(config.sqlitePath);
  const migrated = database.appliedMigrations;
  logger.info(
    { database: database.location, kind: database.kind, migrated },
    migrated.length > 0
      ? 'durable state: migrations applied'
      : 'durable state: schema is current',
  );
  return database;
}
