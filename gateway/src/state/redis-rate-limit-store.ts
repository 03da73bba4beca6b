import type { Redis } from 'ioredis';
import { RedisScript } from './redis-connection';
import {
  toThrottlerRecord,
  type RateLimitStore,
  type RateWindow,
  type ThrottlerStorageRecord,
} from './rate-limit-store';

/**
 * INCR and PEXPIRE in one script, so N gateway replicas count into one window without a
 * read-then-write race. A key left without expiry (crash between commands cannot happen inside
 * a script, but an operator's SET could) gets one.
 */
const HIT = new RedisScript(`
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {hits, ttl}
`);

export class RedisRateLimitStore implements RateLimitStore {
  private readonly prefix: string;

  constructor(
    private readonly client: Redis,
    keyPrefix: string,
  ) {
    this.prefix = `${keyPrefix}rl:`;
  }

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const [hits, resetMs] = (await HIT.run(this.client, [this.prefix + key], [ttl])) as [
      number,
      number,
    ];
    return toThrottlerRecord({ hits, resetMs }, limit);
  }

  async peek(key: string): Promise<RateWindow | undefined> {
    const [[, hits], [, resetMs]] = ((await this.client
      .multi()
      .get(this.prefix + key)
      .pttl(this.prefix + key)
      .exec()) ?? []) as [[unknown, string | null], [unknown, number]];
    return hits === null || resetMs <= 0 ? undefined : { hits: Number(hits), resetMs };
  }

  async reset(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }
}
