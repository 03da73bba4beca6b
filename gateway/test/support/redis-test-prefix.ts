import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteByPrefix } from '../../src/state/redis-connection';

/** The real Redis the Redis-backed tests run against. */
export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses, so runs never see each other's keys. */
export function uniqueRedisPrefix(label: string): string {
  return `test:${label}:${randomUUID()}:`;
}

/** Deletes every key under the prefix (after a test). */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await client.connect();
  try {
    await deleteByPrefix(client, prefix);
  } finally {
    client.disconnect();
  }
}
