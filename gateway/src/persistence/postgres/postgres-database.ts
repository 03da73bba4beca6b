import { Pool } from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable, reportingUnavailability } from '../database-unavailable';
import type { ApiKeyRepository, Database, TenantRepository, UsageLedger } from '../repositories';
import { PostgresApiKeyRepository } from './postgres-api-key-repository';
import { migratePostgres } from './postgres-migrations';
import { PostgresTenantRepository } from './postgres-tenant-repository';
import { PostgresUsageLedger } from './postgres-usage-ledger';

export interface PostgresOptions {
  /** Largest number of pooled connections. @defaultValue 10 */
  poolMax?: number;
  /** How long boot keeps retrying an unreachable server (replicas may start before it). @defaultValue 30000 */
  connectTimeoutMs?: number;
  logger?: Logger;
}

/** A request never waits longer than this for a pooled connection, nor a statement this long. */
const CONNECTION_TIMEOUT_MS = 5000;
const STATEMENT_TIMEOUT_MS = 15_000;

/** `host:port/database` of a URL, without the credentials, for logs and errors. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres (unparseable DATABASE_URL)';
  }
}

/** The shared system of record: PostgreSQL through a node-postgres pool. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly tenants: TenantRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly usage: UsageLedger;

  private constructor(
    readonly pool: Pool,
    readonly location: string,
    readonly appliedMigrations: number[],
  ) {
    this.tenants = reportingUnavailability(new PostgresTenantRepository(pool));
    this.apiKeys = reportingUnavailability(new PostgresApiKeyRepository(pool));
    this.usage = reportingUnavailability(new PostgresUsageLedger(pool));
  }

  /** Connects (retrying while the server is unreachable) and applies pending migrations. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
    const location = describePostgresUrl(url);
    const pool = new Pool({
      connectionString: url,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      application_name: 'ai-gateway',
    });
    // An idle pooled connection that breaks emits 'error' on the pool: without a listener the
    // process would crash. The next query simply opens a new connection.
    pool.on('error', (error) =>
      options.logger?.warn({ err: { message: error.message } }, 'postgres connection error'),
    );
    const deadline = Date.now() + (options.connectTimeoutMs ?? 30_000);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const applied = await migratePostgres(pool, location);
        return new PostgresDatabase(pool, location, applied);
      } catch (error) {
        if (!isDatabaseUnavailable(error) || Date.now() >= deadline) {
          await pool.end().catch(() => undefined);
          throw new Error(`Cannot open ${location}: ${(error as Error).message}`, {
            cause: error,
          });
        }
        options.logger?.warn(
          { err: { message: (error as Error).message }, attempt, database: location },
          'postgres not reachable yet; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 200 * attempt)));
      }
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
