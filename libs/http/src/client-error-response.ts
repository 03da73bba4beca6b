import type { Socket } from 'node:net';
import type { OpenAIErrorBody } from '@app/contracts';

const REASONS: Record<number, [phrase: string, code: string, message: string]> = {
  400: ['Bad Request', 'invalid_http_request', 'The request is not valid HTTP/1.1'],
  408: ['Request Timeout', 'request_timeout', 'The request took too long to arrive'],
  431: [
    'Request Header Fields Too Large',
    'headers_too_large',
    'The request headers are larger than the server accepts',
  ],
};

function statusFor(error: NodeJS.ErrnoException): number {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (error.code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser rejects before any route sees it (a
 * malformed request line, headers too large, a request that never finished arriving) still gets
 * OpenAI's error shape, then the connection closes.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = statusFor(error);
  const [phrase, code, message] = REASONS[status];
  const body: OpenAIErrorBody = {
    error: { message, type: 'invalid_request_error', param: null, code },
  };
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${phrase}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}
