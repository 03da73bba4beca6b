import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { RecordedRequest } from './fake-http-server';

/**
 * Replays a request the front fake (Azure, Copilot) accepted against an inner OpenAI fake and
 * streams its answer back, so the wire checks live in the front and the chat logic stays in one
 * place (FakeOpenAIServer).
 */
export async function forwardRequest(
  request: RecordedRequest,
  targetUrl: string,
  response: ServerResponse,
): Promise<void> {
  let upstream: Response;
  try {
    upstream = await fetch(targetUrl, {
      method: request.method,
      headers: { 'content-type': 'application/json' },
      body: request.method === 'GET' ? undefined : request.rawBody,
    });
  } catch {
    response.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  upstream.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection')
      headers[name] = value;
  });
  response.writeHead(upstream.status, headers);
  if (!upstream.body) return void response.end();
  const body = Readable.fromWeb(
    upstream.body as import('node:stream/web').ReadableStream<Uint8Array>,
  );
  body.on('error', () => response.socket?.destroy());
  body.pipe(response);
}
