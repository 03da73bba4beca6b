import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describeRepositoryConformance } from '../../../test/support/repository-conformance';
import { applyConnectionSettings } from './sqlite-connection-settings';
import { DEFAULT_CACHE_SIZE_KB, SqliteDatabase } from './sqlite-database';

let directory = mkdtempSync(join(tmpdir(), 'sqlite-repositories-'));
const path = () => join(directory, 'nested', 'gateway.sqlite');

describeRepositoryConformance('sqlite', {
  open: async () => new SqliteDatabase(path()),
  cleanup: async () => {
    rmSync(directory, { recursive: true, force: true });
    directory = mkdtempSync(join(tmpdir(), 'sqlite-repositories-'));
  },
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('SqliteDatabase', () => {
  it('opens the file in WAL mode with full fsync and foreign keys on', async () => {
    const database = new SqliteDatabase(path());
    await database.close();
    const raw = new BetterSqlite3(path(), { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('bounds each connection’s page cache (SQLITE_CACHE_SIZE_KB), not better-sqlite3’s 16,000 KiB', () => {
    const raw = new BetterSqlite3(':memory:');
    try {
      expect(raw.pragma('cache_size', { simple: true })).toBe(-16000);
      applyConnectionSettings(raw, 512);
      expect(raw.pragma('cache_size', { simple: true })).toBe(-512);
      applyConnectionSettings(raw, DEFAULT_CACHE_SIZE_KB);
      expect(raw.pragma('cache_size', { simple: true })).toBe(-2048);
    } finally {
      raw.close();
    }
  });

  it('refuses a file migrated by a newer gateway, naming both versions', async () => {
    await new SqliteDatabase(path()).close();
    const raw = new BetterSqlite3(path());
    raw
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(999, 'from the future', new Date().toISOString());
    raw.close();
    expect(() => new SqliteDatabase(path())).toThrow(
      /schema version 999, newer than this gateway's 1/,
    );
  });
});
