interface Waiter<T> {
  resolve: (item: T) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort: () => void;
}

/**
 * A fixed set of reusable items (context sequences) handed out one request at a time; requests
 * beyond the pool's size wait in FIFO order, and stop waiting when their signal aborts.
 */
export class ResourcePool<T> {
  private readonly idle: T[];
  private readonly waiters: Waiter<T>[] = [];

  constructor(items: T[]) {
    this.idle = [...items];
  }

  /** Requests waiting for an item. */
  get waiting(): number {
    return this.waiters.length;
  }

  acquire(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const item = this.idle.pop();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(item: T): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.idle.push(item);
      return;
    }
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(item);
  }

  /** Fails every waiting request (used on close). */
  rejectWaiting(reason: unknown): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }
}
