/**
 * Puts the calling thread under Linux's SCHED_BATCH policy: the scheduler never lets it preempt
 * a running thread when it wakes, but gives it its full share of the CPU otherwise (its nice
 * value is unchanged). For the usage-append thread, a batch job next to the event loop: waking it
 * (`postMessage`) on the core the event loop runs on let the kernel switch to it at once, and
 * the event loop stood still while it parsed and inserted its batch (measured with the gateway on
 * one core at 5,000 requests a second: 1.3–1.6 ms per `postMessage` on average, up to 5.9 ms, ten
 * to fifteen batches a second; with a bare worker thread on Linux 6.18: 1,003 µs against 60 µs
 * under SCHED_BATCH). A lower nice value is not the same: nice 10 still preempted (707 µs), and
 * nice 19 would starve the ledger when the event loop saturates the core.
 *
 * Node has no binding for sched_setscheduler(2), so util-linux's `chrt` sets it on this thread's
 * id (`/proc/thread-self`; a thread id, so the process's other threads keep theirs), once, when
 * the thread starts. Without `chrt` or `/proc` (not Linux), the thread keeps the default policy.
 *
 * SELF-CONTAINED ON PURPOSE: shipped to the thread as source text, like `createUsageAppender`.
 */
/* istanbul ignore next */
export function scheduleThreadAsBatch(): void {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- runs in an eval'd worker: no imports */
    const { readlinkSync } = require('node:fs') as typeof import('node:fs');
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return;
    execFileSync('chrt', ['--batch', '--pid', '0', String(threadId)], {
      stdio: 'ignore',
      timeout: 5_000,
    });
  } catch {
    // Not Linux, or no chrt: the thread keeps the default policy.
  }
}
