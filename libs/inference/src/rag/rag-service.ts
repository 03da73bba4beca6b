import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { GatewayError } from '@app/contracts';
import type { RagConfig } from '@app/config';
import type { Embedder } from '../embeddings/embedder';
import { chunkText } from './chunker';
import { directoryBytes } from './collection-manifest';
import { CollectionRegistry } from './collection-registry';
import { readCommittedTotals } from './collection-snapshot';
import type { FileLockOptions } from './file-lock';
import { DEFAULT_HNSW_PARAMETERS } from './hnsw-vector-index';
import { buildQueryPrompt } from './query-prompt';
import type { CollectionSettings, PreparedDocument } from './rag-collection';
import {
  assertSameEmbedding,
  collectionNotFound,
  documentNotFound,
  type EmbeddingIdentity,
} from './rag-errors';
import {
  validateCollectionName,
  validateIndexRequest,
  validateSearchRequest,
  type ValidIndexRequest,
} from './rag-request-validation';
import type {
  RagCollectionStats,
  RagDeleteDocumentResult,
  RagIndexRequest,
  RagIndexResult,
  RagQueryPrompt,
  RagSearchHit,
  RagSearchRequest,
  RagSearchResult,
  RagStats,
} from './rag-types';
import type { TokenCounter } from './token-estimate';

export interface RagServiceOptions {
  /** Collections live under `<dataDir>/rag/<collection>/` (WorkerConfig.dataDir). */
  dataDir: string;
  embedder: Embedder;
  config: RagConfig;
  /** Chunks up to which a collection uses exact search. @defaultValue 1000 */
  exactIndexMaxChunks?: number;
  /** Log writes after which a collection is checkpointed. @defaultValue 2048 */
  checkpointLogChunks?: number;
  /** Measures chunk sizes. @defaultValue estimateTokens (word-piece estimate) */
  countTokens?: TokenCounter;
  /** The cross-process collection lock (wait limit, staleness). */
  lock?: FileLockOptions;
  /** A background checkpoint failed; the collection stays valid (last snapshot + log). */
  onBackgroundError?: (error: unknown, collection: string) => void;
}

/** Progress of one search, for tracing: the query's embedding, then the index search. */
export interface RagSearchHooks {
  onEmbedding?: () => void;
  onEmbedded?: () => void;
}

/**
 * Index documents (chunk → embed → store), search them, and build cited prompts. All bad input
 * throws GatewayError (400, or 413 for an oversized document, 404 for unknown collections and
 * documents). Several processes may share a data directory: writes to one collection are
 * serialized across them by a lock file, and searches see every other process's acknowledged writes.
 */
export class RagService {
  private readonly registry: CollectionRegistry;
  private readonly embedder: Embedder;
  private readonly config: RagConfig;
  private readonly countTokens?: TokenCounter;

  constructor(options: RagServiceOptions) {
    this.embedder = options.embedder;
    this.config = options.config;
    this.countTokens = options.countTokens;
    const settings: CollectionSettings = {
      exactIndexMaxChunks: options.exactIndexMaxChunks ?? 1000,
      hnsw: { ...DEFAULT_HNSW_PARAMETERS, efSearch: options.config.efSearch },
      compactDeletedFraction: 0.25,
      checkpointLogChunks: options.checkpointLogChunks ?? 2048,
    };
    this.registry = new CollectionRegistry(path.join(options.dataDir, 'rag'), {
      settings,
      lock: options.lock,
      onBackgroundError: options.onBackgroundError,
    });
  }

  /** Chunks and embeds outside the lock (the slow part), then stores under the collection lock. */
  async index(request: RagIndexRequest, signal?: AbortSignal): Promise<RagIndexResult> {
    const valid = validateIndexRequest(request, this.config);
    const embedding = await this.currentEmbedding();
    const existing = await this.registry.get(valid.collection);
    if (existing) assertSameEmbedding(valid.collection, existing.embedding, embedding);
    const prepared = await this.prepareDocuments(valid, signal);
    const chunkIds = await this.registry.write(valid.collection, async (write) => {
      const collection = write.collection ?? write.create(embedding);
      assertSameEmbedding(valid.collection, collection.embedding, embedding);
      return collection.upsertDocuments(prepared);
    });
    return {
      collection: valid.collection,
      documents: prepared.map((document, index) => ({ id: document.id, chunks: chunkIds[index] })),
      chunks_indexed: chunkIds.reduce((total, ids) => total + ids.length, 0),
    };
  }

