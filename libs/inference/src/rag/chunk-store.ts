import type { DocumentMetadata } from './rag-types';

export interface StoredChunk {
  id: string;
  /** The chunk's label in the vector index; never reused, so a stale label cannot alias. */
  label: number;
  documentId: string;
  content: string;
  /** Character offsets in the original document. */
  start: number;
  end: number;
}

export interface StoredDocument {
  id: string;
  metadata: DocumentMetadata;
  labels: number[];
}

/** A chunk about to be stored (its label is assigned by the store). */
export type NewChunk = Omit<StoredChunk, 'label' | 'documentId'>;

/** A chunk with its label, as it is written to snapshots and to the collection log. */
export type LabelledChunk = Omit<StoredChunk, 'documentId'>;

interface SerializedChunkStore {
  format: 1;
  nextLabel: number;
  documents: {
    id: string;
    metadata: DocumentMetadata;
    chunks: LabelledChunk[];
  }[];
}

/** Documents, their chunks and the label ↔ chunk mapping of one collection, in memory. */
export class ChunkStore {
  private readonly documents = new Map<string, StoredDocument>();
  private readonly chunksByLabel = new Map<number, StoredChunk>();
  private nextLabel = 0;

  get documentCount(): number {
    return this.documents.size;
  }

  get chunkCount(): number {
    return this.chunksByLabel.size;
  }

  document(id: string): StoredDocument | undefined {
    return this.documents.get(id);
  }

  chunk(label: number): StoredChunk | undefined {
    return this.chunksByLabel.get(label);
  }

  /** Gives chunks fresh labels (never reused, also after a restart: `nextLabel` is persisted). */
  assignLabels(chunks: NewChunk[]): LabelledChunk[] {
    return chunks.map((chunk) => ({ ...chunk, label: this.nextLabel++ }));
  }

  /** Stores a document whose chunks carry labels; the caller removes any previous version first. */
  putDocument(id: string, metadata: DocumentMetadata, chunks: LabelledChunk[]): StoredChunk[] {
    if (this.documents.has(id)) throw new Error(`Document ${id} is already stored`);
    const stored = chunks.map((chunk) => ({ ...chunk, documentId: id }));
    stored.forEach((chunk) => this.chunksByLabel.set(chunk.label, chunk));
    this.documents.set(id, { id, metadata, labels: stored.map((chunk) => chunk.label) });
    // Replayed chunks were labelled by the writer: never hand their labels out again.
    for (const chunk of stored) this.nextLabel = Math.max(this.nextLabel, chunk.label + 1);
    return stored;
  }

  /** Returns the labels the document's chunks had, or undefined when absent. */
  removeDocument(id: string): number[] | undefined {
    const document = this.documents.get(id);
    if (!document) return undefined;
    document.labels.forEach((label) => this.chunksByLabel.delete(label));
    this.documents.delete(id);
    return document.labels;
  }

  serialize(): string {
    const serialized: SerializedChunkStore = {
      format: 1,
      nextLabel: this.nextLabel,
      documents: [...this.documents.values()].map((document) => ({
        id: document.id,
        metadata: document.metadata,
        chunks: document.labels.map((label) => {
          const { documentId: _documentId, ...chunk } = this.chunksByLabel.get(
            label,
          ) as StoredChunk;
          return chunk;
        }),
      })),
    };
    return JSON.stringify(serialized);
  }

  static deserialize(json: string): ChunkStore {
    const serialized = JSON.parse(json) as SerializedChunkStore;
    if (serialized.format !== 1)
      throw new Error(`Unknown chunk store format ${String(serialized.format)}`);
    const store = new ChunkStore();
    store.nextLabel = serialized.nextLabel;
    for (const document of serialized.documents) {
      const chunks = document.chunks.map((chunk) => ({ ...chunk, documentId: document.id }));
      chunks.forEach((chunk) => store.chunksByLabel.set(chunk.label, chunk));
      store.documents.set(document.id, {
        id: document.id,
        metadata: document.metadata,
        labels: chunks.map((chunk) => chunk.label),
      });
    }
    return store;
  }
}
