import type { ModelStatus } from '../chat/chat-engine';

/** Turns texts into unit-length vectors (mean pooled and normalized). */
export interface Embedder {
  /** The model's identity, recorded per RAG collection (e.g. "Xenova/all-MiniLM-L6-v2"). */
  readonly modelId: string;
  status(): ModelStatus;
  load(): Promise<void>;
  /** Vector length; known after `load()`. */
  dimensions(): Promise<number>;
  /** One vector per text, in order; batches internally. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Token count of the texts (for usage reporting). */
  countTokens(texts: string[]): Promise<number>;
  close(): Promise<void>;
}
