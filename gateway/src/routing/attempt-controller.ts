import { ProviderError } from '@app/contracts';

export interface AttemptTimeouts {
  /** Until response headers (non-stream) or the first chunk (stream). */
  firstByteMs: number;
  /** After the first byte: until the body is read (non-stream), or between two chunks (stream). */
  idleMs: number;
}

/**
 * The AbortSignal of one upstream attempt and the timers that fire it: the client going away,
 * the request's total deadline, time to first byte, and, once the first byte is in, the idle gap
 * (a non-stream body that stalls after its headers, or a stream between chunks). Every attempt
 * gets its own timers, so a stalled provider costs one attempt's deadline, never the request's.
 * The abort reason is a `ProviderError` so adapters map a fired timer to `kind: 'timeout'`.
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
    private readonly timeouts: AttemptTimeouts,
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
    this.firstByteTimer = setTimeout(
      () =>
        this.abort(
          new ProviderError('no first byte in time', {
            kind: 'timeout',
            code: 'first_byte_timeout',
          }),
        ),
      timeouts.firstByteMs,
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get clientAborted(): boolean {
    return this.clientSignal.aborted;
  }

  /** Why the client's signal fired: a `GatewayError` when the gateway ended the request itself. */
  get clientAbortReason(): unknown {
    return this.clientSignal.reason;
  }

  /**
   * Response headers (non-stream) or the first chunk (stream) arrived: the first-byte timer stops
   * and the idle timer starts, so a body that stalls after its headers fails this attempt.
   */
  markFirstByte = (): void => {
    if (this.firstByteTimer === undefined) return;
    clearTimeout(this.firstByteTimer);
    this.firstByteTimer = undefined;
    this.touchIdle();
  };

  /**
   * The upstream accepted the work and is generating (a queued local job was picked up by a
   * worker): the first-byte timer stops and only the total deadline bounds the rest, because the
   * answer arrives whole when generation ends.
   */
  markStarted = (): void => {
    clearTimeout(this.firstByteTimer);
    this.firstByteTimer = undefined;
  };

  /** The started work went back to waiting (its worker died): time to first byte runs again. */
  markRequeued = (): void => {
    clearTimeout(this.firstByteTimer);
    this.firstByteTimer = setTimeout(
      () =>
        this.abort(
          new ProviderError('no worker restarted the job in time', {
            kind: 'timeout',
            code: 'first_byte_timeout',
          }),
        ),
      this.timeouts.firstByteMs,
    );
  };

  /** (Re)starts the idle timer; call before waiting for each stream chunk. */
  touchIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () =>
        this.abort(
          new ProviderError('upstream went idle', { kind: 'timeout', code: 'idle_timeout' }),
        ),
      this.timeouts.idleMs,
    );
  }

  /** Stops the idle timer while the consumer (a slow client) holds the stream, not the upstream. */
  pauseIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
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
    this.firstByteTimer = undefined;
    this.idleTimer = undefined;
    this.clientSignal.removeEventListener('abort', this.onClientAbort);
  }
}
