import {
  toThrottlerRecord,
  type RateLimitStore,
  type RateWindow,
  type ThrottlerStorageRecord,
} from './rate-limit-store';

interface Window {
  hits: number;
  endsAt: number;
}

/** Fixed windows in a Map; expired windows are dropped when touched and swept now and then. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>();
  private lastSweep = Date.now();

  constructor(private readonly now: () => number = Date.now) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now)
      this.windows.set(key, (window = { hits: 0, endsAt: now + ttl }));
    window.hits += 1;
    return toThrottlerRecord({ hits: window.hits, resetMs: window.endsAt - now }, limit);
  }

  async peek(key: string): Promise<RateWindow | undefined> {
    const window = this.windows.get(key);
    const now = this.now();
    return window && window.endsAt > now
      ? { hits: window.hits, resetMs: window.endsAt - now }
      : undefined;
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  /** Keeps memory bounded by active keys: at most one full pass per minute. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
