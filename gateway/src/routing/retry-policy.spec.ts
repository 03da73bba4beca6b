import { ProviderError } from '@app/contracts';
import { RetryPolicy } from './retry-policy';

const http = (status: number, retryAfterMs?: number) =>
  new ProviderError('x', { kind: 'http', status, retryAfterMs });

describe('RetryPolicy', () => {
  const policy = new RetryPolicy({
    maxRetries: 2,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    random: () => 1,
    retryOnTimeout: true,
  });

  it('retries 429, 5xx, timeouts and connection errors with exponential backoff', () => {
    expect(policy.delayBeforeRetry(http(500), 1)).toBe(100);
    expect(policy.delayBeforeRetry(http(503), 2)).toBe(200);
    expect(policy.delayBeforeRetry(new ProviderError('t', { kind: 'timeout' }), 1)).toBe(100);
    expect(policy.delayBeforeRetry(new ProviderError('c', { kind: 'connection' }), 1)).toBe(100);
  });

  it('stops after maxRetries', () => {
    expect(policy.delayBeforeRetry(http(500), 3)).toBeNull();
  });

  it('does not retry other 4xx', () => {
    for (const status of [400, 401, 403, 404, 422])
      expect(policy.delayBeforeRetry(http(status), 1)).toBeNull();
  });

  it('waits exactly Retry-After when it is short, and gives up on the target when it is long', () => {
    expect(policy.delayBeforeRetry(http(429, 700), 1)).toBe(700);
    expect(policy.delayBeforeRetry(http(429, 5000), 1)).toBeNull();
  });

  it('caps the backoff at maxDelayMs and applies full jitter', () => {
    const jittered = new RetryPolicy({
      maxRetries: 10,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.5,
    });
    expect(jittered.delayBeforeRetry(http(500), 8)).toBe(500);
  });

  it('parses Retry-After as seconds, as an HTTP date and as retry-after-ms', () => {
    const headers = (values: Record<string, string>) => ({
      get: (name: string) => values[name] ?? null,
    });
    expect(ProviderError.parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(ProviderError.parseRetryAfter(headers({ 'retry-after-ms': '150' }))).toBe(150);
    const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
    expect(ProviderError.parseRetryAfter(headers({ 'retry-after': inTwoSeconds }))).toBeGreaterThan(
      500,
    );
    expect(ProviderError.parseRetryAfter(headers({}))).toBeUndefined();
  });

  it('moves on instead of retrying a timeout unless retryOnTimeout is set', () => {
    const timeout = new ProviderError('t', { kind: 'timeout' });
    const strict = new RetryPolicy({ maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1000 });
    expect(strict.delayBeforeRetry(timeout, 1)).toBeNull();
    expect(strict.delayBeforeRetry(http(503), 1)).not.toBeNull();
    expect(policy.delayBeforeRetry(timeout, 1)).toBe(100);
  });
});
