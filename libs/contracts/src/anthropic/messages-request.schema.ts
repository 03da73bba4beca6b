import { z } from 'zod';
import { REQUEST_LIMITS } from '../openai/request-limits';

/**
 * Validation of `POST /v1/messages` and `POST /v1/messages/count_tokens` bodies, as Anthropic's
 * Messages API defines them. Top-level fields are checked strictly (an unknown one is a 400
 * naming it, as Anthropic answers "Extra inputs are not permitted"); content blocks are checked
 * for their type and the fields the gateway reads, the rest of each block passes through to
 * Anthropic untouched (a new optional block field must not break pass-through).
 */

/** Anthropic's limit on messages per request (the gateway's OpenAI limit is lower). */
export const ANTHROPIC_MAX_MESSAGES = 100_000;

const cacheControl = z
  .object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() })
  .passthrough();

export const anthropicTextBlockSchema = z
  .object({
    type: z.literal('text'),
    text: z.string(),
    cache_control: cacheControl.nullish(),
  })
  .passthrough();

const base64ImageSource = z
  .object({
    type: z.literal('base64'),
    media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    data: z.string().min(1),
  })
  .passthrough();
const urlSource = z.object({ type: z.literal('url'), url: z.string().min(1) }).passthrough();
const fileSource = z.object({ type: z.literal('file'), file_id: z.string().min(1) }).passthrough();

const imageBlock = z
  .object({
    type: z.literal('image'),
    source: z.discriminatedUnion('type', [base64ImageSource, urlSource, fileSource]),
    cache_control: cacheControl.nullish(),
  })
  .passthrough();

const documentSource = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('base64'),
      media_type: z.literal('application/pdf'),
      data: z.string().min(1),
    })
    .passthrough(),
  z
    .object({ type: z.literal('text'), media_type: z.literal('text/plain'), data: z.string() })
    .passthrough(),
  z
    .object({
      type: z.literal('content'),
      content: z.union([z.string(), z.array(z.union([anthropicTextBlockSchema, imageBlock]))]),
    })
    .passthrough(),
  urlSource,
  fileSource,
]);

const documentBlock = z
  .object({
    type: z.literal('document'),
    source: documentSource,
    title: z.string().nullish(),
    context: z.string().nullish(),
    citations: z.object({ enabled: z.boolean().optional() }).passthrough().nullish(),
    cache_control: cacheControl.nullish(),
  })
  .passthrough();

const searchResultBlock = z
  .object({
    type: z.literal('search_result'),
    source: z.string(),
    title: z.string(),
    content: z.array(anthropicTextBlockSchema),
  })
  .passthrough();

const toolUseBlock = z
  .object({
    type: z.literal('tool_use'),
    id: z.string().min(1),
    name: z.string().min(1),
    input: z.record(z.string(), z.unknown()),
    cache_control: cacheControl.nullish(),
  })
  .passthrough();

/** Blocks a tool result may hold besides text and images: passed through, never translated. */
const TOOL_RESULT_OTHER_BLOCK_TYPES = [
  'search_result',
  'document',
  'tool_reference',
  'browser_state',
] as const;

const toolResultContentBlock = z.discriminatedUnion('type', [
  anthropicTextBlockSchema,
  imageBlock,
  ...TOOL_RESULT_OTHER_BLOCK_TYPES.map((type) => z.object({ type: z.literal(type) }).passthrough()),
]);

const toolResultBlock = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), z.array(toolResultContentBlock)]).optional(),
    is_error: z.boolean().optional(),
    cache_control: cacheControl.nullish(),
  })
  .passthrough();

const thinkingBlock = z
  .object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() })
  .passthrough();
const redactedThinkingBlock = z
  .object({ type: z.literal('redacted_thinking'), data: z.string() })
  .passthrough();

/**
 * Block types only Anthropic's own servers produce or understand (server tools, MCP, code
 * execution, containers, compaction…): accepted as they are and sent to Anthropic unchanged; a
 * translating provider cannot honour them, so a request holding one is served by Anthropic only.
 */
export const ANTHROPIC_SERVER_BLOCK_TYPES = [
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'advisor_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
  'container_upload',
  'compaction',
  'tool_addition',
  'tool_removal',
  'mcp_tool_listing',
  'fallback',
] as const;

const serverBlocks = ANTHROPIC_SERVER_BLOCK_TYPES.map((type) =>
  z.object({ type: z.literal(type) }).passthrough(),
);

export const anthropicContentBlockSchema = z.discriminatedUnion('type', [
  anthropicTextBlockSchema,
  imageBlock,
  documentBlock,
  searchResultBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
  ...serverBlocks,
]);

const messageParam = z
  .object({
    role: z.enum(['user', 'assistant']),
    content: z.union([z.string(), z.array(anthropicContentBlockSchema)]),
  })
  .strict();

