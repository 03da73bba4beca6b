import type { Pool } from 'pg';
import { assertNotNewer, MIGRATIONS } from '../migrations';

/**
 * Key of the session advisory lock held while migrating: replicas starting together queue on it,
 * so the first applies the pending migrations and the others find them done. Any constant works;
 * this one is ours only by convention ("ai-gateway schema" in ASCII, cut to 63 bits).
 */
export const MIGRATION_LOCK_KEY = '7020091302730854771';

/**
 * Applies pending migrations, each in its own transaction, under the advisory lock. Returns the
 * versions applied now (empty when another replica, or an earlier boot, already did).
 */
export async function migratePostgres(pool: Pool, location: string): Promise<number[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const applied = (
        await client.query<{ version: number }>('SELECT version FROM schema_migrations')
      ).rows.map((row) => row.version);
      assertNotNewer(applied, location);
      const appliedNow: number[] = [];
      for (const migration of MIGRATIONS) {
        if (applied.includes(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.postgres);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        appliedNow.push(migration.version);
      }
      return appliedNow;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
}
