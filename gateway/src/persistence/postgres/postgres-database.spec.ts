import { Client } from 'pg';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../test/support/postgres-test-database';
import { describeRepositoryConformance } from '../../../test/support/repository-conformance';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { isDatabaseUnavailable } from '../database-unavailable';
import { PostgresDatabase } from './postgres-database';

// Runs against the real PostgreSQL on 127.0.0.1:5432, each test in a database of its own.
let database: Promise<TestDatabase> | undefined;

/** The test's database, created on first use (concurrent callers share it). */
const current = () => (database ??= createTestDatabase());

describeRepositoryConformance('postgres', {
  open: async () => PostgresDatabase.open((await current()).url, { poolMax: 3 }),
  cleanup: async () => {
    await (await database)?.drop();
    database = undefined;
  },
});

describe('PostgresDatabase', () => {
  afterEach(async () => {
    await (await database)?.drop();
    database = undefined;
  });

  it('records each migration once, under the advisory lock, in schema_migrations', async () => {
    const { url } = await current();
    const opened = await Promise.all(
      Array.from({ length: 4 }, () => PostgresDatabase.open(url, { poolMax: 2 })),
    );
    await Promise.all(opened.map((db) => db.close()));
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT version FROM schema_migrations');
      expect(rows).toEqual([{ version: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('reports an unreachable server as unavailable after its connect timeout, naming the database without credentials', async () => {
    const started = Date.now();
    const failure = await PostgresDatabase.open('postgres://gateway:secret@127.0.0.1:1/nowhere', {
      connectTimeoutMs: 300,
    }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('postgres://127.0.0.1:1/nowhere');
    expect((failure as Error).message).not.toContain('secret');
    expect(isDatabaseUnavailable((failure as Error).cause)).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('turns a lost server into 503 database_unavailable on repository calls, and recovers with it', async () => {
    const { url } = await current();
    const proxy = await TcpProxy.start(5432);
    const db = await PostgresDatabase.open(proxy.rewrite(url), { poolMax: 2 });
    try {
      expect(await db.tenants.list()).toEqual([]);
      await proxy.cut();
      await expect(db.tenants.list()).rejects.toMatchObject({
        status: 503,
        code: 'database_unavailable',
      });
      await proxy.restore();
      expect(await db.tenants.hasAny()).toBe(false);
    } finally {
      await proxy.cut();
      await db.close();
    }
  });
});
