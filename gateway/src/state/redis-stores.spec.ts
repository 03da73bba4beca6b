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

describe('RedisRateLimitStore', () => {
  it("counts one turn's hits on a key with one script call, in arrival order", async () => {
    const own = uniqueRedisPrefix('rate-turn');
    const calls = jest.spyOn(client, 'evalsha');
    try {
      const limits = new RedisRateLimitStore(client, own);
      const turn = await Promise.all(
        Array.from({ length: 6 }, () => limits.increment('t', 60_000, 4)),
      );
      expect(calls).toHaveBeenCalledTimes(1);
      expect(turn.map((record) => record.totalHits)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(turn.map((record) => record.isBlocked)).toEqual([
        false,
        false,
        false,
        false,
        true,
        true,
      ]);
      // Two keys in one turn: one call each; a later turn continues the window.
      const [other, next] = await Promise.all([
        limits.increment('u', 60_000, 4),
        limits.increment('t', 60_000, 4),
      ]);
      expect(calls).toHaveBeenCalledTimes(3);
      expect([other.totalHits, next.totalHits]).toEqual([1, 7]);
      expect(await client.pttl(`${own}rl:t`)).toBeGreaterThan(59_000);
    } finally {
      calls.mockRestore();
      await deleteRedisPrefix(own);
    }
  });

  it("two replicas' turns on one key never answer the same total", async () => {
    const own = uniqueRedisPrefix('rate-replicas');
    try {
      const [a, b] = [new RedisRateLimitStore(client, own), new RedisRateLimitStore(client, own)];
      const records = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 ? a : b).increment('shared', 60_000, 100),
        ),
      );
      expect(records.map((record) => record.totalHits).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 10 }, (_, index) => index + 1),
      );
    } finally {
      await deleteRedisPrefix(own);
    }
  });
});
