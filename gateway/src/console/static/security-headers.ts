import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The console's Content-Security-Policy: only the gateway's own scripts, styles, images and API;
 * no inline script, no eval, no framing, nothing fetched from anywhere else.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Swagger UI sets inline style attributes from its React components (and its syntax highlighter);
 * scripts stay 'self' only. The reference page holds no data and no credentials.
 */
export const DOCS_CSP = CONSOLE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

/** An onRequest hook for a scope of browser pages: CSP plus the usual hardening headers. */
export function securityHeadersHook(policy: string) {
  return async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.headers({
      'content-security-policy': policy,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    });
  };
}
