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
 * INCRBY and PEXPIRE in one script, so N gateway replicas count into one window without a
 * read-then-write race. ARGV[2] hits at once (a turn's coalesced hits, below); the key is new when
 * the total is exactly that. A key left without expiry (crash between commands cannot happen
 * inside a script, but an operator's SET could) gets one.
 */
const HIT = new RedisScript(`
local hits = redis.call('INCRBY', KEYS[1], ARGV[2])
if hits == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
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

interface Waiter {
  limit: number;
  resolve: (record: ThrottlerStorageRecord) => void;
  reject: (error: unknown) => void;
}

/** The hits on one key (and window length) in one event-loop turn. */
interface PendingHits {
  key: string;
  ttl: number;
  waiters: Waiter[];
}

/**
 * Hits on a key arriving in the same event-loop turn are counted with one script call: INCRBY n
 * returns the window's new total T, and the turn's hits take the totals T-n+1 … T in the order
 * they arrived, exactly what n separate INCRs would have answered (Redis applies each call
 * atomically, so no other replica's hit falls between them). Under load one turn holds the hits
 * of many connections (one epoll wake-up reads them all), and each Redis command on loopback
 * costs a write syscall that wakes Redis: at saturation that write was half of what the Redis
 * topology added per request. The batch closes on `setImmediate`, right after the poll phase that
 * read the requests, so a lone request waits for no other. Written by hand: ioredis's
 * auto-pipelining batches on the same schedule but still sends one command per hit, and its
 * per-batch pipeline objects cost full GCs (README → Performance, thirteenth round).
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly prefix: string;
  private lastOutageLog = 0;
  private pending = new Map<string, PendingHits>();

  constructor(
    private readonly client: Redis,
    keyPrefix: string,
    private readonly failMode: RateLimitFailMode = 'open',
    private readonly logger?: Logger,
  ) {
    this.prefix = `${keyPrefix}rl:`;
  }

  increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) setImmediate(this.flush);
      const id = `${ttl}:${key}`;
      let hits = this.pending.get(id);
      if (!hits) this.pending.set(id, (hits = { key, ttl, waiters: [] }));
      hits.waiters.push({ limit, resolve, reject });
    });
  }

  private readonly flush = (): void => {
    const turn = this.pending;
    this.pending = new Map();
    for (const hits of turn.values()) void this.count(hits);
  };

  private async count({ key, ttl, waiters }: PendingHits): Promise<void> {
    try {
      const [total, resetMs] = (await HIT.run(
        this.client,
        [this.prefix + key],
        [ttl, waiters.length],
      )) as [number, number];
      const before = total - waiters.length;
      for (let index = 0; index < waiters.length; index += 1) {
        const { limit, resolve } = waiters[index];
        resolve(toThrottlerRecord({ hits: before + index + 1, resetMs }, limit));
      }
    } catch (error) {
      const outage = isRedisOutage(error);
      if (outage) this.noteOutage(error as Error);
      for (const { limit, resolve, reject } of waiters) {
        if (!outage) reject(error);
        else if (this.failMode === 'closed') reject(rateLimiterUnavailable());
        // Fail open: allowed, uncounted; the headers show a fresh window.
        else resolve(toThrottlerRecord({ hits: 0, resetMs: ttl }, limit));
      }
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
