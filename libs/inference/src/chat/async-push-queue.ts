/**
 * Turns callbacks (node-llama-cpp's `onTextChunk`) into an async iterable: the producer pushes,
 * then ends or fails; the consumer iterates at its own pace. Single consumer.
 */
export class AsyncPushQueue<T> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private ended = false;
  private failure: { reason: unknown } | undefined;
  private wakeConsumer: (() => void) | undefined;

  push(item: T): void {
    if (this.ended) return;
    this.buffered.push(item);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(reason: unknown): void {
    this.failure = { reason };
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.buffered.length > 0) {
        yield this.buffered.shift() as T;
        continue;
      }
      if (this.failure) throw this.failure.reason;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
  }

  private wake(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = undefined;
    wake?.();
  }
}
