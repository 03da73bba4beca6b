import type BetterSqlite3 from 'better-sqlite3';
import { assertNotNewer, MIGRATIONS } from '../migrations';

/**
 * Applies pending migrations inside one `BEGIN IMMEDIATE` transaction: it takes SQLite's write
 * lock before reading the applied versions, so processes opening the same file at once apply
 * each migration exactly once (the others wait up to busy_timeout, then see it done).
 * Returns the versions applied now.
 */
export function migrateSqlite(connection: BetterSqlite3.Database, location: string): number[] {
  connection.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const appliedVersions = connection.prepare('SELECT version FROM schema_migrations').pluck();
  const record = connection.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applyPending = connection.transaction((): number[] => {
    const applied = appliedVersions.all() as number[];
    assertNotNewer(applied, location);
    const done = new Set(applied);
    const appliedNow: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      connection.exec(migration.sqlite);
      record.run(migration.version, migration.name, new Date().toISOString());
      appliedNow.push(migration.version);
    }
    return appliedNow;
  });
  return applyPending.immediate();
}
