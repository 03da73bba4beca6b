import type { Redis } from 'ioredis';
import type { CacheStore } from './cache-store';
import { deleteByPrefix, orUnavailable, RedisScript } from './redis-connection';

/**
 * Stores an entry and records its use in the LRU index (a sorted set scored by Redis' clock);
 * past `max` entries, the least recently used ones are unlinked. One script: atomic across
 * replicas, one round trip.
 */
const SET = new RedisScript(`
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
local time = redis.call('TIME')
redis.call('ZADD', KEYS[2], time[1] * 1000 + math.floor(time[2] / 1000), KEYS[1])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if excess > 0 then
  local evicted = redis.call('ZPOPMIN', KEYS[2], excess)
  for index = 1, #evicted, 2 do redis.call('UNLINK', evicted[index]) end
end
`);

/** Reads an entry and, when it is there, marks it recently used. */
const GET = new RedisScript(`
local value = redis.call('GET', KEYS[1])
if value then
  local time = redis.call('TIME')
  redis.call('ZADD', KEYS[2], 'XX', time[1] * 1000 + math.floor(time[2] / 1000), KEYS[1])
end
return value
`);

/**
 * JSON values under `<prefix>cache:<key>` with Redis' own expiry, bounded by CACHE_MAX_ENTRIES
 * across every replica (least recently used evicted first), so the cache cannot grow with the
 * traffic for a whole TTL. Entries that expired leave their index member behind; as the least
 * recently used, they are the first evicted. Not Redis Cluster safe (the scripts touch keys of
 * many slots).
 */
export class RedisCacheStore<T> implements CacheStore<T> {
  private readonly prefix: string;
  private readonly index: string;

  constructor(
    private readonly client: Redis,
    keyPrefix: string,
    private readonly maxEntries: number,
  ) {
    this.prefix = `${keyPrefix}cache:`;
    this.index = `${keyPrefix}cache-lru`;
  }

  async get(key: string): Promise<T | undefined> {
    const raw = (await GET.run(this.client, [this.prefix + key, this.index], [])) as string | null;
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: T, ttlSeconds: number): Promise<void> {
    await SET.run(
      this.client,
      [this.prefix + key, this.index],
      [JSON.stringify(value), ttlSeconds, this.maxEntries],
    );
  }

  clear(): Promise<number> {
    return orUnavailable('The response cache', async () => {
      await this.client.unlink(this.index);
      return deleteByPrefix(this.client, this.prefix);
    });
  }

  size(): undefined {
    return undefined;
  }
}
