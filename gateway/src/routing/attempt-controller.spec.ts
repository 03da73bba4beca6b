import { AbortSource } from '@app/http';
import { AttemptController } from './attempt-controller';

const TIMEOUTS = { firstByteMs: 1_000, idleMs: 500 };

/** The attempt's abort reason as `code: message`, or undefined while it runs. */
function reasonOf(attempt: AttemptController): string | undefined {
  const reason = attempt.abortReason;
  return reason ? `${reason.code ?? reason.kind}: ${reason.message}` : undefined;
}

describe('AttemptController (one timer for the deadline, first byte and idle gap)', () => {
  let client: AbortSource;

  beforeEach(() => {
    jest.useFakeTimers();
    client = new AbortSource();
  });

  afterEach(() => jest.useRealTimers());

  const start = (deadlineInMs = 10_000) =>
    new AttemptController(client, Date.now() + deadlineInMs, TIMEOUTS);

  it('fails with first_byte_timeout when nothing arrives in time', () => {
    const attempt = start();
    jest.advanceTimersByTime(999);
    expect(attempt.source.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(reasonOf(attempt)).toBe('first_byte_timeout: no first byte in time');
  });

  it('after the first byte, fails only when the idle gap passes, restarted by each chunk', () => {
    const attempt = start();
    jest.advanceTimersByTime(900);
    attempt.markFirstByte();
    jest.advanceTimersByTime(400);
    attempt.touchIdle();
    jest.advanceTimersByTime(400);
    expect(attempt.source.aborted).toBe(false);
    jest.advanceTimersByTime(100);
    expect(reasonOf(attempt)).toBe('idle_timeout: upstream went idle');
  });

  it('does not time out while the idle timer is paused; the deadline still holds', () => {
    const attempt = start(3_000);
    attempt.markFirstByte();
    attempt.pauseIdle();
    jest.advanceTimersByTime(2_999);
    expect(attempt.source.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(reasonOf(attempt)).toBe('total_timeout: request timed out');
  });

  it('a deadline sooner than the first-byte timeout wins', () => {
    const attempt = start(300);
    jest.advanceTimersByTime(300);
    expect(reasonOf(attempt)).toBe('total_timeout: request timed out');
  });

  it('a started job is bounded by the deadline only; a requeued one gets a first-byte timer again', () => {
    const attempt = start(5_000);
    attempt.markStarted();
    jest.advanceTimersByTime(2_000);
    expect(attempt.source.aborted).toBe(false);
    attempt.markRequeued();
    jest.advanceTimersByTime(1_000);
    expect(reasonOf(attempt)).toBe('first_byte_timeout: no worker restarted the job in time');
  });

  it('aborts when the client goes away, and fires nothing once disposed', () => {
    const gone = start();
    client.abort();
    expect(gone.abortReason?.kind).toBe('aborted');

    client = new AbortSource();
    const done = start();
    done.markFirstByte();
    done.dispose();
    jest.advanceTimersByTime(20_000);
    client.abort();
    expect(done.source.aborted).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives SDKs an AbortSignal that follows the attempt, made only when asked for', () => {
    const early = start();
    const signal = early.source.signal;
    expect(signal.aborted).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(early.abortReason);

    const late = start();
    jest.advanceTimersByTime(1_000);
    expect(late.source.signal.aborted).toBe(true);
    expect(late.source.signal.reason).toMatchObject({ code: 'first_byte_timeout' });
  });
});