/** A tool the client runs: `input_schema` is the JSON Schema of its input. */
const customTool = z
  .object({
    type: z.literal('custom').nullish(),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, 'must match ^[a-zA-Z0-9_-]{1,128}$'),
    description: z.string().optional(),
    input_schema: z.object({ type: z.literal('object') }).passthrough(),
    cache_control: cacheControl.nullish(),
    strict: z.boolean().optional(),
  })
  .passthrough();

/** A tool Anthropic runs or defines itself (`web_search_20250305`, `bash_20250124`, MCP toolsets…). */
const serverTool = z
  .object({
    type: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .refine((type) => type !== 'custom', 'a custom tool needs input_schema'),
  })
  .passthrough();

export const anthropicToolSchema = z.union([customTool, serverTool]);

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }).strict(),
  z
    .object({
      type: z.literal('tool'),
      name: z.string().min(1),
      disable_parallel_tool_use: z.boolean().optional(),
    })
    .strict(),
  z.object({ type: z.literal('none') }).strict(),
]);

const thinking = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('enabled'),
      // Anthropic's own minimum: smaller budgets are refused with a 400.
      budget_tokens: z.number().int().min(1024),
    })
    .passthrough(),
  z.object({ type: z.literal('disabled') }).passthrough(),
  z.object({ type: z.literal('adaptive') }).passthrough(),
  z.object({ type: z.literal('between_tools') }).passthrough(),
]);

const jsonOutputFormat = z
  .object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) })
  .passthrough();

const outputConfig = z
  .object({
    effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
    format: jsonOutputFormat.nullish(),
  })
  .passthrough();

const system = z.union([z.string(), z.array(anthropicTextBlockSchema)]);
const modelName = z.string().min(1).max(REQUEST_LIMITS.maxModelNameLength);
const messages = z
  .array(messageParam)
  .min(1, 'messages must contain at least one message')
  .max(ANTHROPIC_MAX_MESSAGES);

/**
 * Anthropic features with no counterpart in other providers' APIs. Accepted (Anthropic receives
 * them unchanged) and never dropped: a request that uses one is served by Anthropic only.
 */
const anthropicOnlyFields = {
  container: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  context_management: z.record(z.string(), z.unknown()).nullish(),
  mcp_servers: z.array(z.record(z.string(), z.unknown())).optional(),
  compaction: z.record(z.string(), z.unknown()).nullish(),
  thread: z.record(z.string(), z.unknown()).nullish(),
  fallbacks: z.unknown().optional(),
  fallback_credit_token: z.unknown().optional(),
  billing_policy: z.record(z.string(), z.unknown()).nullish(),
  inference_geo: z.string().nullish(),
};

export const anthropicMessagesRequestSchema = z
  .object({
    model: modelName,
    max_tokens: z.number().int().min(1),
    messages,
    system: system.optional(),
    stop_sequences: z.array(z.string()).optional(),
    stream: z.boolean().optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().min(0).optional(),
    metadata: z.object({ user_id: z.string().nullish() }).passthrough().optional(),
    tools: z.array(anthropicToolSchema).optional(),
    tool_choice: toolChoice.optional(),
    thinking: thinking.optional(),
    output_config: outputConfig.optional(),
    output_format: jsonOutputFormat.nullish(),
    service_tier: z.enum(['auto', 'standard_only']).optional(),
    speed: z.enum(['standard', 'fast']).nullish(),
    cache_control: cacheControl.nullish(),
    diagnostics: z.record(z.string(), z.unknown()).nullish(),
    ...anthropicOnlyFields,
  })
  .strict();

/** `count_tokens` takes the conversation and what shapes the prompt, not the sampling fields. */
export const anthropicCountTokensRequestSchema = z
  .object({
    model: modelName,
    messages,
    system: system.optional(),
    tools: z.array(anthropicToolSchema).optional(),
    tool_choice: toolChoice.optional(),
    thinking: thinking.optional(),
    output_config: outputConfig.optional(),
    output_format: jsonOutputFormat.nullish(),
    speed: z.enum(['standard', 'fast']).nullish(),
    cache_control: cacheControl.nullish(),
    mcp_servers: anthropicOnlyFields.mcp_servers,
    context_management: anthropicOnlyFields.context_management,
    compaction: anthropicOnlyFields.compaction,
    billing_policy: anthropicOnlyFields.billing_policy,
  })
  .strict();

export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;
export type AnthropicCountTokensRequest = z.infer<typeof anthropicCountTokensRequestSchema>;
export type AnthropicMessageParam = AnthropicMessagesRequest['messages'][number];
export type AnthropicContentBlockParam = z.infer<typeof anthropicContentBlockSchema>;
export type AnthropicToolParam = z.infer<typeof anthropicToolSchema>;
export type AnthropicToolChoiceParam = z.infer<typeof toolChoice>;
export type AnthropicThinkingParam = z.infer<typeof thinking>;
export type AnthropicTextBlockParam = z.infer<typeof anthropicTextBlockSchema>;
