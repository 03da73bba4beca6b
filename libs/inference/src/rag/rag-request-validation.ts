import { GatewayError } from '@app/contracts';
import type { RagConfig } from '@app/config';
import { documentTooLarge } from './rag-errors';
import type {
  DocumentMetadata,
  MetadataFilter,
  RagDocumentInput,
  RagIndexRequest,
  RagSearchRequest,
} from './rag-types';

/** Letters, digits, "_", "-", "." (not first): safe as a directory name, no path traversal. */
const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/**
 * Stored names may be longer than the 64 characters clients may use: the gateway prefixes a
 * tenant's collections with its tenant id (`ten_….docs`).
 */
export const MAX_STORED_COLLECTION_NAME = 128;
export const MAX_CLIENT_COLLECTION_NAME = 64;
const MAX_DOCUMENT_ID_LENGTH = 256;
const MIN_CHUNK_SIZE = 16;
const MAX_CHUNK_SIZE = 8192;
export const MAX_TOP_K = 100;
export const DEFAULT_TOP_K = 5;

export interface ValidIndexRequest {
  collection: string;
  documents: RagDocumentInput[];
  chunkSize: number;
  chunkOverlap: number;
}

export interface ValidSearchRequest {
  collection: string;
  query: string;
  topK: number;
  filter?: MetadataFilter;
  minScore?: number;
}

export function validateCollectionName(
  name: unknown,
  param = 'collection',
  maxLength = MAX_STORED_COLLECTION_NAME,
): string {
  if (typeof name !== 'string' || name.length > maxLength || !COLLECTION_NAME.test(name)) {
    throw GatewayError.invalidRequest(
      `'${param}' must be 1-${maxLength} letters, digits, '_', '-' or '.', starting with a letter or digit`,
      param,
    );
  }
  return name;
}

export function validateIndexRequest(
  request: RagIndexRequest,
  config: RagConfig,
): ValidIndexRequest {
  const collection = validateCollectionName(request.collection ?? config.defaultCollection);
  const chunkSize = validateInteger(
    request.chunk_size ?? config.chunkSize,
    'chunk_size',
    MIN_CHUNK_SIZE,
    MAX_CHUNK_SIZE,
  );
  const chunkOverlap = validateInteger(
    request.chunk_overlap ?? config.chunkOverlap,
    'chunk_overlap',
    0,
    chunkSize - 1,
  );
  const documents = request.documents as unknown;
  if (!Array.isArray(documents) || documents.length === 0) {
    throw GatewayError.invalidRequest("'documents' must be a non-empty array", 'documents');
  }
  if (documents.length > config.maxDocumentsPerRequest) {
    throw GatewayError.invalidRequest(
      `At most ${config.maxDocumentsPerRequest} documents per request; got ${documents.length}`,
      'documents',
      'too_many_documents',
    );
  }
  const seenIds = new Set<string>();
  documents.forEach((document: unknown, index) => {
    validateDocument(document, `documents[${index}]`, config.maxDocumentBytes, seenIds);
  });
  return { collection, documents: documents as RagDocumentInput[], chunkSize, chunkOverlap };
}

export function validateSearchRequest(
  request: RagSearchRequest,
  config: RagConfig,
): ValidSearchRequest {
  const collection = validateCollectionName(request.collection ?? config.defaultCollection);
  const query = request.query as unknown;
  if (typeof query !== 'string' || query.trim() === '') {
    throw GatewayError.invalidRequest("'query' must be a non-empty string", 'query');
  }
  const topK = validateInteger(request.top_k ?? DEFAULT_TOP_K, 'top_k', 1, MAX_TOP_K);
  const filter = request.filter === undefined ? undefined : validateFilter(request.filter);
  const minScore =
    request.min_score === undefined ? undefined : validateMinScore(request.min_score);
  return { collection, query, topK, filter, minScore };
}

function validateDocument(
  document: unknown,
  param: string,
  maxBytes: number,
  seenIds: Set<string>,
): void {
  if (!isPlainObject(document))
    throw GatewayError.invalidRequest(`'${param}' must be an object`, param);
  const { id, content, metadata } = document;
  if (id !== undefined) {
    if (typeof id !== 'string' || id.trim() === '' || id.length > MAX_DOCUMENT_ID_LENGTH) {
      throw GatewayError.invalidRequest(
        `'${param}.id' must be a non-empty string of at most 256 characters`,
        `${param}.id`,
      );
    }
    if (seenIds.has(id))
      throw GatewayError.invalidRequest(`Document id '${id}' appears twice`, `${param}.id`);
    seenIds.add(id);
  }
  if (typeof content !== 'string' || content.trim() === '') {
    throw GatewayError.invalidRequest(
      `'${param}.content' must be a non-empty string`,
      `${param}.content`,
    );
  }
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > maxBytes) throw documentTooLarge(`${param}.content`, bytes, maxBytes);
  if (metadata !== undefined && !isPlainObject(metadata)) {
    throw GatewayError.invalidRequest(`'${param}.metadata' must be an object`, `${param}.metadata`);
  }
}

function validateFilter(filter: unknown): MetadataFilter {
  if (!isPlainObject(filter))
    throw GatewayError.invalidRequest("'filter' must be an object", 'filter');
  for (const [key, value] of Object.entries(filter)) {
    const isScalar =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!isScalar) {
      throw GatewayError.invalidRequest(
        `'filter.${key}' must be a string, a finite number or a boolean (equality match)`,
        `filter.${key}`,
      );
    }
  }
  return filter as MetadataFilter;
}

function validateMinScore(minScore: unknown): number {
  if (typeof minScore !== 'number' || !Number.isFinite(minScore) || minScore < -1 || minScore > 1) {
    throw GatewayError.invalidRequest("'min_score' must be a number between -1 and 1", 'min_score');
  }
  return minScore;
}

function validateInteger(value: unknown, param: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw GatewayError.invalidRequest(
      `'${param}' must be an integer between ${min} and ${max}`,
      param,
    );
  }
  return value;
}

function isPlainObject(value: unknown): value is DocumentMetadata {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
