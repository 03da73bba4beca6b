import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '@app/contracts';
import { OpenAIHttpClient } from './openai-http-client';
import { AbortSource } from '@app/http';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

describe('OpenAIHttpClient transport failures', () => {
  let server: Server;
  let handler: Handler;
  let client: OpenAIHttpClient;
  const call = () => ({ abort: new AbortSource() });

  beforeAll(async () => {
    server = createServer((request, response) => handler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAIHttpClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      headers: { authorization: 'Bearer sk-test' },
      timeoutMs: 300,
    });
  });
  afterAll(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts JSON to {baseUrl}/{operation} with the configured headers', async () => {
    let seen: { url?: string; auth?: string; body?: string } = {};
    handler = (request, response) => {
      let body = '';
      request.on('data', (piece: Buffer) => (body += piece.toString()));
      request.on('end', () => {
        seen = { url: request.url, auth: request.headers.authorization, body };
        response.setHeader('content-type', 'application/json');
        response.end('{"ok":true}');
      });
    };
    await expect(client.json('chat/completions', { model: 'm' }, call())).resolves.toEqual({
      ok: true,
    });
    expect(seen).toEqual({
      url: '/v1/chat/completions',
      auth: 'Bearer sk-test',
      body: '{"model":"m"}',
    });
  });

  it("refuses a body it cannot serialize as the client's fault, without calling the upstream", async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls += 1;
      response.end('{}');
    };
    let deep: Record<string, unknown> = {};
    for (let depth = 0; depth < 100_000; depth += 1) deep = { nested: deep };
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const body of [deep, circular, { big: 1n }]) {
      await expect(client.json('chat/completions', body, call())).rejects.toMatchObject({
        kind: 'invalid_request',
        status: 400,
        retryable: false,
      });
    }
    expect(calls).toBe(0);
  });

  it('maps malformed JSON to a retryable invalid_response', async () => {
    handler = (_request, response) => response.end('{not json');
    await expect(client.json('models', undefined, call())).rejects.toMatchObject({
      kind: 'invalid_response',
      retryable: true,
    });
  });

  it('maps missing response headers to a timeout', async () => {
    handler = () => undefined; // never answers
    await expect(client.json('models', undefined, call())).rejects.toMatchObject({
      kind: 'timeout',
    });
  });

  it('keeps the upstream error object and its Retry-After', async () => {
    handler = (_request, response) => {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
      response.end('{"error":{"message":"slow down","type":"requests","code":"rate_limit"}}');
    };
    const error = (await client
      .json('models', undefined, call())
      .catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      status: 429,
      code: 'rate_limit',
      retryAfterMs: 2000,
      retryable: true,
    });
    expect(error.body).toMatchObject({ message: 'slow down' });
  });

  it('fails a stream whose upstream sends an error event after data, keeping its message', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"id":"1","choices":[]}\n\n');
      response.end('data: {"error":{"message":"overloaded","type":"server_error"}}\n\n');
    };
    const received: unknown[] = [];
    const consume = async () => {
      for await (const event of client.events('chat/completions', {}, call())) received.push(event);
    };
    // No status in a stream: a server error unless the type names another, so it stays retryable.
    await expect(consume()).rejects.toMatchObject({
      kind: 'http',
      status: 500,
      retryable: true,
      body: { message: 'overloaded', type: 'server_error' },
    });
    expect(received).toHaveLength(1);
  });

  it('gives a mid-stream invalid_request_error the 400 its type names', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(
        'event: error\ndata: {"error":{"message":"bad tool schema","type":"invalid_request_error","param":"tools"}}\n\n',
      );
    };
    const consume = async () => {
      for await (const _event of client.events('chat/completions', {}, call()));
    };
    await expect(consume()).rejects.toMatchObject({
      status: 400,
      retryable: false,
      body: { message: 'bad tool schema', param: 'tools', code: 'invalid_request_error' },
    });
  });

  it('closes the upstream response when the consumer stops early', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"n":1}\n\n');
      response.on('close', upstreamClosed); // the rest never comes
    };
    for await (const event of client.events('chat/completions', {}, call())) {
      expect(event).toEqual({ n: 1 });
      break;
    }
    await closed;
  });

  it('maps a refused connection to a retryable connection error', async () => {
    const nowhere = new OpenAIHttpClient({
      baseUrl: 'http://127.0.0.1:9/v1',
      headers: {},
      timeoutMs: 300,
    });
    await expect(nowhere.json('models', undefined, call())).rejects.toMatchObject({
      kind: 'connection',
      retryable: true,
    });
    await nowhere.close();
  });
});
