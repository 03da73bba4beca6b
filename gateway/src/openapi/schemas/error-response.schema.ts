import { z } from 'zod';

/** OpenAI's error shape, the one every endpoint answers with. */
export const errorResponseSchema = z.object({
  error: z.looseObject({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
    attempts: z
      .array(
        z.object({
          provider: z.string(),
          model: z.string().optional(),
          reason: z.string().optional(),
          status: z.number().int().optional(),
        }),
      )
      .optional()
      .describe('502 all_providers_failed / 503 all_providers_unavailable: each attempt made'),
  }),
});

/** What each error status means on this API (used as the response description). */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `param` names the field; `code` is invalid_json, unknown_parameter, unsupported_parameter or invalid_value',
  401: 'Missing, invalid or revoked key',
  402: 'Budget exhausted (insufficient_quota)',
  403: 'The key may not use this model',
  404: 'Not found (model_not_found, tenant_not_found, collection_not_found…)',
  413: 'Body larger than MAX_BODY_BYTES',
  415: 'Body is not application/json',
  429: 'Rate limited (Retry-After, x-ratelimit-* headers)',
  502: 'Every provider tried failed (all_providers_failed, with `attempts`)',
  503: 'Every circuit is open, or a local model is unavailable',
  504: 'The request timed out',
};
