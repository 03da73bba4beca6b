/**
 * Fakes only `Date` (timers, microtasks and I/O stay real), so a spec's short TTLs and intervals
 * age only when it calls `elapse`: on the real clock a busy CI host can pass a 50 ms window
 * between two awaits, and what a test expects still fresh would not be. Pair with
 * `jest.useRealTimers()` in an `afterEach`.
 */
export function useFakeDate(now = Date.now()): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
    now,
  });
}

/** Moves the faked `Date` on by `ms`. */
export function elapse(ms: number): void {
  jest.setSystemTime(Date.now() + ms);
}
