import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** The key a client sent: `Authorization: Bearer <key>`, or `x-api-key` (Anthropic's header). */
export function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.toLowerCase().startsWith('bearer '))
    return header.slice(7).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : undefined;
}

/**
 * Compares secrets in constant time, so response timing reveals neither a key's prefix nor its
 * length: both sides are hashed to equal length first.
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * `safeEqual` against a fixed secret (the admin key) whose digest is computed once: one hash per
 * check instead of two, on every request that presents a key.
 */
export function secretMatcher(secret: string): (candidate: string) => boolean {
  const expected = digest(secret);
  return (candidate) => timingSafeEqual(digest(candidate), expected);
}

/** One-shot `crypto.hash` (Node 20.12+): ~2× cheaper than a `createHash` object for one input. */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
