import { ChunkStore, type NewChunk } from './chunk-store';
import type { LoggedDocument, LogRecord, LogTotals } from './collection-log';
import { ExactVectorIndex } from './exact-vector-index';
import { HnswVectorIndex, type HnswParameters } from './hnsw-vector-index';
import { matchesMetadataFilter } from './metadata-filter';
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
  /**
   * Write a new snapshot (in the background) once the log holds this many upserted chunks and
   * deleted documents. Bounds the replay at load (~1 ms per chunk inserted into a 100k HNSW
   * graph) while a snapshot of 100k chunks (~1 s) is paid once per this many chunks.
   * @defaultValue 2048
   */
  checkpointLogChunks: number;
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
  /** @defaultValue CollectionSettings.hnsw.efSearch (RAG_EF_SEARCH); benchmarks vary it */
  efSearch?: number;
}

/**
 * A collection in memory: its documents and chunks (`ChunkStore`) and their vectors (`VectorIndex`).
 * Live writes and log replay go through the same `applyUpsert` / `applyDelete`, so a collection
 * rebuilt from disk is the one that was written. Knows nothing about files.
 */
export class CollectionContents {
  constructor(
    readonly chunks: ChunkStore,
    private currentIndex: VectorIndex,
    private readonly settings: CollectionSettings,
  ) {}

  static empty(dimensions: number, settings: CollectionSettings): CollectionContents {
    return new CollectionContents(
      new ChunkStore(),
      createIndex('exact', dimensions, settings),
      settings,
    );
  }

  get index(): VectorIndex {
    return this.currentIndex;
  }

  /** Gives new documents' chunks their labels, as they will be logged. */
  label(documents: PreparedDocument[]): LoggedDocument[] {
    return documents.map((document) => ({
      id: document.id,
      metadata: document.metadata,
      chunks: this.chunks.assignLabels(document.chunks),
    }));
  }

  /** Applies a logged write (log replay). */
  replay({ entry, vectors }: LogRecord): void {
    if (entry.op === 'upsert') this.applyUpsert(entry.documents, vectors);
    else entry.ids.forEach((id) => this.applyDelete(id));
  }

  applyUpsert(documents: LoggedDocument[], vectors: Float32Array[]): void {
    let offset = 0;
    for (const document of documents) {
      this.removeFromIndex(this.chunks.removeDocument(document.id));
      const stored = this.chunks.putDocument(document.id, document.metadata, document.chunks);
      this.currentIndex.add(
        stored.map((chunk) => chunk.label),
        vectors.slice(offset, offset + stored.length),
      );
      offset += stored.length;
    }
  }

  applyDelete(id: string): number | undefined {
    const labels = this.chunks.removeDocument(id);
    this.removeFromIndex(labels);
    return labels?.length;
  }

  totals(): LogTotals {
    return { documents: this.chunks.documentCount, chunks: this.chunks.chunkCount };
  }

  search(vector: Float32Array, options: CollectionSearchOptions): RagSearchHit[] {
    const hits = this.currentIndex.search(vector, options.topK, {
      filter: options.filter && this.labelFilter(options.filter),
      efSearch: options.efSearch ?? this.settings.hnsw.efSearch,
    });
    const minScore = options.minScore ?? -Infinity;
    return hits
      .filter((hit) => hit.score >= minScore)
      .flatMap((hit) => this.toSearchHit(hit.label, hit.score));
  }

  /** True when it moved the collection to HNSW. */
  upgradeToHnswWhenLarge(): boolean {
    if (
      this.currentIndex.type !== 'exact' ||
      this.currentIndex.size <= this.settings.exactIndexMaxChunks
    )
      return false;
    const hnsw = createIndex('hnsw', this.currentIndex.dimensions, this.settings);
    const labels: number[] = [];
    const vectors: Float32Array[] = [];
    for (const [label, vector] of this.currentIndex.entries()) {
      labels.push(label);
      vectors.push(vector);
    }
    hnsw.add(labels, vectors);
    this.currentIndex = hnsw;
    return true;
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
    labels?.forEach((label) => this.currentIndex.remove(label));
    const index = this.currentIndex;
    if (
      index instanceof HnswVectorIndex &&
      index.deletedFraction > this.settings.compactDeletedFraction
    ) {
      index.compact();
    }
  }
}

/** What a log record adds to the checkpoint trigger: upserted chunks, deleted documents. */
export function writesIn({ entry }: LogRecord): number {
  return entry.op === 'upsert'
    ? entry.documents.reduce((total, document) => total + document.chunks.length, 0)
    : entry.ids.length;
}

export function createIndex(
  type: VectorIndexType,
  dimensions: number,
  settings: CollectionSettings,
): VectorIndex {
  if (type === 'exact') return new ExactVectorIndex(dimensions);
  return new HnswVectorIndex({ dimensions, ...settings.hnsw });
}
