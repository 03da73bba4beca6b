import type { AppConfig } from '@app/config';
import { createEmbedder } from '@app/inference/embeddings/create-embedder';
import type { Embedder } from '@app/inference/embeddings/embedder';
import type {
  RagService,
  RagDeleteDocumentResult,
  RagIndexRequest,
  RagIndexResult,
  RagSearchRequest,
  RagSearchResult,
  RagStats,
} from '@app/inference/rag';
import type { RagBackend } from './rag-backend';

/**
 * Embedded mode: a `RagService` in the gateway process over its own embedder, with collections
 * under `<WORKER_DATA_DIR>/rag/`. Created on first use, so a gateway that never serves RAG loads no
 * model. One process owns a data directory: do not point two gateways at the same one.
 */
export class InProcessRagBackend implements RagBackend {
  readonly mode = 'in-process' as const;
  private service: RagService | undefined;
  private embedder: Embedder | undefined;

  constructor(private readonly config: AppConfig) {}

  index(request: RagIndexRequest, signal: AbortSignal): Promise<RagIndexResult> {
    return this.rag().index(request, signal);
  }

  search(request: RagSearchRequest, signal: AbortSignal): Promise<RagSearchResult> {
    return this.rag().search(request, signal);
  }

  deleteDocument(id: string, collection: string | undefined): Promise<RagDeleteDocumentResult> {
    return this.rag().deleteDocument(id, collection);
  }

  deleteCollection(name: string): Promise<{ name: string; deleted: true }> {
    return this.rag().deleteCollection(name);
  }

  stats(): Promise<RagStats> {
    return this.rag().stats();
  }

  async close(): Promise<void> {
    await this.embedder?.close();
    this.embedder = undefined;
    this.service = undefined;
  }

  private rag(): RagService {
    if (!this.service) {
      // Loaded on first use: hnswlib and the chunk store cost memory a gateway without RAG saves.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { RagService } = require('@app/inference/rag') as typeof import('@app/inference/rag');
      this.embedder = createEmbedder(this.config.worker);
      this.service = new RagService({
        dataDir: this.config.worker.dataDir,
        embedder: this.embedder,
        config: this.config.rag,
      });
    }
    return this.service;
  }
}
