import type { ModelStatus } from '../loading/model-status';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@app/contracts';

/**
 * A local chat model. Requests and results use OpenAI's Chat Completions format so the gateway
 * can treat the local tier like any other provider. `signal` stops generation when aborted.
 */
export interface ChatEngine {
  readonly modelName: string;
  status(): ModelStatus;
  /** Loads the model (idempotent; concurrent callers share one load). */
  load(): Promise<void>;
  complete(request: ChatCompletionRequest, signal?: AbortSignal): Promise<ChatCompletion>;
  stream(request: ChatCompletionRequest, signal?: AbortSignal): AsyncIterable<ChatCompletionChunk>;
  close(): Promise<void>;
}

export type { ModelStatus } from '../loading/model-status';