  async search(
    request: RagSearchRequest,
    signal?: AbortSignal,
    hooks?: RagSearchHooks,
  ): Promise<RagSearchResult> {
    const valid = validateSearchRequest(request, this.config);
    const collection = await this.registry.get(valid.collection);
    if (!collection) throw collectionNotFound(valid.collection);
    assertSameEmbedding(valid.collection, collection.embedding, await this.currentEmbedding());
    hooks?.onEmbedding?.();
    const [vector] = await this.embedder.embed([valid.query], signal);
    hooks?.onEmbedded?.();
    const results = collection.search(vector, {
      topK: valid.topK,
      filter: valid.filter,
      minScore: valid.minScore,
    });
    return { collection: valid.collection, results };
  }

  async deleteDocument(id: string, collectionName?: string): Promise<RagDeleteDocumentResult> {
    const name = validateCollectionName(collectionName ?? this.config.defaultCollection);
    if (typeof id !== 'string' || id === '')
      throw GatewayError.invalidRequest("'id' must be a non-empty string", 'id');
    return this.registry.write(name, async ({ collection }) => {
      if (!collection) throw collectionNotFound(name);
      const chunksDeleted = await collection.deleteDocument(id);
      if (chunksDeleted === undefined) throw documentNotFound(id, name);
      return { collection: name, id, deleted: true, chunks_deleted: chunksDeleted };
    });
  }

  async deleteCollection(name: string): Promise<{ name: string; deleted: true }> {
    const valid = validateCollectionName(name, 'name');
    return this.registry.write(valid, async (write) => {
      if (!(await write.deleteCollection())) throw collectionNotFound(valid);
      return { name: valid, deleted: true };
    });
  }

  /** Waits for background checkpoints; call before the process exits or the directory goes away. */
  close(): Promise<void> {
    return this.registry.close();
  }

  /** Reads manifests and logs only, so a stats call does not load every collection into memory. */
  async stats(): Promise<RagStats> {
    const names = await this.registry.names();
    const collections = await Promise.all(names.map((name) => this.collectionStats(name)));
    return {
      collections: collections.filter((stats): stats is RagCollectionStats => stats !== undefined),
    };
  }

  buildQueryPrompt(query: string, results: RagSearchHit[]): RagQueryPrompt {
    return buildQueryPrompt(query, results);
  }

  private async collectionStats(name: string): Promise<RagCollectionStats | undefined> {
    const directory = this.registry.directoryOf(name);
    const committed = await readCommittedTotals(directory);
    if (!committed) return undefined;
    const { manifest, totals } = committed;
    const { type, M, efConstruction } = manifest.index;
    return {
      name,
      documents: totals.documents,
      chunks: totals.chunks,
      dimensions: manifest.embedding.dimensions,
      index: { type, M, efConstruction, efSearch: this.config.efSearch },
      bytes_on_disk: await directoryBytes(directory),
      embedding_model: manifest.embedding.model,
    };
  }

  private async prepareDocuments(
    valid: ValidIndexRequest,
    signal?: AbortSignal,
  ): Promise<PreparedDocument[]> {
    const drafts = valid.documents.map((document) => {
      const id = document.id ?? `doc_${randomUUID().replace(/-/g, '')}`;
      const chunks = chunkText(document.content, {
        chunkSize: valid.chunkSize,
        chunkOverlap: valid.chunkOverlap,
        countTokens: this.countTokens,
      }).map((chunk) => ({
        id: `${id}#${chunk.index}`,
        content: chunk.content,
        start: chunk.start,
        end: chunk.end,
      }));
      return { id, metadata: document.metadata ?? {}, chunks };
    });
    const texts = drafts.flatMap((draft) => draft.chunks.map((chunk) => chunk.content));
    const vectors = await this.embedder.embed(texts, signal);
    if (vectors.length !== texts.length) {
      throw new Error(`Embedder returned ${vectors.length} vectors for ${texts.length} texts`);
    }
    let offset = 0;
    return drafts.map((draft) => {
      const documentVectors = vectors.slice(offset, offset + draft.chunks.length);
      offset += draft.chunks.length;
      return { ...draft, vectors: documentVectors };
    });
  }

  private async currentEmbedding(): Promise<EmbeddingIdentity> {
    if (this.embedder.status().state !== 'ready') await this.embedder.load();
    return { model: this.embedder.modelId, dimensions: await this.embedder.dimensions() };
  }
}
