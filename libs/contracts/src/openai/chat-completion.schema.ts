import { z } from 'zod';
import { REQUEST_LIMITS } from './request-limits';

/**
 * Validation of `POST /v1/chat/completions` bodies, as lenient as OpenAI itself: every message
 * field and content part of the current API (and what the SDKs put on the messages they hand
 * back, so a client can echo them), and every top-level parameter. A top-level field the gateway
 * does not know is kept, not refused: OpenAI-wire upstreams receive it unchanged and judge it,
 * translating adapters treat it as a field they cannot honour (see `field-support.ts`), so it is
 * never dropped. Known fields keep their types and OpenAI's limits; gateway-only fields
 * (`provider`, `cache`) never go upstream.
 */

const textPart = z.object({ type: z.literal('text'), text: z.string() }).loose();
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() }).loose();
const imagePart = z
  .object({
    type: z.literal('image_url'),
    image_url: z
      .object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() })
      .loose(),
  })
  .loose();
const inputAudioPart = z
  .object({
    type: z.literal('input_audio'),
    input_audio: z.object({ data: z.string(), format: z.string() }).loose(),
  })
  .loose();
const filePart = z
  .object({
    type: z.literal('file'),
    file: z
      .object({
        file_data: z.string().optional(),
        file_id: z.string().optional(),
        filename: z.string().optional(),
      })
      .loose(),
  })
  .loose();
const KNOWN_PART_TYPES = new Set(['text', 'refusal', 'image_url', 'input_audio', 'file']);
/** A part type newer than this schema: OpenAI-wire upstreams judge it, translators reject it. */
const otherPart = z
  .object({ type: z.string().refine((type) => !KNOWN_PART_TYPES.has(type)) })
  .loose();
const userContentPart = z.union([textPart, imagePart, inputAudioPart, filePart, otherPart]);

const functionToolCall = z
  .object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }).loose(),
  })
  .loose();
const customToolCall = z
  .object({
    id: z.string(),
    type: z.literal('custom'),
    custom: z.object({ name: z.string(), input: z.string() }).loose(),
  })
  .loose();
const toolCall = z.discriminatedUnion('type', [functionToolCall, customToolCall]);

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
    content: z.union([z.string(), z.array(userContentPart).min(1)]),
    name: z.string().optional(),
  })
  .strict();

const assistantMessage = z
  .object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.union([textPart, refusalPart])), z.null()]).optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).nullable().optional(),
    refusal: z.string().nullable().optional(),
    function_call: z.object({ name: z.string(), arguments: z.string() }).nullable().optional(),
    // Input takes `{id}`; the SDKs echo the whole output object (data, transcript, expires_at).
    audio: z.object({ id: z.string() }).loose().nullable().optional(),
    // What a completion's message carries and clients push back unchanged: OpenAI's URL
    // citations, the SDK's `parsed` (from `.parse()` / `stream().finalChatCompletion()`), the
    // gateway's own `reasoning_content`. Outputs of an earlier turn, not instructions.
    annotations: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
    parsed: z.unknown().optional(),
    reasoning_content: z.string().nullable().optional(),
  })
  .strict();

const toolMessage = z
  .object({
    role: z.literal('tool'),
    content: z.union([z.string(), z.array(textPart)]),
    tool_call_id: z.string().min(1),
    // Not in OpenAI's type, but accepted by its API and sent by LangChain's ToolMessage.
    name: z.string().optional(),
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
      .loose(),
  })
  .loose();
/** OpenAI's free-form ("custom") tools: OpenAI-wire upstreams only. */
const customTool = z
  .object({
    type: z.literal('custom'),
    custom: z.object({ name: z.string().min(1) }).loose(),
  })
  .loose();
const tool = z.discriminatedUnion('type', [functionTool, customTool]);

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }).loose(),
  z.object({ type: z.literal('custom'), custom: z.object({ name: z.string() }) }).loose(),
  z
    .object({
      type: z.literal('allowed_tools'),
      allowed_tools: z
        .object({
          mode: z.enum(['auto', 'required']),
          tools: z.array(z.record(z.string(), z.unknown())),
        })
        .loose(),
    })
    .loose(),
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
      .loose(),
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
      .loose()
      .nullable()
      .optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    tools: z.array(tool).max(128).optional(),
    tool_choice: toolChoice.optional(),
    parallel_tool_calls: z.boolean().nullable().optional(),
    response_format: responseFormat.optional(),
    user: z.string().optional(),
    // Documented OpenAI fields that OpenAI-wire upstreams understand; adapters for other wire
    // formats reject the ones they cannot honour (see each adapter's field table).
    metadata: metadata.nullable().optional(),
    store: z.boolean().nullable().optional(),
    service_tier: z.string().nullable().optional(),
    reasoning_effort: z.string().nullable().optional(),
    modalities: z.array(z.string()).nullable().optional(),
    audio: z.record(z.string(), z.unknown()).nullable().optional(),
    prediction: z.record(z.string(), z.unknown()).nullable().optional(),
    web_search_options: z.record(z.string(), z.unknown()).nullable().optional(),
    verbosity: z.string().nullable().optional(),
    prompt_cache_key: z.string().nullable().optional(),
    prompt_cache_retention: z.string().nullable().optional(),
    prompt_cache_options: z.record(z.string(), z.unknown()).nullable().optional(),
    safety_identifier: z.string().nullable().optional(),
    moderation: z.record(z.string(), z.unknown()).nullable().optional(),
    functions: z.array(z.record(z.string(), z.unknown())).optional(),
    function_call: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    // Gateway-only options, removed before the request goes upstream.
    provider: providerPin.optional(),
    cache: gatewayCacheOptionsSchema.optional(),
  })
  // Any other top-level field is kept for the upstream to judge (see the comment at the top).
  // JSON has no symbol keys, so a body can never set the gateway's own symbol-keyed properties.
  .catchall(z.unknown());

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
