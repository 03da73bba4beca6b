import { Redis } from 'ioredis';
import {
  deleteRedisPrefix,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
} from '../../test/support/redis-test-prefix';
import { describeStoreConformance, storedResponse } from '../../test/support/store-conformance';
import { RedisCacheStore } from './redis-cache-store';
import { RedisRateLimitStore } from './redis-rate-limit-store';
import { RedisResponseStore } from './redis-response-store';
import { RedisTokenCounterStore } from './redis-token-counter-store';

// Runs against the real Redis on 127.0.0.1:6379, each test under its own key prefix.
let client: Redis;
let prefix = uniqueRedisPrefix('stores');

beforeAll(async () => {
  client = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await client.connect();
});
afterAll(() => client.quit());

describeStoreConformance('redis', {
  cache: async (maxEntries) => new RedisCacheStore(client, prefix, maxEntries),
  tokenCounters: async () => new RedisTokenCounterStore(client, prefix),
  rateLimit: async () => new RedisRateLimitStore(client, prefix),
  responses: async (maxStored = 100) => new RedisResponseStore(client, prefix, maxStored),
  cleanup: async () => {
    await deleteRedisPrefix(prefix);
    prefix = uniqueRedisPrefix('stores');
  },
});

describe('RedisResponseStore', () => {
  const keysUnder = async (under: string) => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', `${under}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    return keys.sort();
  };

  it('unlinks an evicted response with its item keys: what it keeps stays at maxStored', async () => {
    const own = uniqueRedisPrefix('responses-cap');
    try {
      const responses = new RedisResponseStore(client, own, 2);
      for (const id of ['resp_a', 'resp_b', 'resp_c', 'resp_d'])
        await responses.put('ten_1', storedResponse(id), 60);
      expect(await keysUnder(own)).toEqual([
        `${own}response-items:ten_1:fc_resp_c`,
        `${own}response-items:ten_1:fc_resp_d`,
        `${own}response-items:ten_1:msg_resp_c`,
        `${own}response-items:ten_1:msg_resp_d`,
        `${own}responses-lru`,
        `${own}responses:ten_1:resp_c`,
        `${own}responses:ten_1:resp_d`,
      ]);
      expect(await client.zcard(`${own}responses-lru`)).toBe(2);
    } finally {
      await deleteRedisPrefix(own);
    }
  });
});
