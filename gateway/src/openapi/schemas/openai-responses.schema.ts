import { z } from 'zod';

/** Response shapes of the OpenAI-compatible surface, as the gateway sends them. */

export const usageSchema = z.looseObject({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const chatCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      message: z.looseObject({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        tool_calls: z.array(toolCallSchema).optional(),
        refusal: z.string().nullable().optional(),
      }),
      finish_reason: z.string().nullable(),
    }),
  ),
  usage: usageSchema.optional(),
});

export const chatCompletionChunkSchema = z
  .looseObject({
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.number().int(),
        delta: z.looseObject({
          role: z.string().optional(),
          content: z.string().nullable().optional(),
          tool_calls: z.array(z.looseObject({ index: z.number().int() })).optional(),
        }),
        finish_reason: z.string().nullable(),
      }),
    ),
    usage: usageSchema.nullable().optional(),
  })
  .describe(
    'One `data:` event of a `stream: true` answer (text/event-stream); the stream ends with `data: [DONE]`. An error after the first chunk arrives as a final `data: {"error": …}` event.',
  );

export const embeddingsResponseSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      object: z.literal('embedding'),
      index: z.number().int(),
      embedding: z
        .union([z.array(z.number()), z.string()])
        .describe('floats, or base64 little-endian float32 with encoding_format "base64"'),
    }),
  ),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});

export const modelSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string().describe('"gateway" for route aliases, else the provider id'),
});

export const modelListSchema = z.object({ object: z.literal('list'), data: z.array(modelSchema) });

export const simpleQueryResponseSchema = z.object({
  response: z.string(),
  backend: z
    .enum(['copilot', 'cloud', 'local'])
    .describe('the tier that answered (copilot, cloud or local)'),
  provider: z.string().describe('the provider that answered (openai, ollama, anthropic, …)'),
  model: z.string(),
  state: z
    .enum(['closed', 'open', 'half_open'])
    .describe("the primary tier's circuit: the first provider of the default chain"),
  usage: usageSchema.nullable(),
});
