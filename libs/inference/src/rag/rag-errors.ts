import { GatewayError } from '@app/contracts';

export function collectionNotFound(name: string): GatewayError {
  return new GatewayError(
    404,
    `The collection '${name}' does not exist`,
    'not_found_error',
    'collection_not_found',
    'collection',
  );
}

export function documentNotFound(id: string, collection: string): GatewayError {
  return new GatewayError(
    404,
    `The document '${id}' does not exist in collection '${collection}'`,
    'not_found_error',
    'document_not_found',
    'id',
  );
}

/** The collection's lock file stayed held by a live writer for the whole wait. */
export function collectionBusy(name: string): GatewayError {
  return new GatewayError(
    503,
    `The collection '${name}' is locked by another writer; try again`,
    'service_unavailable',
    'collection_busy',
    'collection',
  );
}

/** 413 rather than 400: the request is well-formed, one document is over the size limit. */
export function documentTooLarge(param: string, bytes: number, limit: number): GatewayError {
  return new GatewayError(
    413,
    `Document is ${bytes} bytes; the limit is ${limit} bytes (RAG_MAX_DOCUMENT_BYTES)`,
    'invalid_request_error',
    'document_too_large',
    param,
  );
}

export interface EmbeddingIdentity {
  model: string;
  dimensions: number;
}

export function assertSameEmbedding(
  collection: string,
  recorded: EmbeddingIdentity,
  current: EmbeddingIdentity,
): void {
  if (recorded.model === current.model && recorded.dimensions === current.dimensions) return;
  throw GatewayError.invalidRequest(
    `Collection '${collection}' was indexed with embedding model '${recorded.model}' ` +
      `(${recorded.dimensions} dimensions) but the current model is '${current.model}' ` +
      `(${current.dimensions} dimensions). Re-index into a new collection or delete this one.`,
    'collection',
    'embedding_model_mismatch',
  );
}
