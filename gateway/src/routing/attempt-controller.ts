import { ProviderError } from '@app/contracts';
import { AbortSource } from '@app/http';

export interface AttemptTimeouts {
  /** Until response headers (non-stream) or the first chunk (stream). */
  firstByteMs: number;
  /** After the first byte: until the body is read (non-stream), or between two chunks (stream). */
  idleMs: number;
}

/**
 * The abort source of one upstream attempt and the timers that fire it: the client going away,
 * the request's total deadline, time to first byte, and, once the first byte is in, the idle gap
 * (a non-stream body that stalls after its headers, or a stream between chunks). Every attempt
 * gets its own timers, so a stalled provider costs one attempt's deadline, never the request's.
 * The abort reason is a `ProviderError` so adapters map a fired timer to `kind: 'timeout'`.
 *
 * The three deadlines share one Node timer, armed for the earliest of them: moving a deadline
 * later (the idle gap restarted on every stream chunk, the first byte arriving) only updates a
 * number, and the timer, when it fires early, re-arms itself for what is then due. A request
 * costs one timer instead of three created and two cleared per attempt (and one per chunk).
 */
export class AttemptController {
  /** Fires this attempt; transports listen to it, SDKs get its `signal`. */
  readonly source = new AbortSource();
  /** The request's deadline (Date.now() time); first byte and idle below, undefined when off. */
  private readonly deadline: number;
  private firstByteDue: number | undefined;
  private idleDue: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** When `timer` fires; Infinity when none is armed. */
  private timerDue = Infinity;
  private disposed = false;
  /** A started job went back to waiting: a first-byte timeout then says so. */
  private requeued = false;
  private readonly onClientAbort = () =>
    this.abort(new ProviderError('client disconnected', { kind: 'aborted' }));
  private readonly onTimer = () => this.timerFired();

  constructor(
    private readonly client: AbortSource,
    deadline: number,
    private readonly timeouts: AttemptTimeouts,
  ) {
    if (client.aborted) this.onClientAbort();
    else client.onAbort(this.onClientAbort);
    this.deadline = deadline;
    this.firstByteDue = Date.now() + timeouts.firstByteMs;
    this.arm();
  }

  get clientAborted(): boolean {
    return this.client.aborted;
  }

  /** Why the client's source fired: a `GatewayError` when the gateway ended the request itself. */
  get clientAbortReason(): unknown {
    return this.client.reason;
  }

  /**
   * Response headers (non-stream) or the first chunk (stream) arrived: the first-byte timer stops
   * and the idle timer starts, so a body that stalls after its headers fails this attempt.
   */
  markFirstByte = (): void => {
    if (this.firstByteDue === undefined) return;
    this.firstByteDue = undefined;
    this.touchIdle();
  };

  /**
   * The upstream accepted the work and is generating (a queued local job was picked up by a
   * worker): the first-byte timer stops and only the total deadline bounds the rest, because the
   * answer arrives whole when generation ends.
   */
  markStarted = (): void => {
    this.firstByteDue = undefined;
  };

  /** The started work went back to waiting (its worker died): time to first byte runs again. */
  markRequeued = (): void => {
    this.requeued = true;
    this.firstByteDue = Date.now() + this.timeouts.firstByteMs;
    this.arm();
  };

  /** (Re)starts the idle timer; call before waiting for each stream chunk. */
  touchIdle(): void {
    this.idleDue = Date.now() + this.timeouts.idleMs;
    this.arm();
  }

  /** Stops the idle timer while the consumer (a slow client) holds the stream, not the upstream. */
  pauseIdle(): void {
    this.idleDue = undefined;
  }

  abort(reason: ProviderError): void {
    this.source.abort(reason);
  }

  /** The reason this attempt was aborted, if it was. */
  get abortReason(): ProviderError | undefined {
    const reason = this.source.reason;
    return reason instanceof ProviderError ? reason : undefined;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
    this.firstByteDue = undefined;
    this.idleDue = undefined;
    this.client.offAbort(this.onClientAbort);
  }

  /** Arms the timer for the earliest deadline, unless it already fires no later than that. */
  private arm(): void {
    if (this.disposed || this.source.aborted) return;
    const due = Math.min(this.deadline, this.firstByteDue ?? Infinity, this.idleDue ?? Infinity);
    if (this.timer !== undefined && this.timerDue <= due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(this.onTimer, Math.max(0, due - Date.now()));
  }

  /** Aborts with the reason of the earliest deadline that has passed, or re-arms for the next. */
  private timerFired(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    if (this.disposed) return;
    const now = Date.now();
    const expired = [
      { due: this.deadline, error: totalTimeout },
      { due: this.firstByteDue, error: this.requeued ? requeueTimeout : firstByteTimeout },
      { due: this.idleDue, error: idleTimeout },
    ]
      .filter(
        (entry): entry is { due: number; error: () => ProviderError } =>
          entry.due !== undefined && entry.due <= now,
      )
      .sort((a, b) => a.due - b.due)[0];
    if (expired) this.abort(expired.error());
    else this.arm();
  }
}

const totalTimeout = () =>
  new ProviderError('request timed out', { kind: 'timeout', code: 'total_timeout' });
const firstByteTimeout = () =>
  new ProviderError('no first byte in time', { kind: 'timeout', code: 'first_byte_timeout' });
const requeueTimeout = () =>
  new ProviderError('no worker restarted the job in time', {
    kind: 'timeout',
    code: 'first_byte_timeout',
  });
const idleTimeout = () =>
  new ProviderError('upstream went idle', { kind: 'timeout', code: 'idle_timeout' });
