import { z } from 'zod';

/** Response shapes of the Anthropic Messages surface, as the gateway sends them. */

const usageSchema = z.looseObject({
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cache_creation_input_tokens: z.number().int().nullable().optional(),
  cache_read_input_tokens: z.number().int().nullable().optional(),
});

const contentBlockSchema = z
  .looseObject({ type: z.string() })
  .describe(
    '`text` {text}, `thinking` {thinking, signature}, `redacted_thinking` {data}, `tool_use` {id, name, input}; Anthropic targets may add their own (server tool results…)',
  );

export const anthropicMessageSchema = z.looseObject({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string(),
  content: z.array(contentBlockSchema),
  stop_reason: z.string().nullable(),
  stop_sequence: z.string().nullable(),
  usage: usageSchema,
});

export const anthropicStreamEventSchema = z
  .looseObject({
    type: z.enum([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
      'ping',
      'error',
    ]),
  })
  .describe(
    'One event per SSE message, named by `event:` as its `type`: message_start, content_block_start/delta (text_delta, input_json_delta, thinking_delta, signature_delta)/stop, message_delta (stop_reason, usage), message_stop; ping keep-alives; error when a started stream fails',
  );

export const anthropicTokenCountSchema = z.looseObject({ input_tokens: z.number().int() });

export const anthropicErrorResponseSchema = z.object({
  type: z.literal('error'),
  error: z.object({
    type: z
      .string()
      .describe(
        'invalid_request_error 400, authentication_error 401, billing_error 402, permission_error 403, not_found_error 404, request_too_large 413, rate_limit_error 429, api_error 500/502, overloaded_error 503/529, timeout_error 504',
      ),
    message: z.string(),
  }),
});
