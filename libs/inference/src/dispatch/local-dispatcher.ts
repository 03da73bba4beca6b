import type {
  ChatCompletion,
  ChatCompletionChunk,
  EmbeddingsResult,
  LocalChatJob,
  LocalEmbeddingsJob,
  LocalRagJob,
  RagOperation,
} from '@app/contracts';
import type { ModelStatus } from '../chat/chat-engine';
import type { RagResultOf } from '../rag/rag-operations';

/** Optional progress callbacks of one dispatched job. */
export interface DispatchHooks {
  /**
   * The job left the queue and a model started on it (the gateway stops its first-byte timer: a
   * model that loads on first use may take longer than that before its first token).
   */
  onStarted?: () => void;
  /**
   * The job went back to the queue: its worker died mid-job (BullMQ found its lock lapsed). The
   * gateway's first-byte timer runs again, so a job no surviving worker takes falls back.
   */
  onRequeued?: () => void;
}

export interface LocalDispatcherStatus {
  mode: 'in-process' | 'bullmq';
  /** Jobs waiting for a model (not yet started). */
  queueDepth: number;
  /** In-process: this process's models. BullMQ: absent (each worker reports its own). */
  models?: { chat: ModelStatus; embeddings: ModelStatus };
  /** BullMQ: workers connected to the chat queue. */
  workers?: number;
}

/**
 * Hands local inference work to whatever runs it: the models in this process (embedded mode) or
 * worker processes behind BullMQ. Both report failures the same way, so the local provider and
 * the router cannot tell the topologies apart:
 * - a request the model rejects (bad input, prompt too long) → `GatewayError` with a 4xx status;
 * - everything else (queue full, worker failed, no worker, timeout) → `ProviderError`;
 * - `signal` aborted → the job is cancelled wherever it runs and a `ProviderError` of kind
 *   `aborted` is thrown.
 */
export interface LocalDispatcher {
  complete(job: LocalChatJob, signal: AbortSignal, hooks?: DispatchHooks): Promise<ChatCompletion>;
  /** Chunks in order; ending the iteration early cancels the job. */
  stream(
    job: LocalChatJob,
    signal: AbortSignal,
    hooks?: DispatchHooks,
  ): AsyncIterable<ChatCompletionChunk>;
  embed(job: LocalEmbeddingsJob, signal: AbortSignal): Promise<EmbeddingsResult>;
  /** One RAG operation on the collections this topology serves (same errors as above). */
  rag<Operation extends RagOperation>(
    job: LocalRagJob & { rag: Operation },
    signal: AbortSignal,
  ): Promise<RagResultOf<Operation['operation']>>;
  /** Jobs waiting for a model across chat, chat-stream and embeddings (RAG work not counted). */
  queueDepth(): Promise<number>;
  status(): Promise<LocalDispatcherStatus>;
  close(): Promise<void>;
}
