import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ChunkStore, type NewChunk } from './chunk-store';
import {
  readManifest,
  removeUnreferencedFiles,
  writeManifest,
  type CollectionManifest,
} from './collection-manifest';
import { writeFileDurably } from './durable-file';
import { ExactVectorIndex } from './exact-vector-index';
import { HnswVectorIndex, type HnswParameters } from './hnsw-vector-index';
import { matchesMetadataFilter } from './metadata-filter';
import type { EmbeddingIdentity } from './rag-errors';
import type { DocumentMetadata, MetadataFilter, RagSearchHit } from './rag-types';
import type { LabelFilter, VectorIndex, VectorIndexType } from './vector-index';

export interface CollectionSettings {
  /**
   * Collections up to this many chunks use the exact index: at 1k × 384 a brute-force query
   * costs ~1 ms, gives perfect recall and needs no graph build (efConstruction 200 makes HNSW
   * inserts the slow part of indexing). Past it brute force grows linearly (~10 ms at 10k) while
   * HNSW stays sub-millisecond, so the collection moves to HNSW once and stays there (no flapping
   * around the threshold). @defaultValue 1000
   */
  exactIndexMaxChunks: number;
  hnsw: HnswParameters;
  /** Rebuild the HNSW graph when this share of its slots holds removed chunks. @defaultValue 0.25 */
  compactDeletedFraction: number;
}

export interface PreparedDocument {
  id: string;
  metadata: DocumentMetadata;
  chunks: NewChunk[];
  vectors: Float32Array[];
}

export interface CollectionSearchOptions {
  topK: number;
  filter?: MetadataFilter;
  minScore?: number;
}

/**
 * One collection: chunk store + vector index + manifest under its directory. Not thread-safe:
 * callers serialize writes (the service holds a per-collection lock). Writes change memory first,
 * then commit; if a commit fails the caller must drop this object and reopen from disk.
 */
export class RagCollection {
  private constructor(
    readonly directory: string,
    private manifest: CollectionManifest,
    private readonly chunks: ChunkStore,
    private index: VectorIndex,
    private readonly settings: CollectionSettings,
  ) {}

  /** A new collection; nothing is on disk until the first write commits. */
  static create(
    directory: string,
    name: string,
    embedding: EmbeddingIdentity,
    settings: CollectionSettings,
  ) {
    const manifest: CollectionManifest = {
      format: 1,
      name,
      generation: 0,
      embedding,
      index: { type: 'exact', ...settings.hnsw },
      files: { index: '', chunks: '' },
      documents: 0,
      chunks: 0,
      updated_at: new Date().toISOString(),
    };
    return new RagCollection(
      directory,
      manifest,
      new ChunkStore(),
      createIndex('exact', embedding.dimensions, settings),
      settings,
    );
  }

  /** Loads the committed generation; undefined when the directory holds no committed collection. */
  static async open(
    directory: string,
    settings: CollectionSettings,
  ): Promise<RagCollection | undefined> {
    const manifest = await readManifest(directory);
    if (!manifest) return undefined;
    const chunks = ChunkStore.deserialize(
      await fs.readFile(path.join(directory, manifest.files.chunks), 'utf8'),
    );
    const index = createIndex(manifest.index.type, manifest.embedding.dimensions, settings);
    await index.load(path.join(directory, manifest.files.index));
    if (index.size !== chunks.chunkCount) {
      throw new Error(
        `Collection ${manifest.name}: index holds ${index.size} vectors, chunk store ${chunks.chunkCount}`,
      );
    }
    await removeUnreferencedFiles(directory, manifest);
    return new RagCollection(directory, manifest, chunks, index, settings);
  }

  get name(): string {
    return this.manifest.name;
  }

  get embedding(): EmbeddingIdentity {
    return this.manifest.embedding;
  }

