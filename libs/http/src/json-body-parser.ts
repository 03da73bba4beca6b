import type { FastifyInstance } from 'fastify';
import { jsonDepthViolation } from './json-depth-guard';

/**
 * Replaces Fastify's JSON parser with the same parser (secure-json-parse: `__proto__` and
 * `constructor.prototype` keys are refused) followed by the nesting guard, so every JSON route
 * of the app, whatever its schema or controller, refuses a body nested past the limit with a 400
 * before any code reads it. A content-type parser rather than a check in each controller: new
 * endpoints, lenient schemas and admin routes are covered without being listed.
 */
export function installJsonBodyParser(instance: FastifyInstance): void {
  const parse = instance.getDefaultJsonParser('error', 'error');
  instance.removeContentTypeParser('application/json');
  instance.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request, body, done) => {
      parse(request, body as string, (error: Error | null, value?: unknown) => {
        if (error) return done(error, undefined);
        const violation = jsonDepthViolation(value);
        if (violation) return done(violation, undefined);
        done(null, value);
      });
    },
  );
}
