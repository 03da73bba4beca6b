import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  rawBody: string;
}

export type FakeHandler = (
  request: RecordedRequest,
  response: ServerResponse,
  incoming: IncomingMessage,
) => void | Promise<void>;

/**
 * A node:http server on 127.0.0.1 with a random port that records every request and counts
 * connections the client closed before the response ended (how tests prove upstream aborts).
 * Wire-format fakes (OpenAI, Anthropic, Gemini, …) build on it.
 */
export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests whose client went away before the response finished. */
  clientAborts = 0;
  private readonly sockets = new Set<Socket>();
  private abortWaiters: (() => void)[] = [];

  private constructor(private readonly server: Server) {}

  /**
   * Starts a server for a wire-format fake whose handler is one of its own methods: `build`
   * receives the started server and returns the fake and its handler, so no fake has to bind
   * itself late.
   */
  static async host<T>(
    build: (http: FakeHttpServer) => { fake: T; handle: FakeHandler },
    port = 0,
  ): Promise<T> {
    let handle: FakeHandler = (_request, response) => void response.destroy();
    const http = await FakeHttpServer.start(
      (request, response, incoming) => handle(request, response, incoming),
      port,
    );
    const built = build(http);
    handle = built.handle;
    return built.fake;
  }

  static async start(handler: FakeHandler, port = 0): Promise<FakeHttpServer> {
    // The handler needs the instance, which needs the server: bind it once both exist.
    const bound: { fake?: FakeHttpServer } = {};
    const server = createServer((incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: unknown = undefined;
        try {
          body = rawBody ? JSON.parse(rawBody) : undefined;
        } catch {
          body = rawBody;
        }
        const recorded: RecordedRequest = {
          method: incoming.method ?? 'GET',
          path: incoming.url ?? '/',
          headers: incoming.headers,
          body,
          rawBody,
        };
        bound.fake!.requests.push(recorded);
        response.on('close', () => {
          if (!response.writableFinished) bound.fake!.noteClientAbort();
        });
        Promise.resolve(handler(recorded, response, incoming)).catch(() => response.destroy());
      });
    });
    bound.fake = new FakeHttpServer(server);
    server.on('connection', (socket) => {
      bound.fake!.sockets.add(socket);
      socket.on('close', () => bound.fake!.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return bound.fake!;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves when the next client abort is seen (or at once if `count` were already seen). */
  waitForClientAbort(count = 1, timeoutMs = 5000): Promise<void> {
    if (this.clientAborts >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no client abort seen')), timeoutMs);
      this.abortWaiters.push(() => {
        if (this.clientAborts >= count) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private noteClientAbort(): void {
    this.clientAborts += 1;
    for (const waiter of this.abortWaiters) waiter();
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function startSse(response: ServerResponse): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.flushHeaders();
}
