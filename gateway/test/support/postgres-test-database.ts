import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The real PostgreSQL of this machine (trust auth); tests create a database of their own on it. */
export const TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

let created = 0;

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

async function asAdmin(sql: string): Promise<void> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** `CREATE DATABASE gw_test_<pid>_<n>_<random>`: one per test (or suite), dropped afterwards. */
export async function createTestDatabase(): Promise<TestDatabase> {
  created += 1;
  const name = `gw_test_${process.pid}_${created}_${randomBytes(3).toString('hex')}`;
  await asAdmin(`CREATE DATABASE ${name}`);
  const url = TEST_POSTGRES_URL.replace(/\/postgres$/, `/${name}`);
  return { name, url, drop: () => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
