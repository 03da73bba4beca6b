import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** The key a client sent: `Authorization: Bearer <key>`, or `x-api-key` (Anthropic's header). */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.toLowerCase().startsWith('bearer '))
    return header.slice(7).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : undefined;
}

/** Compares secrets in constant time, so response timing does not reveal a key's prefix. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
