import { GatewayError } from '@app/contracts';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isRedisOutage, orUnavailable, RedisScript } from './redis-connection';
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

/**
 * RATE_LIMIT_FAIL_MODE: what a request limit does while Redis cannot count. `open` lets the
 * request through uncounted (a Redis outage must not become a gateway outage); `closed` refuses
 * it with a 503 (for deployments where an unmetered request costs more than a refused one).
 */
export type RateLimitFailMode = 'open' | 'closed';

export function rateLimiterUnavailable(): GatewayError {
  return new GatewayError(
    503,
    'Rate limits cannot be checked right now (their store does not answer); retry shortly',
    'service_unavailable',
    'rate_limiter_unavailable',
  );
}

export class RedisRateLimitStore implements RateLimitStore {
  private readonly prefix: string;
  private lastOutageLog = 0;

  constructor(
    private readonly client: Redis,
    keyPrefix: string,
    private readonly failMode: RateLimitFailMode = 'open',
    private readonly logger?: Logger,
  ) {
    this.prefix = `${keyPrefix}rl:`;
  }

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    try {
      const [hits, resetMs] = (await HIT.run(this.client, [this.prefix + key], [ttl])) as [
        number,
        number,
      ];
      return toThrottlerRecord({ hits, resetMs }, limit);
    } catch (error) {
      if (!isRedisOutage(error)) throw error;
      this.noteOutage(error as Error);
      if (this.failMode === 'closed') throw rateLimiterUnavailable();
      // Fail open: allowed, uncounted; the headers show a fresh window.
      return toThrottlerRecord({ hits: 0, resetMs: ttl }, limit);
    }
  }

  peek(key: string): Promise<RateWindow | undefined> {
    return orUnavailable('The rate limit store', async () => {
      const [[, hits], [, resetMs]] = ((await this.client
        .multi()
        .get(this.prefix + key)
        .pttl(this.prefix + key)
        .exec()) ?? []) as [[unknown, string | null], [unknown, number]];
      return hits === null || resetMs <= 0 ? undefined : { hits: Number(hits), resetMs };
    });
  }

  reset(key: string): Promise<void> {
    return orUnavailable('The rate limit store', async () => {
      await this.client.del(this.prefix + key);
    });
  }

  /** One log line per minute at most: an outage must not flood the logs at request rate. */
  private noteOutage(error: Error): void {
    const now = Date.now();
    if (now - this.lastOutageLog < 60_000) return;
    this.lastOutageLog = now;
    this.logger?.warn(
      { err: { message: error.message }, failMode: this.failMode },
      this.failMode === 'open'
        ? 'rate limits not enforced: Redis does not answer (RATE_LIMIT_FAIL_MODE=open)'
        : 'requests refused: Redis does not answer (RATE_LIMIT_FAIL_MODE=closed)',
    );
  }
}
