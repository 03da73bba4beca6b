import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from './openai/chat-completion.types';

/**
 * The wire between gateway and worker: BullMQ queue names and typed job payloads / results.
 * Streamed chunks travel back over a Redis Stream per job (key from `streamKeyForJob`).
 */
export const QUEUE_NAMES = {
  chat: 'local-chat',
  chatStream: 'local-chat-stream',
  embeddings: 'local-embeddings',
  rag: 'local-rag',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export interface LocalChatJob {
  requestId: string;
  request: ChatCompletionRequest;
  /** Epoch ms after which the gateway has given up: the worker drops the job instead of running it. */
  deadline: number;
}

export type LocalChatResult = ChatCompletion;

export interface LocalEmbeddingsJob {
  requestId: string;
  model: string;
  input: string[];
  deadline: number;
}

export interface LocalEmbeddingsResult {
  model: string;
  /** Vectors as plain arrays (BullMQ results are JSON). */
  vectors: number[][];
  promptTokens: number;
}

/** One entry of a job's result stream. */
export type StreamEvent =
  | { type: 'chunk'; chunk: ChatCompletionChunk }
  | { type: 'error'; status: number; message: string; code?: string }
  | { type: 'done' };

export function streamKeyForJob(jobId: string): string {
  return `gateway:stream:${jobId}`;
}
