import { ProviderError } from '@app/contracts';
import type { AbortSource } from '@app/http';

export interface RetryPolicyOptions {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Retry a timed-out attempt on the same provider. Off by default: a provider that did not
   * answer within its deadline is most likely down, and retrying it multiplies the outage's cost
   * for every request, so the router moves to the next target instead. @defaultValue false
   */
  retryOnTimeout?: boolean;
  /** Injected for tests. @defaultValue Math.random */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"),
 * honouring the upstream's Retry-After. A Retry-After longer than `maxDelayMs` is not waited for:
 * the router moves to the next target instead of holding the client. Timeouts are not retried
 * unless `retryOnTimeout` says so.
 */
export class RetryPolicy {
  private readonly random: () => number;

  constructor(private readonly options: RetryPolicyOptions) {
    this.random = options.random ?? Math.random;
  }

  /** Delay before retry number `retry` (1-based), or null when the error should not be retried. */
  delayBeforeRetry(error: ProviderError, retry: number): number | null {
    if (!error.retryable || retry > this.options.maxRetries) return null;
    if (error.kind === 'timeout' && !this.options.retryOnTimeout) return null;
    if (error.retryAfterMs !== undefined) {
      return error.retryAfterMs <= this.options.maxDelayMs ? error.retryAfterMs : null;
    }
    const ceiling = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (retry - 1));
    return Math.round(this.random() * ceiling);
  }
}

/** Waits `milliseconds`; rejects with the abort's reason as soon as `abort` fires. */
export function sleep(milliseconds: number, abort: AbortSource): Promise<void> {
  return new Promise((resolve, reject) => {
    if (abort.aborted) return reject(abort.reason);
    const timer = setTimeout(() => {
      abort.offAbort(onAbort);
      resolve();
    }, milliseconds);
    const onAbort = (reason: unknown) => {
      clearTimeout(timer);
      reject(reason);
    };
    abort.onAbort(onAbort);
  });
}
