import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { reportingUnavailability } from '../database-unavailable';
import type { ApiKeyRepository, Database, TenantRepository, UsageLedger } from '../repositories';
import { applyConnectionSettings } from './sqlite-connection-settings';
import { migrateSqlite } from './sqlite-migrations';
import { SqliteApiKeyRepository } from './sqlite-api-key-repository';
import { SqliteTenantRepository } from './sqlite-tenant-repository';
import { UsageAppendThread } from './sqlite-usage-append-thread';
import { SqliteUsageLedger } from './sqlite-usage-ledger';

/** How long a writer waits for another process's write lock on the same file before failing. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Page cache per connection (SQLITE_CACHE_SIZE_KB): SQLite's own default. better-sqlite3 builds
 * SQLite with 16,000 KiB, which the usage ledger's two connections filled over the first hour of
 * a busy gateway (the append connection touches new pages of a growing table and id index), so
 * RSS rose ~3.4 MB/min in the soak while the JS heap stayed flat.
 */
export const DEFAULT_CACHE_SIZE_KB = 2048;

/**
 * The embedded system of record: one SQLite file (better-sqlite3, synchronous, in-process).
 * WAL lets readers and the one writer proceed together and lets several processes share the file;
 * synchronous=FULL fsyncs every commit, so an acknowledged write survives a crash or power loss.
 * Usage batches, the one steady write load, are committed by a worker thread with its own
 * connection to the same file (`UsageAppendThread`), so their fsync does not stall the event
 * loop; a `:memory:` database (one connection only) writes them in-process.
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
  private readonly appendThread: UsageAppendThread | undefined;

  constructor(path: string, options: { busyTimeoutMs?: number; cacheSizeKb?: number } = {}) {
    const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
    const cacheSizeKb = options.cacheSizeKb ?? DEFAULT_CACHE_SIZE_KB;
    this.location = path === ':memory:' ? path : resolve(path);
    if (path !== ':memory:') mkdirSync(dirname(this.location), { recursive: true });
    this.connection = new BetterSqlite3(this.location, { timeout: busyTimeoutMs });
    try {
      applyConnectionSettings(this.connection, cacheSizeKb);
      this.appliedMigrations = migrateSqlite(this.connection, this.location);
    } catch (error) {
      this.connection.close();
      throw error;
    }
    this.tenants = reportingUnavailability(new SqliteTenantRepository(this.connection));
    this.apiKeys = reportingUnavailability(new SqliteApiKeyRepository(this.connection));
    // Only once migrated: the thread's connection expects the current schema.
    if (path !== ':memory:')
      this.appendThread = new UsageAppendThread(this.location, { busyTimeoutMs, cacheSizeKb });
    this.usage = reportingUnavailability(new SqliteUsageLedger(this.connection, this.appendThread));
  }

  async ping(): Promise<void> {
    this.connection.prepare('SELECT 1').get();
  }

  /** Waits for usage appends in flight and stops their thread, then closes the connection. */
  async close(): Promise<void> {
    await this.appendThread?.close();
    if (this.connection.open) this.connection.close();
  }
}
