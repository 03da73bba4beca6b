import { Redis } from 'ioredis';
import {
  deleteRedisPrefix,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
} from '../../test/support/redis-test-prefix';
import { describeStoreConformance } from '../../test/support/store-conformance';
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
  responses: async () => new RedisResponseStore(client, prefix),
  cleanup: async () => {
    await deleteRedisPrefix(prefix);
    prefix = uniqueRedisPrefix('stores');
  },
});
