import { z } from 'zod';
import { REQUEST_LIMITS } from './request-limits';

/**
 * Validation of `POST /v1/chat/completions` bodies. Top-level fields are checked strictly
 * (an unknown field is a 400 that names it, as OpenAI itself answers), nested provider-specific
 * structures (tool schemas, audio options…) are checked for shape and otherwise passed through.
 */

const textPart = z.object({ type: z.literal('text'), text: z.string() }).passthrough();
const imagePart = z
  .object({
    type: z.literal('image_url'),
    image_url: z
      .object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() })
      .passthrough(),
  })
  .passthrough();
const otherPart = z
  .object({ type: z.string().refine((type) => type !== 'text' && type !== 'image_url') })
  .passthrough();
const contentPart = z.union([textPart, imagePart, otherPart]);

const toolCall = z
  .object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }).passthrough(),
  })
  .passthrough();

const systemMessage = z
  .object({
    role: z.enum(['system', 'developer']),
    content: z.union([z.string(), z.array(textPart)]),
    name: z.string().optional(),
  })
  .strict();

const userMessage = z
  .object({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(contentPart).min(1)]),
    name: z.string().optional(),
  })
  .strict();

const assistantMessage = z
  .object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(textPart), z.null()]).optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).optional(),
    refusal: z.string().nullable().optional(),
    function_call: z.object({ name: z.string(), arguments: z.string() }).nullable().optional(),
    audio: z.object({ id: z.string() }).nullable().optional(),
    // What the gateway itself returns on assistant messages; clients echo it back unchanged.
    reasoning_content: z.string().nullable().optional(),
  })
  .strict();

const toolMessage = z
  .object({
    role: z.literal('tool'),
    content: z.union([z.string(), z.array(textPart)]),
    tool_call_id: z.string().min(1),
  })
  .strict();

const functionMessage = z
  .object({ role: z.literal('function'), content: z.string().nullable(), name: z.string() })
  .strict();

export const chatMessageSchema = z.discriminatedUnion('role', [
  systemMessage,
  userMessage,
  assistantMessage,
  toolMessage,
  functionMessage,
]);

const functionTool = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must match ^[a-zA-Z0-9_-]{1,64}$'),
        description: z.string().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullable().optional(),
      })
      .passthrough(),
  })
  .passthrough();

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }).passthrough(),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z
      .object({
        name: z.string().min(1),
        description: z.string().optional(),
        schema: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullable().optional(),
      })
      .passthrough(),
  }),
]);

const positiveInt = z.number().int().positive();
const modelName = z.string().min(1).max(REQUEST_LIMITS.maxModelNameLength);
const providerPin = z.string().min(1).max(REQUEST_LIMITS.maxModelNameLength);

/** OpenAI's metadata: up to 16 string pairs, keys up to 64 characters, values up to 512. */
const metadata = z
  .record(
    z.string().max(REQUEST_LIMITS.maxMetadataKeyLength),
    z.string().max(REQUEST_LIMITS.maxMetadataValueLength),
  )
  .refine((pairs) => Object.keys(pairs).length <= REQUEST_LIMITS.maxMetadataPairs, {
    message: `must have at most ${REQUEST_LIMITS.maxMetadataPairs} key-value pairs`,
  });

export const gatewayCacheOptionsSchema = z
  .object({
    ttl: z.number().int().nonnegative().optional(),
    no_store: z.boolean().optional(),
    no_cache: z.boolean().optional(),
  })
  .strict();

export const chatCompletionRequestSchema = z
  .object({
    model: modelName,
    messages: z
      .array(chatMessageSchema)
      .min(1, 'messages must contain at least one message')
      .max(REQUEST_LIMITS.maxMessages),
    frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
    presence_penalty: z.number().min(-2).max(2).nullable().optional(),
    logit_bias: z.record(z.string(), z.number()).nullable().optional(),
    logprobs: z.boolean().nullable().optional(),
    top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
    max_tokens: positiveInt.nullable().optional(),
    max_completion_tokens: positiveInt.nullable().optional(),
    n: z.number().int().min(1).max(128).nullable().optional(),
    seed: z.number().int().nullable().optional(),
    stop: z
      .union([z.string(), z.array(z.string()).max(4)])
      .nullable()
      .optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z
      .object({
        include_usage: z.boolean().optional(),
        include_obfuscation: z.boolean().optional(),
      })
      .strict()
      .nullable()
      .optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    tools: z.array(functionTool).max(128).optional(),
    tool_choice: toolChoice.optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: responseFormat.optional(),
    user: z.string().optional(),
    // Documented OpenAI fields that OpenAI-compatible upstreams understand; adapters for other
    // wire formats reject the ones they cannot honour (see each adapter's field table).
    metadata: metadata.nullable().optional(),
    store: z.boolean().nullable().optional(),
    service_tier: z.string().nullable().optional(),
    reasoning_effort: z.string().nullable().optional(),
    modalities: z.array(z.string()).nullable().optional(),
    audio: z.record(z.string(), z.unknown()).nullable().optional(),
    prediction: z.record(z.string(), z.unknown()).nullable().optional(),
    web_search_options: z.record(z.string(), z.unknown()).optional(),
    verbosity: z.string().nullable().optional(),
    prompt_cache_key: z.string().optional(),
    safety_identifier: z.string().optional(),
    functions: z.array(z.record(z.string(), z.unknown())).optional(),
    function_call: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    // Gateway-only options, removed before the request goes upstream.
    provider: providerPin.optional(),
    cache: gatewayCacheOptionsSchema.optional(),
  })
  .strict();

export const embeddingsRequestSchema = z
  .object({
    model: modelName,
    input: z.union([
      z.string(),
      z.array(z.string()).min(1).max(REQUEST_LIMITS.maxEmbeddingInputs),
      z.array(z.number().int()).min(1),
      z.array(z.array(z.number().int()).min(1)).min(1).max(REQUEST_LIMITS.maxEmbeddingInputs),
    ]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.number().int().positive().optional(),
    user: z.string().optional(),
    provider: providerPin.optional(),
  })
  .strict();

export const simpleQueryRequestSchema = z
  .object({
    prompt: z.string().min(1),
    model: modelName.optional(),
    provider: providerPin.optional(),
    max_tokens: positiveInt.optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict();
