import type BetterSqlite3 from 'better-sqlite3';

/**
 * The settings every connection to the gateway's SQLite file runs with: WAL (readers and the one
 * writer proceed together, and several connections or processes share the file), synchronous=FULL
 * (every commit is fsynced: an acknowledged write survives a crash or power loss), foreign keys,
 * and a page cache of `cacheSizeKb` KiB (a negative cache_size is KiB, a positive one pages).
 * One copy for the main connection and the usage-append thread's own, so they cannot drift.
 *
 * SELF-CONTAINED ON PURPOSE, like `createUsageAppender`: the append thread evaluates this
 * function's source text, so it may use only its parameter (no imports, no module-level names).
 */
/* istanbul ignore next */
export function applyConnectionSettings(
  connection: BetterSqlite3.Database,
  cacheSizeKb: number,
): void {
  connection.pragma('journal_mode = WAL');
  connection.pragma(`cache_size = -${Math.trunc(cacheSizeKb)}`);
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
}
