import type {
  AnthropicTokenCount,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsResult,
} from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { AbortSource } from '@app/http';
import type { TraceCarrier } from '@app/tracing';

/** What the router hands to an adapter for one attempt. */
export interface ProviderCallContext {
  /**
   * Fires when the client disconnects or a timeout fires. Transports listen to it (`onAbort`);
   * adapters pass `abort.signal` to their SDK (an AbortSignal, made on first use).
   */
  abort: AbortSource;
  requestId: string;
  /**
   * W3C trace context of this attempt (`traceparent`, `tracestate`): adapters send it upstream
   * with their request's headers (or in the job, for local work). Empty when tracing is off.
   */
  traceHeaders?: TraceCarrier;
  /**
   * Call when response headers arrive, so the router's first-byte timeout stops; from then on
   * the idle timeout (STREAM_IDLE_TIMEOUT_MS) bounds reading the rest of the body.
   */
  markFirstByte?: () => void;
  /**
   * Call when the upstream has accepted the work and answers only when it is done (a queued
   * local job picked up by a worker): the first-byte timeout stops and only the total timeout
   * bounds the generation.
   */
  markStarted?: () => void;
  /**
   * Call when started work went back to waiting (its local worker died): the first-byte timeout
   * runs again until it starts anew.
   */
  markRequeued?: () => void;
}

/**
 * One upstream model provider. Requests and results are in OpenAI's Chat Completions format;
 * each adapter translates to and from its provider's wire format, and throws `ProviderError`
 * (from `@app/contracts`) for every failure so the router never sees provider-specific errors.
 *
 * `request.model` is already the provider's concrete model, and gateway-only fields
 * (`provider`, `cache`) are already removed.
 */
export interface ChatProvider {
  readonly id: string;
  readonly type: ProviderConfig['type'];
  readonly config: ProviderConfig;
  /**
   * Client dialects whose own request this adapter sends upstream as it came, when a request
   * carries one (`/v1/messages` requests carry the Anthropic body: see `anthropic-passthrough.ts`
   * in libs/contracts). Such an adapter honours every field of that request itself; the others
   * ignore the attachment and serve the translated request.
   */
  readonly nativeDialects?: readonly 'anthropic'[];

  /**
   * Throws a 400 `GatewayError.unsupportedField(...)` for a field this provider can neither honour
   * nor translate. Called before any attempt so a bad field is never silently dropped.
   */
  assertSupported(request: ChatCompletionRequest): void;

  chat(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ChatCompletion>;

  /**
   * Chunks in OpenAI's `chat.completion.chunk` shape. When the request asks for
   * `stream_options.include_usage`, the last chunk carries `usage` (and `choices: []`); adapters
   * should always ask their upstream for usage so cost accounting sees it.
   */
  stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk>;

  /** Absent when the provider has no embeddings API. */
  embed?(
    request: { model: string; input: string[] | number[][]; dimensions?: number },
    context: ProviderCallContext,
  ): Promise<EmbeddingsResult>;

  /**
   * The request's input tokens as the provider counts them, in Anthropic's `count_tokens` shape
   * (`{input_tokens}`, the token-counting API clients speak). Absent when the provider has none.
   */
  countTokens?(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<AnthropicTokenCount>;

  /**
   * The models the upstream serves right now, from its own list (OpenAI's `GET /models`,
   * Ollama's `/api/tags`). Present on providers whose descriptor discovers models
   * (`discoversModels`); the gateway calls it at boot and every MODEL_REFRESH_SECONDS, never on
   * the request path.
   */
  listModels?(context: ProviderCallContext): Promise<string[]>;

  /** A cheap reachability probe that spends no tokens (e.g. GET /models). */
  probe?(context: ProviderCallContext): Promise<void>;
}
