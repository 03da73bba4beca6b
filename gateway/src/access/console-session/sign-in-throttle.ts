import { LRUCache } from 'lru-cache';

const WINDOW_MS = 5 * 60_000;
const MAX_FAILURES = 10;

/**
 * Slows guessing of the admin key through the sign-in form: after 10 wrong keys from one address
 * in 5 minutes, further attempts from it are refused until the window ends. Per process (a
 * replica-wide limit would need Redis for a path that sees a handful of requests a day).
 */
export class SignInThrottle {
  private readonly failures = new LRUCache<string, { count: number; since: number }>({
    max: 10_000,
    ttl: WINDOW_MS,
  });

  /** Seconds until the address may try again; 0 when it may try now. */
  retryAfterSeconds(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    if (!entry || entry.count < MAX_FAILURES) return 0;
    return Math.max(1, Math.ceil((entry.since + WINDOW_MS - now) / 1000));
  }

  recordFailure(address: string, now = Date.now()): void {
    const entry = this.failures.get(address);
    if (entry) entry.count += 1;
    else this.failures.set(address, { count: 1, since: now });
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }
}
