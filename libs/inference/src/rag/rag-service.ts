import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { GatewayError } from '@app/contracts';
import type { RagConfig } from '@app/config';
import type { Embedder } from '../embeddings/embedder';
import { chunkText } from './chunker';
import { directoryBytes, readManifest } from './collection-manifest';
import { CollectionRegistry } from './collection-registry';
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
  /** Measures chunk sizes. @defaultValue estimateTokens (word-piece estimate) */
  countTokens?: TokenCounter;
}

/**
 * Index documents (chunk → embed → store), search them, and build cited prompts. All bad input
 * throws GatewayError (400, or 413 for an oversized document, 404 for unknown collections and
 * documents). One process owns a data directory.
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
    };
    this.registry = new CollectionRegistry(path.join(options.dataDir, 'rag'), settings);
  }

  /** Chunks and embeds outside the lock (the slow part), then stores under the collection lock. */
  async index(request: RagIndexRequest, signal?: AbortSignal): Promise<RagIndexResult> {
    const valid = validateIndexRequest(request, this.config);
    const embedding = await this.currentEmbedding();
    const existing = await this.registry.get(valid.collection);
    if (existing) assertSameEmbedding(valid.collection, existing.embedding, embedding);
    const prepared = await this.prepareDocuments(valid, signal);
    const chunkIds = await this.registry.lock.run(valid.collection, async () => {
      const collection = await this.registry.getOrCreate(valid.collection, embedding);
      assertSameEmbedding(valid.collection, collection.embedding, embedding);
      return this.writeOrForget(valid.collection, () => collection.upsertDocuments(prepared));
    });
    return {
      collection: valid.collection,
      documents: prepared.map((document, index) => ({ id: document.id, chunks: chunkIds[index] })),
      chunks_indexed: chunkIds.reduce((total, ids) => total + ids.length, 0),
    };
  }

  async search(request: RagSearchRequest, signal?: AbortSignal): Promise<RagSearchResult> {
    const valid = validateSearchRequest(request, this.config);
    const collection = await this.registry.get(valid.collection);
    if (!collection) throw collectionNotFound(valid.collection);
    assertSameEmbedding(valid.collection, collection.embedding, await this.currentEmbedding());
    const [vector] = await this.embedder.embed([valid.query], signal);
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
    return this.registry.lock.run(name, async () => {
      const collection = await this.registry.get(name);
      if (!collection) throw collectionNotFound(name);
      const chunksDeleted = await this.writeOrForget(name, () => collection.deleteDocument(id));
      if (chunksDeleted === undefined) throw documentNotFound(id, name);
      return { collection: name, id, deleted: true, chunks_deleted: chunksDeleted };
    });
  }

  async deleteCollection(name: string): Promise<{ name: string; deleted: true }> {
    const valid = validateCollectionName(name, 'name');
    return this.registry.lock.run(valid, async () => {
      if (!(await this.registry.delete(valid))) throw collectionNotFound(valid);
      return { name: valid, deleted: true };
    });
  }

  /** Reads manifests only, so a stats call does not load every collection into memory. */
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
    const manifest = await readManifest(directory);
    if (!manifest) return undefined;
    const { type, M, efConstruction } = manifest.index;
    return {
      name,
      documents: manifest.documents,
      chunks: manifest.chunks,
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

  /** A failed write leaves memory ahead of disk: drop the cached collection so it reloads. */
  private async writeOrForget<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      this.registry.forget(name);
      throw error;
    }
  }

  private async currentEmbedding(): Promise<EmbeddingIdentity> {
    if (this.embedder.status().state !== 'ready') await this.embedder.load();
    return { model: this.embedder.modelId, dimensions: await this.embedder.dimensions() };
  }
}
