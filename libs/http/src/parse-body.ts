import type { z } from 'zod';
import { GatewayError, gatewayErrorFromZod } from '@app/contracts';

/** Validates a JSON body against a zod schema; a non-object body or a schema miss is a 400. */
export function parseBody<T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw GatewayError.invalidRequest(
      'The request body must be a JSON object',
      null,
      'invalid_body',
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw gatewayErrorFromZod(parsed.error);
  return parsed.data;
}
