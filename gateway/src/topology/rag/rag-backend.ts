import type {
  RagDeleteDocumentResult,
  RagIndexRequest,
  RagIndexResult,
  RagSearchRequest,
  RagSearchResult,
  RagStats,
} from '@app/inference/rag';

/** Nest token of the gateway's `RagBackend`. */
export const RAG_BACKEND = Symbol('RAG_BACKEND');

/**
 * Where the gateway's RAG work runs: in this process (embedded, no `REDIS_URL`) or on a worker over
 * the `local-rag` BullMQ queue. Both throw `GatewayError` for bad input (400 / 404 / 413) with the
 * `RagService` messages, so the controller cannot tell them apart.
 */
export interface RagBackend {
  readonly mode: 'in-process' | 'bullmq';
  index(request: RagIndexRequest, signal: AbortSignal): Promise<RagIndexResult>;
  search(request: RagSearchRequest, signal: AbortSignal): Promise<RagSearchResult>;
  deleteDocument(
    id: string,
    collection: string | undefined,
    signal: AbortSignal,
  ): Promise<RagDeleteDocumentResult>;
  deleteCollection(name: string, signal: AbortSignal): Promise<{ name: string; deleted: true }>;
  stats(signal: AbortSignal): Promise<RagStats>;
  close(): Promise<void>;
}
