import { Redis } from 'ioredis';
import {
  deleteRedisPrefix,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
} from '../../test/support/redis-test-prefix';
import { RedisTokenCounterStore } from './redis-token-counter-store';
import { SyncedTokenCounterStore } from './synced-token-counter-store';
import type { TokenCounterStore } from './token-counter-store';

// Two replicas on the real Redis of 127.0.0.1:6379, under a key prefix of this test's own.
const SYNC_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Redis store, counting the calls that reach Redis. */
class CountedStore implements TokenCounterStore {
  adds = 0;
  reads = 0;
  failAdds = false;

  constructor(private readonly redis: RedisTokenCounterStore) {}

  add(subject: string, minute: number, tokens: number): Promise<number> {
    this.adds += 1;
    if (this.failAdds) return Promise.reject(new Error('Redis went away'));
    return this.redis.add(subject, minute, tokens);
  }

  read(subject: string, minute: number): Promise<number> {
    this.reads += 1;
    return this.redis.read(subject, minute);
  }

  reset(subject: string, minute: number): Promise<void> {
    return this.redis.reset(subject, minute);
  }
}

describe('SyncedTokenCounterStore (tokens per minute, Redis topology)', () => {
  let client: Redis;
  let prefix: string;
  const warnings: string[] = [];
  const logger = { warn: (_fields: unknown, message: string) => warnings.push(message) };

  beforeAll(async () => {
    client = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    await client.connect();
  });
  afterAll(() => client.quit());
  beforeEach(() => {
    prefix = uniqueRedisPrefix('synced-tokens');
    warnings.length = 0;
  });
  afterEach(() => deleteRedisPrefix(prefix));

  const replica = (now: () => number = Date.now) => {
    const redis = new CountedStore(new RedisTokenCounterStore(client, prefix));
    const synced = new SyncedTokenCounterStore(redis, SYNC_MS, logger as never, now);
    return { redis, synced };
  };

  it('sends the tokens of many requests in one INCRBY per counter, and sees its own at once', async () => {
    const { redis, synced } = replica();
    for (let call = 0; call < 20; call += 1) await synced.add('tenant-a', 1000, 15);
    await synced.add('tenant-b', 1000, 7);
    // Asserted before the read: the read waits on Redis, and the send's timer may fire meanwhile.
    expect(redis.adds).toBe(0);
    expect(await synced.read('tenant-a', 1000)).toBe(300);

    await sleep(SYNC_MS * 3);
    expect(redis.adds).toBe(2);
    expect(await new RedisTokenCounterStore(client, prefix).read('tenant-a', 1000)).toBe(300);
    expect(await new RedisTokenCounterStore(client, prefix).read('tenant-b', 1000)).toBe(7);
    expect(await synced.read('tenant-a', 1000)).toBe(300);
  });

  it('reads Redis at most once per interval, and sees another replica’s tokens after it', async () => {
    // The second replica's clock moves only when the test moves it: on a busy CI host the real
    // one could pass SYNC_MS between two awaits, and the read 'within the interval' would not be.
    let clock = 1_000_000;
    const first = replica();
    const second = replica(() => clock);
    expect(await second.synced.read('tenant-a', 1000)).toBe(0);
    await first.synced.add('tenant-a', 1000, 40);
    await first.synced.flush();
    // Within the interval the second replica answers from what it read.
    clock += SYNC_MS - 1;
    expect(await second.synced.read('tenant-a', 1000)).toBe(0);
    expect(second.redis.reads).toBe(1);

    clock += 1;
    expect(await second.synced.read('tenant-a', 1000)).toBe(40);
    expect(second.redis.reads).toBe(2);
    await second.synced.add('tenant-a', 1000, 2);
    expect(await second.synced.read('tenant-a', 1000)).toBe(42);
  });

  it('drops the tokens of a failed send with one warning, as a failed INCRBY did', async () => {
    const { redis, synced } = replica();
    redis.failAdds = true;
    await synced.add('tenant-a', 1000, 10);
    await synced.add('tenant-b', 1000, 10);
    await synced.flush();
    expect(warnings).toEqual(['tokens-per-minute counters not updated']);
    redis.failAdds = false;
    await sleep(SYNC_MS + 10);
    expect(await synced.read('tenant-a', 1000)).toBe(0);
  });

  it('reset forgets the minute here and in Redis', async () => {
    const { synced } = replica();
    await synced.add('tenant-a', 1000, 10);
    await synced.flush();
    await synced.reset('tenant-a', 1000);
    expect(await synced.read('tenant-a', 1000)).toBe(0);
    expect(await new RedisTokenCounterStore(client, prefix).read('tenant-a', 1000)).toBe(0);
  });
});
