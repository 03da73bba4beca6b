import { ProviderError } from '@app/contracts';

/**
 * The AbortSignal of one upstream attempt and the timers that fire it: the client going away,
 * the total deadline, time to first byte, and the idle gap between stream chunks. The abort
 * reason is a `ProviderError` so adapters map a fired timer to `kind: 'timeout'`.
 */
export class AttemptController {
  private readonly controller = new AbortController();
  private firstByteTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly deadlineTimer: NodeJS.Timeout;
  private readonly onClientAbort = () =>
    this.abort(new ProviderError('client disconnected', { kind: 'aborted' }));

  constructor(
    private readonly clientSignal: AbortSignal,
    deadline: number,
  ) {
    if (clientSignal.aborted) this.onClientAbort();
    else clientSignal.addEventListener('abort', this.onClientAbort, { once: true });
    this.deadlineTimer = setTimeout(
      () =>
        this.abort(
          new ProviderError('request timed out', { kind: 'timeout', code: 'total_timeout' }),
        ),
      Math.max(0, deadline - Date.now()),
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get clientAborted(): boolean {
    return this.clientSignal.aborted;
  }

  armFirstByte(timeoutMs: number): void {
    this.firstByteTimer = setTimeout(
      () =>
        this.abort(
          new ProviderError('no first byte in time', {
            kind: 'timeout',
            code: 'first_byte_timeout',
          }),
        ),
      timeoutMs,
    );
  }

  /** Called when response headers (non-stream) or the first chunk (stream) arrive. */
  markFirstByte = (): void => {
    clearTimeout(this.firstByteTimer);
    this.firstByteTimer = undefined;
  };

  /** (Re)starts the idle timer; call on every chunk. */
  touchIdle(timeoutMs: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () =>
        this.abort(
          new ProviderError('stream went idle', { kind: 'timeout', code: 'idle_timeout' }),
        ),
      timeoutMs,
    );
  }

  abort(reason: ProviderError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** The reason this attempt was aborted, if it was. */
  get abortReason(): ProviderError | undefined {
    const reason: unknown = this.controller.signal.aborted
      ? this.controller.signal.reason
      : undefined;
    return reason instanceof ProviderError ? reason : undefined;
  }

  dispose(): void {
    clearTimeout(this.firstByteTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.deadlineTimer);
    this.clientSignal.removeEventListener('abort', this.onClientAbort);
  }
}
