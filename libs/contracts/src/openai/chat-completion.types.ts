/**
 * The OpenAI Chat Completions wire format, as the gateway speaks it to clients and as every
 * provider adapter must produce it. Optional fields are optional here so that adapters for other
 * wire formats (Anthropic, Gemini, Bedrock, llama.cpp) do not invent values they do not have.
 */

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface TextContentPart {
  type: 'text';
  text: string;
}

export interface ImageContentPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** Parts the gateway passes through untouched to OpenAI-compatible upstreams (audio, files…). */
export interface OtherContentPart {
  type: string;
  [key: string]: unknown;
}

export type ContentPart = TextContentPart | ImageContentPart | OtherContentPart;

/** An assistant turn's refusal, as a content part (assistant messages only). */
export interface RefusalContentPart {
  type: 'refusal';
  refusal: string;
  [key: string]: unknown;
}

/**
 * A function tool call. OpenAI's free-form `custom` tool calls are accepted on input too, for
 * OpenAI-wire upstreams; translating adapters refuse them in `assertSupported` (see
 * `field-support.ts`), so past that check every call is a function call.
 */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface SystemMessage {
  role: 'system' | 'developer';
  content: string | TextContentPart[];
  name?: string;
}

export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content?: string | (TextContentPart | RefusalContentPart)[] | null;
  name?: string;
  tool_calls?: ToolCall[] | null;
  refusal?: string | null;
  function_call?: { name: string; arguments: string } | null;
  /** A reference to an earlier audio answer (OpenAI only); clients echo the whole object. */
  audio?: { id: string; [key: string]: unknown } | null;
  /** Outputs of the earlier turn that clients echo back: URL citations, the SDK's `parsed`. */
  annotations?: Record<string, unknown>[] | null;
  parsed?: unknown;
  /**
   * The model's reasoning as the gateway returned it (DeepSeek/vLLM convention). Accepted back on
   * input so clients can echo assistant messages unchanged; what a provider needs to resume its
   * reasoning travels in the tool-call ids (see `gateway/src/providers/shared/tool-call-id-codec.ts`).
   */
  reasoning_content?: string | null;
}

export interface ToolMessage {
  role: 'tool';
  content: string | TextContentPart[];
  tool_call_id: string;
  /** Sent by LangChain's ToolMessage; OpenAI accepts and ignores it. */
  name?: string;
}

export interface FunctionMessage {
  role: 'function';
  content: string | null;
  name: string;
}

export type ChatMessage =
  SystemMessage | UserMessage | AssistantMessage | ToolMessage | FunctionMessage;

export interface FunctionTool {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

export type ToolChoice =
  'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: {
        name: string;
        description?: string;
        schema?: Record<string, unknown>;
        strict?: boolean | null;
      };
    };

/** Gateway-only request options; never forwarded upstream. */
export interface GatewayRequestOptions {
  /** Pin one provider by id (e.g. "openai", "local-worker"). */
  provider?: string;
  /** Per-request cache control: `{"ttl": seconds}`, or `{"no_store": true}`. */
  cache?: { ttl?: number; no_store?: boolean; no_cache?: boolean };
}

export interface ChatCompletionRequest extends GatewayRequestOptions {
  model: string;
  messages: ChatMessage[];
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  n?: number | null;
  seed?: number | null;
  stop?: string | string[] | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean; include_obfuscation?: boolean } | null;
  temperature?: number | null;
  top_p?: number | null;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  user?: string;
  /** Every other documented OpenAI field (metadata, store, reasoning_effort, …) passes through. */
  [field: string]: unknown;
}

/**
 * OpenAI's `reasoning_effort` levels. Each translating adapter maps them to its provider's
 * reasoning control (Anthropic `thinking` + effort, Gemini `thinkingConfig`, Bedrock Claude
 * `thinking`); see docs/providers.md.
 */
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [key: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [key: string]: unknown };
}

export interface ChatCompletionChoice {
  index: number;
  message: {
    role: 'assistant';
    content: string | null;
    tool_calls?: ToolCall[];
    refusal?: string | null;
    /** The model's reasoning (thinking summaries), when the provider returns it. */
    reasoning_content?: string | null;
    [key: string]: unknown;
  };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: Usage;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: {
    role?: 'assistant';
    content?: string | null;
    tool_calls?: ToolCallDelta[];
    refusal?: string | null;
    /** A fragment of the model's reasoning, streamed before or between the answer's deltas. */
    reasoning_content?: string | null;
    [key: string]: unknown;
  };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  /** Present (with `choices: []`) on the last chunk when `stream_options.include_usage` is set. */
  usage?: Usage | null;
  system_fingerprint?: string | null;
}
