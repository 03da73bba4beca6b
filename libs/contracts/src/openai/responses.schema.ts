import { z } from 'zod';
import { gatewayCacheOptionsSchema } from './chat-completion.schema';
import { REQUEST_LIMITS } from './request-limits';

/**
 * Validation of `POST /v1/responses` bodies (OpenAI's Responses API). The gateway serves it on
 * every provider by translating to its internal chat request, so the schema is what that
 * translation can honour: input as a string or items (messages with text and images, function
 * calls and their outputs, references to stored items, reasoning), function tools, structured
 * output, sampling and token limits, `previous_response_id`, `store`, `metadata`. A field it
 * cannot honour — built-in tools (web search, file search, …), `background`, `conversation`,
 * `prompt` templates, any field it does not know — is a 400 naming it, never dropped.
 */

const MAX_ITEMS = REQUEST_LIMITS.maxMessages;

const inputText = z.object({ type: z.literal('input_text'), text: z.string() }).strict();
const inputImage = z
  .object({
    type: z.literal('input_image'),
    image_url: z.string().min(1).nullable().optional(),
    file_id: z.string().nullable().optional(),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  })
  .strict()
  .refine((part) => typeof part.image_url === 'string', {
    message: 'input_image needs image_url (file ids are not served by this gateway)',
    path: ['image_url'],
  });
/** What an assistant message of an earlier response carries, echoed back as input. */
const outputText = z
  .object({
    type: z.literal('output_text'),
    text: z.string(),
    annotations: z.array(z.unknown()).optional(),
    logprobs: z.array(z.unknown()).optional(),
  })
  .strict();
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() }).strict();

const messageContent = z.union([
  z.string(),
  z
    .array(z.discriminatedUnion('type', [inputText, inputImage, outputText, refusal]))
    .max(MAX_ITEMS),
]);

const messageItem = z
  .object({
    type: z.literal('message').optional(),
    id: z.string().optional(),
    status: z.string().optional(),
    role: z.enum(['user', 'assistant', 'system', 'developer']),
    content: messageContent,
  })
  .strict();

const functionCallItem = z
  .object({
    type: z.literal('function_call'),
    id: z.string().optional(),
    status: z.string().optional(),
    call_id: z.string().min(1),
    name: z.string().min(1),
    arguments: z.string(),
  })
  .strict();

const functionCallOutputItem = z
  .object({
    type: z.literal('function_call_output'),
    id: z.string().optional(),
    status: z.string().optional(),
    call_id: z.string().min(1),
    output: z.union([z.string(), z.array(z.discriminatedUnion('type', [inputText, inputImage]))]),
  })
  .strict();

/** An item of an earlier stored response, by id (the AI SDK sends these when `store` is on). */
const itemReference = z
  .object({ type: z.literal('item_reference'), id: z.string().min(1) })
  .strict();

/**
 * A reasoning item of an earlier response, echoed back. Accepted and not sent: as with chat's
 * `reasoning_content`, no provider takes reasoning back without its own signature.
 */
const reasoningItem = z
  .object({
    type: z.literal('reasoning'),
    id: z.string().optional(),
    summary: z.array(z.unknown()).optional(),
    content: z.array(z.unknown()).nullable().optional(),
    encrypted_content: z.string().nullable().optional(),
    status: z.string().optional(),
  })
  .strict();

/**
 * One input item, keyed by `type` (absent: a message, OpenAI's "easy input message"). Any other
 * type (a web search call, a computer call, …) is a 400 naming `input[n].type`.
 */
const inputItem = z.discriminatedUnion('type', [
  messageItem,
  functionCallItem,
  functionCallOutputItem,
  itemReference,
  reasoningItem,
]);

const functionTool = z
  .object({
    type: z.literal('function'),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must match ^[a-zA-Z0-9_-]{1,64}$'),
    description: z.string().nullable().optional(),
    parameters: z.record(z.string(), z.unknown()).nullable().optional(),
    strict: z.boolean().nullable().optional(),
  })
  .strict();

/**
 * Only function tools: the built-in ones (web search, file search, code interpreter, computer
 * use, MCP, …) run inside OpenAI, so another type is a 400 naming `tools[n].type`.
 */
const tool = z.discriminatedUnion('type', [functionTool]);

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), name: z.string().min(1) }).strict(),
]);

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).strict(),
  z.object({ type: z.literal('json_object') }).strict(),
  z
    .object({
      type: z.literal('json_schema'),
      name: z.string().min(1),
      schema: z.record(z.string(), z.unknown()),
      description: z.string().nullable().optional(),
      strict: z.boolean().nullable().optional(),
    })
    .strict(),
]);

const metadata = z
  .record(
    z.string().max(REQUEST_LIMITS.maxMetadataKeyLength),
    z.string().max(REQUEST_LIMITS.maxMetadataValueLength),
  )
  .refine((pairs) => Object.keys(pairs).length <= REQUEST_LIMITS.maxMetadataPairs, {
    message: `must have at most ${REQUEST_LIMITS.maxMetadataPairs} key-value pairs`,
  });

/** `include` values the gateway can honour: none adds data it does not already return. */
const INCLUDABLE: readonly string[] = [];

const modelName = z.string().min(1).max(REQUEST_LIMITS.maxModelNameLength);

export const responsesRequestSchema = z
  .object({
    model: modelName,
    input: z.union([z.string(), z.array(inputItem).max(MAX_ITEMS)]).optional(),
    instructions: z.string().nullable().optional(),
    previous_response_id: z.string().min(1).max(128).nullable().optional(),
    tools: z.array(tool).max(128).optional(),
    tool_choice: toolChoice.optional(),
    parallel_tool_calls: z.boolean().nullable().optional(),
    text: z
      .object({
        format: textFormat.optional(),
        // Only the default: no provider but OpenAI has a verbosity control.
        verbosity: z.literal('medium').nullable().optional(),
      })
      .strict()
      .nullable()
      .optional(),
    reasoning: z
      .object({
        effort: z.string().nullable().optional(),
        // The summary is the provider's reasoning text, where it returns one.
        summary: z.enum(['auto', 'concise', 'detailed']).nullable().optional(),
        generate_summary: z.enum(['auto', 'concise', 'detailed']).nullable().optional(),
      })
      .strict()
      .nullable()
      .optional(),
    max_output_tokens: z.number().int().positive().nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    metadata: metadata.nullable().optional(),
    store: z.boolean().nullable().optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z
      .object({ include_obfuscation: z.boolean().optional() })
      .strict()
      .nullable()
      .optional(),
    user: z.string().optional(),
    safety_identifier: z.string().nullable().optional(),
    prompt_cache_key: z.string().nullable().optional(),
    service_tier: z.string().nullable().optional(),
    // The defaults only: truncating a conversation, running in the background or continuing a
    // stored conversation object are not something the gateway can do for any provider.
    truncation: z.literal('disabled').nullable().optional(),
    background: z.literal(false).nullable().optional(),
    include: z
      .array(
        z.string().refine((value) => INCLUDABLE.includes(value), {
          message: 'is not something this gateway can include',
        }),
      )
      .nullable()
      .optional(),
    // Gateway-only options, as on chat completions.
    provider: z.string().min(1).max(REQUEST_LIMITS.maxModelNameLength).optional(),
    cache: gatewayCacheOptionsSchema.optional(),
  })
  .strict();

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponsesInputItem = z.infer<typeof inputItem>;
