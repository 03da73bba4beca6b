import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { reportingUnavailability } from '../database-unavailable';
import type { ApiKeyRepository, Database, TenantRepository, UsageLedger } from '../repositories';
import { migrateSqlite } from './sqlite-migrations';
import { SqliteApiKeyRepository } from './sqlite-api-key-repository';
import { SqliteTenantRepository } from './sqlite-tenant-repository';
import { SqliteUsageLedger } from './sqlite-usage-ledger';

/** How long a writer waits for another process's write lock on the same file before failing. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The embedded system of record: one SQLite file (better-sqlite3, synchronous, in-process).
 * WAL lets readers and the one writer proceed together and lets several processes share the file;
 * synchronous=FULL fsyncs every commit, so an acknowledged write survives a crash or power loss.
 */
export class SqliteDatabase implements Database {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  readonly tenants: TenantRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly usage: UsageLedger;
  /** Migration versions applied by this open (empty when the file was already current). */
  readonly appliedMigrations: number[];
  private readonly connection: BetterSqlite3.Database;

  constructor(path: string) {
    this.location = path === ':memory:' ? path : resolve(path);
    if (path !== ':memory:') mkdirSync(dirname(this.location), { recursive: true });
    this.connection = new BetterSqlite3(this.location, { timeout: BUSY_TIMEOUT_MS });
    try {
      this.connection.pragma('journal_mode = WAL');
      this.connection.pragma('synchronous = FULL');
      this.connection.pragma('foreign_keys = ON');
      this.appliedMigrations = migrateSqlite(this.connection, this.location);
    } catch (error) {
      this.connection.close();
      throw error;
    }
    this.tenants = reportingUnavailability(new SqliteTenantRepository(this.connection));
    this.apiKeys = reportingUnavailability(new SqliteApiKeyRepository(this.connection));
    this.usage = reportingUnavailability(new SqliteUsageLedger(this.connection));
  }

  async ping(): Promise<void> {
    this.connection.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.connection.open) this.connection.close();
  }
}
