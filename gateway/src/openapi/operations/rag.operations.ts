import { ragIndexSchema, ragQuerySchema, ragSearchSchema } from '@app/contracts';
import { named, type ApiOperation } from '../api-operation';
import { chatCompletionChunkSchema } from '../schemas/openai-responses.schema';
import {
  ragAnswerSchema,
  ragCollectionDeletedSchema,
  ragDocumentDeletedSchema,
  ragIndexResponseSchema,
  ragSearchResponseSchema,
  ragStatsSchema,
} from '../schemas/rag-responses.schema';
import { ROUTED_ERRORS } from './openai.operations';

export const ragOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/v1/rag/index',
    tag: 'RAG',
    auth: 'client',
    summary: 'Index documents into a collection',
    description:
      "Documents are chunked, embedded locally and added to the collection's HNSW index; re-indexing a document id replaces its chunks.",
    requestBody: named('RagIndexRequest', ragIndexSchema),
    responses: [
      {
        status: 200,
        description: 'Chunk ids per document',
        body: named('RagIndexResponse', ragIndexResponseSchema),
      },
    ],
    errors: [400, 401, 413, 503],
  },
  {
    method: 'post',
    path: '/v1/rag/search',
    tag: 'RAG',
    auth: 'client',
    summary: 'Nearest chunks to a query, with scores',
    requestBody: named('RagSearchRequest', ragSearchSchema),
    responses: [
      {
        status: 200,
        description: 'Ranked chunks',
        body: named('RagSearchResponse', ragSearchResponseSchema),
      },
    ],
    errors: [400, 401, 404, 503],
  },
  {
    method: 'post',
    path: '/v1/rag/query',
    tag: 'RAG',
    auth: 'client',
    summary: 'Answer a question from a collection, citing sources',
    description:
      'Retrieves chunks, builds a cited prompt and routes it like `/v1/chat/completions`.',
    requestBody: named('RagQueryRequest', ragQuerySchema),
    responses: [
      {
        status: 200,
        description: 'The answer with its sources, or with `stream: true` server-sent events',
        body: named('RagAnswer', ragAnswerSchema),
        stream: named('ChatCompletionChunk', chatCompletionChunkSchema),
      },
    ],
    errors: ROUTED_ERRORS,
  },
  {
    method: 'get',
    path: '/v1/rag/stats',
    tag: 'RAG',
    auth: 'client',
    summary: 'Collections with document and chunk counts',
    responses: [
      {
        status: 200,
        description: 'Per-collection statistics',
        body: named('RagStats', ragStatsSchema),
      },
    ],
    errors: [401, 503],
  },
  {
    method: 'delete',
    path: '/v1/rag/documents/{id}',
    tag: 'RAG',
    auth: 'client',
    summary: 'Delete a document and its chunks',
    pathParams: { id: 'document id' },
    query: { collection: 'collection name (RAG_DEFAULT_COLLECTION when absent)' },
    responses: [
      {
        status: 200,
        description: 'Deleted',
        body: named('RagDocumentDeleted', ragDocumentDeletedSchema),
      },
    ],
    errors: [400, 401, 404],
  },
  {
    method: 'delete',
    path: '/v1/rag/collections/{name}',
    tag: 'RAG',
    auth: 'client',
    summary: 'Delete a collection',
    pathParams: { name: 'collection name' },
    responses: [
      {
        status: 200,
        description: 'Deleted',
        body: named('RagCollectionDeleted', ragCollectionDeletedSchema),
      },
    ],
    errors: [400, 401, 404],
  },
];
