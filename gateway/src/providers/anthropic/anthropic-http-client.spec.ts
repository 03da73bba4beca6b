import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '@app/contracts';
import { AnthropicHttpClient } from './anthropic-http-client';
import { AbortSource } from '@app/http';

/** A wire-level Messages endpoint answering what each test sets, recording what it received. */
describe('AnthropicHttpClient', () => {
  let server: Server;
  let client: AnthropicHttpClient;
  let answer: (response: import('node:http').ServerResponse) => void;
  const seen: { path?: string; headers?: IncomingHttpHeaders; body?: string } = {};
  const call = () => ({
    abort: new AbortSource(),
    headers: { 'anthropic-beta': 'b1' },
  });

  beforeAll(async () => {
    server = createServer((request, response) => {
      const parts: Buffer[] = [];
      request.on('data', (part: Buffer) => parts.push(part));
      request.on('end', () => {
        Object.assign(seen, {
          path: request.url,
          headers: request.headers,
          body: Buffer.concat(parts).toString(),
        });
        answer(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new AnthropicHttpClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: 'sk-ant-test',
      timeoutMs: 5000,
    });
  });
  afterAll(async () => {
    await client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('POSTs the body to /v1/messages with the key, the default version and the call headers', async () => {
    answer = (response) => response.end('{"type":"message","id":"msg_1"}');
    const message = await client.message<{ id: string }>({ model: 'm', max_tokens: 1 }, call());
    expect(message.id).toBe('msg_1');
    expect(seen.path).toBe('/v1/messages');
    expect(seen.headers).toMatchObject({
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'b1',
      'content-type': 'application/json',
    });
    expect(JSON.parse(seen.body!)).toEqual({ model: 'm', max_tokens: 1 });
  });

  it("maps an error status with Anthropic's envelope, keeping its type, message and Retry-After", async () => {
    answer = (response) => {
      response.writeHead(429, { 'retry-after': '3', 'content-type': 'application/json' });
      response.end('{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}');
    };
    const error = (await client.message({}, call()).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_error', retryAfterMs: 3000 });
    expect(error.body).toMatchObject({ message: 'slow down', type: 'rate_limit_error' });
  });

  it('yields each event, and fails on an error event with the status its type names', async () => {
    answer = (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: message_start\ndata: {"type":"message_start"}\n\n');
      response.write('event: ping\ndata: {"type":"ping"}\n\n');
      response.end(
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"busy"}}\n\n',
      );
    };
    const types: string[] = [];
    let failure: unknown;
    try {
      for await (const event of client.events<{ type: string }>({ stream: true }, call()))
        types.push(event.type);
    } catch (error) {
      failure = error;
    }
    expect(types).toEqual(['message_start', 'ping']);
    expect(seen.headers?.accept).toBe('text/event-stream');
    expect(failure).toMatchObject({ status: 529, code: 'overloaded_error' });
  });
});
