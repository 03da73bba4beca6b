import type { ChatMessage, Usage } from '@app/contracts';
import type { VectorIndexType } from './vector-index';

/** Free-form JSON object attached to a document and returned with its chunks. */
export type DocumentMetadata = Record<string, unknown>;

/** Metadata equality: every key must equal the document's value. */
export type MetadataFilter = Record<string, string | number | boolean>;

export interface RagDocumentInput {
  /** Generated ("doc_…") when absent; an existing id replaces that document's chunks. */
  id?: string;
  content: string;
  metadata?: DocumentMetadata;
}

export interface RagIndexRequest {
  /** @defaultValue RagConfig.defaultCollection */
  collection?: string;
  documents: RagDocumentInput[];
  /** Tokens per chunk. @defaultValue RagConfig.chunkSize */
  chunk_size?: number;
  /** @defaultValue RagConfig.chunkOverlap */
  chunk_overlap?: number;
}

export interface RagIndexResult {
  collection: string;
  documents: { id: string; chunks: string[] }[];
  chunks_indexed: number;
}

export interface RagSearchRequest {
  collection?: string;
  query: string;
  /** 1..100. @defaultValue 5 */
  top_k?: number;
  filter?: MetadataFilter;
  /** Drop hits whose cosine similarity is below this, in [-1, 1]. */
  min_score?: number;
}

export interface RagSearchHit {
  /** Chunk id ("<document id>#<n>"). */
  id: string;
  document_id: string;
  score: number;
  content: string;
  metadata: DocumentMetadata;
}

export interface RagSearchResult {
  collection: string;
  results: RagSearchHit[];
}

export interface RagDeleteDocumentResult {
  collection: string;
  id: string;
  deleted: true;
  chunks_deleted: number;
}

export interface RagCollectionStats {
  name: string;
  documents: number;
  chunks: number;
  dimensions: number;
  index: { type: VectorIndexType; M: number; efConstruction: number; efSearch: number };
  bytes_on_disk: number;
  embedding_model: string;
}

export interface RagStats {
  collections: RagCollectionStats[];
}

export interface RagSource {
  /** "[1]", "[2]"… as cited in the answer. */
  marker: string;
  id: string;
  document_id: string;
  score: number;
  excerpt: string;
}

/** The first SSE event of a streamed `/v1/rag/query`: which chunk each citation marker refers to. */
export interface RagSourcesEvent {
  object: 'rag.sources';
  collection: string;
  sources: RagSource[];
}

/** A non-streamed `/v1/rag/query` answer (gateway and worker port alike). */
export interface RagAnswer {
  object: 'rag.answer';
  collection: string;
  answer: string;
  sources: RagSource[];
  usage: Usage | undefined;
  model: string;
  /** The provider that answered: a routed provider on the gateway, "local" on the worker. */
  provider: string;
}

export interface RagQueryPrompt {
  messages: ChatMessage[];
  sources: RagSource[];
}
