/** A callback run once when its source aborts, with the abort's reason. */
export type AbortListener = (reason: unknown) => void;

/**
 * What aborts one piece of work: the client going away, a fired timeout, a shutdown. It does
 * what an `AbortController` does for the gateway's own code, with plain callbacks, and makes an
 * `AbortSignal` only when something asks for one (an SDK, a dispatcher).
 *
 * Written by hand because on Node 20 an `AbortController` is an `EventTarget`: creating one and
 * adding and removing a listener cost ~4.5 µs, and the request path of a chat call used two
 * (the client's and the attempt's), ~3.5% of the CPU of a request in `bench:overhead`. The
 * undici transport listens here with a callback, so an OpenAI-wire call makes no AbortSignal.
 */
export class AbortSource {
  private abortedWith: { reason: unknown } | undefined;
  private listeners: AbortListener[] | undefined;
  private controller: AbortController | undefined;

  get aborted(): boolean {
    return this.abortedWith !== undefined;
  }

  /** Why it aborted; undefined until then. */
  get reason(): unknown {
    return this.abortedWith?.reason;
  }

  /** An AbortSignal that follows this source (the same one every time), made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedWith) this.controller.abort(this.abortedWith.reason);
    }
    return this.controller.signal;
  }

  /**
   * Aborts with `reason` (an `AbortError` DOMException by default, as `AbortController` does);
   * every listener runs once, in the order they were added. A second call does nothing.
   */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.abortedWith) return;
    this.abortedWith = { reason };
    const listeners = this.listeners;
    this.listeners = undefined;
    this.controller?.abort(reason);
    if (listeners) for (const listener of listeners) listener(reason);
  }

  /** Runs `listener` when this aborts (never if it already has: check `aborted` first). */
  onAbort(listener: AbortListener): void {
    if (this.abortedWith) return;
    (this.listeners ??= []).push(listener);
  }

  /** Removes a listener added by `onAbort` (one occurrence of it). */
  offAbort(listener: AbortListener): void {
    const listeners = this.listeners;
    if (!listeners) return;
    const index = listeners.lastIndexOf(listener);
    if (index !== -1) listeners.splice(index, 1);
  }

  /** A source that aborts when `signal` does, with its reason. */
  static following(signal: AbortSignal): AbortSource {
    const source = new AbortSource();
    if (signal.aborted) source.abort(signal.reason);
    else signal.addEventListener('abort', () => source.abort(signal.reason), { once: true });
    return source;
  }
}
