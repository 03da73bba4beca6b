import { z } from 'zod';

/** Response shapes of the Responses API surface (`/v1/responses`), as the gateway sends them. */

const outputItemSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('message'),
    id: z.string(),
    status: z.string(),
    role: z.literal('assistant'),
    content: z.array(
      z.union([
        z.looseObject({ type: z.literal('output_text'), text: z.string() }),
        z.looseObject({ type: z.literal('refusal'), refusal: z.string() }),
      ]),
    ),
  }),
  z.looseObject({
    type: z.literal('function_call'),
    id: z.string(),
    call_id: z.string(),
    name: z.string(),
    arguments: z.string(),
    status: z.string(),
  }),
  z.looseObject({
    type: z.literal('reasoning'),
    id: z.string(),
    summary: z.array(z.looseObject({ type: z.literal('summary_text'), text: z.string() })),
  }),
]);

export const responseObjectSchema = z.looseObject({
  id: z.string(),
  object: z.literal('response'),
  created_at: z.number().int(),
  status: z.enum(['in_progress', 'completed', 'incomplete', 'failed']),
  error: z.looseObject({ code: z.string(), message: z.string() }).nullable(),
  incomplete_details: z.looseObject({ reason: z.string() }).nullable(),
  model: z.string(),
  output: z.array(outputItemSchema),
  previous_response_id: z.string().nullable(),
  store: z.boolean(),
  metadata: z.record(z.string(), z.string()),
  usage: z
    .looseObject({
      input_tokens: z.number().int(),
      output_tokens: z.number().int(),
      total_tokens: z.number().int(),
    })
    .nullable(),
});

export const responseStreamEventSchema = z
  .looseObject({ type: z.string(), sequence_number: z.number().int() })
  .describe(
    'One event (`event: <type>`): response.created, response.in_progress, response.output_item.added, response.content_part.added, response.output_text.delta/.done, response.refusal.delta/.done, response.reasoning_summary_part.added/.done, response.reasoning_summary_text.delta/.done, response.function_call_arguments.delta/.done, response.content_part.done, response.output_item.done, response.completed / response.incomplete; after a failure response.failed and error',
  );

export const responseDeletedSchema = z.object({
  id: z.string(),
  object: z.literal('response.deleted'),
  deleted: z.literal(true),
});
