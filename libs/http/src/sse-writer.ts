import type { ServerResponse } from 'node:http';
import type { ChatCompletionChunk, OpenAIErrorBody } from '@app/contracts';

/**
 * Writes OpenAI-style server-sent events straight to the socket: one `data:` event per chunk as
 * it arrives (no buffering), `data: [DONE]` at the end, or a final `data: {"error":…}` event when
 * the stream fails after it has started. Dialects with named events (Anthropic's `event:
 * message_start` …) use `event()` and `end()`.
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
  chunk(chunk: ChatCompletionChunk): Promise<void> {
    return this.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  /** A named event (`event: <name>` then its JSON data), written like chunks. */
  event(name: string, data: unknown): Promise<void> {
    return this.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends the stream without OpenAI's `[DONE]` sentinel, for dialects that have none. */
  end(): void {
    if (!this.closed) this.response.end();
  }

  private async write(text: string): Promise<void> {
    if (this.closed) return;
    if (!this.response.write(text)) {
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
