import type { ThrottlerStorage } from '@nestjs/throttler';

/** What `increment` resolves with (the package does not export the type from its entry point). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

export interface RateWindow {
  hits: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

/**
 * `@nestjs/throttler` storage with a fixed window per key: the first hit starts a window of
 * `ttl` ms, every hit (allowed or not) counts, and hits beyond `limit` are blocked until the
 * window ends. Adds `peek` and `reset` for `GET/DELETE /admin/ratelimit/:id`.
 */
export interface RateLimitStore extends ThrottlerStorage {
  peek(key: string): Promise<RateWindow | undefined>;
  reset(key: string): Promise<void>;
}

/** The record `@nestjs/throttler` expects, from a window (its times are in whole seconds). */
export function toThrottlerRecord(window: RateWindow, limit: number): ThrottlerStorageRecord {
  const seconds = Math.max(1, Math.ceil(window.resetMs / 1000));
  const isBlocked = window.hits > limit;
  return {
    totalHits: window.hits,
    timeToExpire: seconds,
    isBlocked,
    timeToBlockExpire: isBlocked ? seconds : 0,
  };
}
