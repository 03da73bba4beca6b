import type { ModelStatus } from '../loading/model-status';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@app/contracts';

/** Progress of one generation, for tracing (prompt evaluation ends at the first token). */
export interface GenerationHooks {
  /** The prompt is evaluated (and a context sequence was free): generation starts. */
  onPromptEvaluated?: () => void;
}

/**
 * A local chat model. Requests and results use OpenAI's Chat Completions format so the gateway
 * can treat the local tier like any other provider. `signal` stops generation when aborted.
 */
export interface ChatEngine {
  readonly modelName: string;
  status(): ModelStatus;
  /** Loads the model (idempotent; concurrent callers share one load). */
  load(): Promise<void>;
  complete(
    request: ChatCompletionRequest,
    signal?: AbortSignal,
    hooks?: GenerationHooks,
  ): Promise<ChatCompletion>;
  stream(
    request: ChatCompletionRequest,
    signal?: AbortSignal,
    hooks?: GenerationHooks,
  ): AsyncIterable<ChatCompletionChunk>;
  close(): Promise<void>;
}

export type { ModelStatus } from '../loading/model-status';
