import type { ServerResponse } from 'node:http';
import type { ChatCompletionChunk, OpenAIErrorBody } from '@app/contracts';

/**
 * Writes OpenAI-style server-sent events straight to the socket: one `data:` event per chunk as
 * it arrives (no buffering), `data: [DONE]` at the end, or a final `data: {"error":…}` event when
 * the stream fails after it has started.
 */
export class SseWriter {
  constructor(private readonly response: ServerResponse) {}

  open(headers: Record<string, string>): void {
    this.response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.response.flushHeaders();
  }

  get closed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  /** Resolves once the chunk is handed to the socket, waiting for drain when the client is slow. */
  async chunk(chunk: ChatCompletionChunk): Promise<void> {
    if (this.closed) return;
    if (!this.response.write(`data: ${JSON.stringify(chunk)}\n\n`)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.response.off('drain', done);
          this.response.off('close', done);
          resolve();
        };
        this.response.once('drain', done);
        this.response.once('close', done);
      });
    }
  }

  done(): void {
    if (!this.closed) this.response.end('data: [DONE]\n\n');
  }

  fail(body: OpenAIErrorBody): void {
    if (!this.closed) this.response.end(`data: ${JSON.stringify(body)}\n\n`);
  }
}
