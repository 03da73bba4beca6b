/**
 * Runs tasks one at a time per key, in arrival order; different keys run concurrently. In-process
 * only: across processes, `FileLock` serializes writers (this mutex first, so a process never
 * polls a lock file it holds itself).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      // Forget the key once nothing queued after us, so the map does not grow with every name.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
