import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import OpenAI from 'openai';
import { FakeOpenAIServer } from '@app/testing';
import { GatewayProcess } from '@app/testing/processes/gateway-process';
import { startGateway, userMessage, type RunningGateway } from './support/gateway-harness';

const MAX_BODY_BYTES = 1024 * 1024;

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * POSTs `size` bytes with `http.request` the way a plain Node client does (written in 64 KiB
 * pieces, respecting backpressure), with Content-Length or chunked. Rejects on EPIPE/ECONNRESET.
 */
function rawPost(url: string, size: number, chunked = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const piece = Buffer.alloc(64 * 1024, 'a');
    const request = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(chunked ? {} : { 'content-length': String(size) }),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (data: string) => (text += data));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    let written = 0;
    const write = () => {
      while (written < size) {
        const chunk = piece.subarray(0, Math.min(piece.length, size - written));
        written += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', write);
      }
      request.end();
    };
    write();
  });
}

/** Sends raw bytes on a TCP connection and resolves with what came back (until close). */
function rawExchange(port: number, bytes: string, halfClose = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      halfClose ? socket.end(bytes) : socket.write(bytes),
    );
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      answer += data;
      // One response is enough: end our side so a keep-alive connection closes.
      if (/\r\n\r\n[\s\S]*\}$/.test(answer)) socket.end();
    });
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve(answer);
    });
  });
}

function bodyOf(answer: string): Record<string, any> {
  return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, any>;
}

function expectOpenAIShape(json: Record<string, any>) {
  expect(Object.keys(json)).toEqual(['error']);
  expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(JSON.stringify(json)).not.toMatch(/FST_|statusCode/);
}

/**
 * Issue 11, defect 11: a separate gateway process (in-process, the client and the server share an
 * event loop and the race that resets connections never happens), driven by the real SDK and by
 * plain `http.request`, as a client on another machine would.
 */
describe('oversize bodies: every client reads the 413', () => {
  let upstream: FakeOpenAIServer;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start();
    gateway = await GatewayProcess.start({
      OPENAI_BASE_URL: upstream.baseUrl,
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    });
  });
  afterAll(async () => {
    await gateway?.kill();
    await upstream.stop();
  });

  it('the openai SDK reads the 413 for bodies up to 8 times MAX_BODY_BYTES (no EPIPE, no retry)', async () => {
    const client = new OpenAI({
      apiKey: 'sk-client',
      baseURL: `${gateway.baseUrl}/v1`,
      maxRetries: 2,
    });
    for (const multiple of [2, 4, 8, 2, 4, 8, 2, 4, 8, 2, 4, 8]) {
      const content = 'x'.repeat(multiple * MAX_BODY_BYTES);
      const error = await client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: userMessage(content) })
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
      expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('request_too_large');
    }
    expect(upstream.chatRequests).toHaveLength(0);
  }, 60_000);

  it('plain http.request reads the 413 with Connection: close, with Content-Length or chunked', async () => {
    const cases = [
      [2 * MAX_BODY_BYTES, false],
      [6 * MAX_BODY_BYTES, false],
      [3 * MAX_BODY_BYTES, true],
      [6 * MAX_BODY_BYTES, true],
    ] as const;
    for (const [size, chunked] of [...cases, ...cases, ...cases]) {
      const answer = await rawPost(`${gateway.baseUrl}/v1/chat/completions`, size, chunked);
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
      const json = JSON.parse(answer.text) as Record<string, any>;
      expectOpenAIShape(json);
      expect(json.error.code).toBe('request_too_large');
    }
  }, 60_000);
});

/** Issue 11, defect 12: framework errors, as clients see them. */
describe('the HTTP edge: framework errors in OpenAI’s shape', () => {
  let upstream: FakeOpenAIServer;
  let gateway: RunningGateway;
  let port: number;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start();
    gateway = await startGateway({
      OPENAI_BASE_URL: upstream.baseUrl,
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    });
    port = Number(new URL(gateway.baseUrl).port);
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.stop();
  });

  it('a path parameter past the router limit is an OpenAI-shaped error, not FST_ERR_MAX_PARAM_LENGTH', async () => {
    const response = await fetch(`${gateway.baseUrl}/v1/models/${'m'.repeat(300)}`);
    expect([404, 414]).toContain(response.status);
    const json = (await response.json()) as Record<string, any>;
    expectOpenAIShape(json);
    expect(json.error.message.length).toBeLessThan(200);
  });

  it('a malformed URL is a 400 in OpenAI’s shape, not FST_ERR_BAD_URL', async () => {
    const answer = await rawExchange(
      port,
      'GET /v1/models/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const json = bodyOf(answer);
    expectOpenAIShape(json);
    expect(json.error.code).toBe('invalid_url');
  });

  it('a body shorter than its Content-Length (client stops sending) is an OpenAI-shaped 400', async () => {
    const answer = await rawExchange(
      port,
      'POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"model":"x"}',
      true,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expectOpenAIShape(bodyOf(answer));
  });

  it('a request Node cannot parse gets an OpenAI-shaped 400 with Connection: close', async () => {
    const answer = await rawExchange(port, 'GARBAGE / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer.toLowerCase()).toContain('connection: close');
    expectOpenAIShape(bodyOf(answer));
  });

  it('headers too large get an OpenAI-shaped 431', async () => {
    const answer = await rawExchange(
      port,
      `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    expectOpenAIShape(bodyOf(answer));
  });

  it('a content type other than JSON is a 415 unsupported_media_type', async () => {
    const response = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<chat/>',
    });
    expect(response.status).toBe(415);
    const json = (await response.json()) as Record<string, any>;
    expectOpenAIShape(json);
    expect(json.error.code).toBe('unsupported_media_type');
  });

  it('an empty JSON body is a 400 invalid_json', async () => {
    const response = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    const json = (await response.json()) as Record<string, any>;
    expectOpenAIShape(json);
    expect(json.error.code).toBe('invalid_json');
  });

  it('a 404 for a long unknown path does not echo it in full', async () => {
    const response = await fetch(`${gateway.baseUrl}/v1/${'p'.repeat(5_000)}`);
    expect(response.status).toBe(404);
    const json = (await response.json()) as Record<string, any>;
    expectOpenAIShape(json);
    expect(json.error.message.length).toBeLessThan(200);
  });

  it('__proto__ in a body is refused, not merged', async () => {
    const response = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"__proto__":{"x":1}}',
    });
    expect(response.status).toBe(400);
    expectOpenAIShape((await response.json()) as Record<string, any>);
  });
});
