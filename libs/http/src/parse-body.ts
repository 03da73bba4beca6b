import type { z } from 'zod';
import { GatewayError, gatewayErrorFromZod } from '@app/contracts';

/**
 * Validates a JSON body against a zod schema; a non-object body or a schema miss is a 400.
 * `provenValid`, when given, answers true only for bodies the schema would accept unchanged
 * (e.g. `isCommonChatRequest`): those skip the schema and are returned as they are.
 */
export function parseBody<T extends z.ZodTypeAny>(
  schema: T,
  body: unknown,
  provenValid?: (body: Record<string, unknown>) => boolean,
): z.infer<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw GatewayError.invalidRequest(
      'The request body must be a JSON object',
      null,
      'invalid_body',
    );
  }
  if (provenValid?.(body as Record<string, unknown>)) return body as z.infer<T>;
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw gatewayErrorFromZod(parsed.error);
  return parsed.data;
}