  /** Replaces documents with the same id (old chunks removed), then commits. Returns chunk ids per document. */
  async upsertDocuments(documents: PreparedDocument[]): Promise<string[][]> {
    const chunkIds = documents.map((document) => {
      this.removeFromIndex(this.chunks.removeDocument(document.id));
      const stored = this.chunks.putDocument(document.id, document.metadata, document.chunks);
      this.index.add(
        stored.map((chunk) => chunk.label),
        document.vectors,
      );
      return stored.map((chunk) => chunk.id);
    });
    this.upgradeToHnswWhenLarge();
    await this.commit();
    return chunkIds;
  }

  /** Returns the number of chunks removed, or undefined when the document is absent. */
  async deleteDocument(id: string): Promise<number | undefined> {
    const labels = this.chunks.removeDocument(id);
    if (!labels) return undefined;
    this.removeFromIndex(labels);
    await this.commit();
    return labels.length;
  }

  search(vector: Float32Array, options: CollectionSearchOptions): RagSearchHit[] {
    const hits = this.index.search(vector, options.topK, {
      filter: options.filter && this.labelFilter(options.filter),
      efSearch: this.settings.hnsw.efSearch,
    });
    const minScore = options.minScore ?? -Infinity;
    return hits
      .filter((hit) => hit.score >= minScore)
      .flatMap((hit) => this.toSearchHit(hit.label, hit.score));
  }

  private labelFilter(filter: MetadataFilter): LabelFilter {
    return (label) => {
      const chunk = this.chunks.chunk(label);
      const document = chunk && this.chunks.document(chunk.documentId);
      return document !== undefined && matchesMetadataFilter(document.metadata, filter);
    };
  }

  private toSearchHit(label: number, score: number): RagSearchHit[] {
    const chunk = this.chunks.chunk(label);
    const document = chunk && this.chunks.document(chunk.documentId);
    if (!chunk || !document) return [];
    return [
      {
        id: chunk.id,
        document_id: chunk.documentId,
        score,
        content: chunk.content,
        metadata: document.metadata,
      },
    ];
  }

  private removeFromIndex(labels: number[] | undefined): void {
    labels?.forEach((label) => this.index.remove(label));
    const index = this.index;
    if (
      index instanceof HnswVectorIndex &&
      index.deletedFraction > this.settings.compactDeletedFraction
    ) {
      index.compact();
    }
  }

  private upgradeToHnswWhenLarge(): void {
    if (this.index.type !== 'exact' || this.index.size <= this.settings.exactIndexMaxChunks) return;
    const hnsw = createIndex('hnsw', this.embedding.dimensions, this.settings);
    const labels: number[] = [];
    const vectors: Float32Array[] = [];
    for (const [label, vector] of this.index.entries()) {
      labels.push(label);
      vectors.push(vector);
    }
    hnsw.add(labels, vectors);
    this.index = hnsw;
  }

  /** Writes generation n+1 (index, chunks), then the manifest naming it: the commit point. */
  private async commit(): Promise<void> {
    const generation = this.manifest.generation + 1;
    const files = {
      index: `index-${generation}.${this.index.type}`,
      chunks: `chunks-${generation}.json`,
    };
    await fs.mkdir(this.directory, { recursive: true });
    await this.index.save(path.join(this.directory, files.index));
    await writeFileDurably(path.join(this.directory, files.chunks), this.chunks.serialize());
    const manifest: CollectionManifest = {
      ...this.manifest,
      generation,
      index: { ...this.settings.hnsw, type: this.index.type },
      files,
      documents: this.chunks.documentCount,
      chunks: this.chunks.chunkCount,
      updated_at: new Date().toISOString(),
    };
    await writeManifest(this.directory, manifest);
    this.manifest = manifest;
    await removeUnreferencedFiles(this.directory, manifest);
  }
}

function createIndex(
  type: VectorIndexType,
  dimensions: number,
  settings: CollectionSettings,
): VectorIndex {
  if (type === 'exact') return new ExactVectorIndex(dimensions);
  return new HnswVectorIndex({ dimensions, ...settings.hnsw });
}
