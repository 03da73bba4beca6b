import { GatewayError } from '@app/contracts';
import { HashingEmbedder } from '@app/testing/rag/hashing-embedder';
import { makeRagService, TOPIC_DOCUMENTS, TEST_RAG_CONFIG } from '@app/testing/rag/rag-test-setup';
import { makeTempDirectory, removeDirectory } from '@app/testing/rag/temp-directory';
import type { RagIndexRequest, RagSearchRequest } from './rag-types';

/** Requests as they could arrive over HTTP: any shape. */
type Untyped<T> = { [K in keyof T]?: unknown } & Record<string, unknown>;

async function expectGatewayError(
  promise: Promise<unknown>,
  expected: Partial<Pick<GatewayError, 'status' | 'type' | 'param' | 'code'>>,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayError);
  expect(error).toMatchObject(expected);
}

describe('RagService input validation', () => {
  let dataDir: string;
  const index = (request: Untyped<RagIndexRequest>) =>
    makeRagService(dataDir).index(request as unknown as RagIndexRequest);
  const search = (request: Untyped<RagSearchRequest>) =>
    makeRagService(dataDir).search(request as unknown as RagSearchRequest);
  const badRequest = (param: string, code: string | null = null) => ({
    status: 400,
    type: 'invalid_request_error' as const,
    param,
    code,
  });

  beforeEach(async () => {
    dataDir = makeTempDirectory();
    await makeRagService(dataDir).index({ documents: TOPIC_DOCUMENTS });
  });
  afterEach(() => removeDirectory(dataDir));

  it.each([
    ['empty content', { documents: [{ content: '' }] }, 'documents[0].content'],
    [
      'blank content',
      { documents: [{ id: 'a', content: 'ok' }, { content: ' \n ' }] },
      'documents[1].content',
    ],
    ['non-string content', { documents: [{ content: 42 }] }, 'documents[0].content'],
    ['no documents', { documents: [] }, 'documents'],
    ['documents not an array', { documents: 'text' }, 'documents'],
    ['document not an object', { documents: ['text'] }, 'documents[0]'],
    ['empty id', { documents: [{ id: '', content: 'x' }] }, 'documents[0].id'],
    [
      'duplicate ids',
      {
        documents: [
          { id: 'a', content: 'x' },
          { id: 'a', content: 'y' },
        ],
      },
      'documents[1].id',
    ],
    ['metadata array', { documents: [{ content: 'x', metadata: [1] }] }, 'documents[0].metadata'],
    ['bad collection name', { collection: '../etc', documents: [{ content: 'x' }] }, 'collection'],
    ['chunk_size too small', { chunk_size: 4, documents: [{ content: 'x' }] }, 'chunk_size'],
    [
      'overlap ≥ chunk size',
      { chunk_size: 32, chunk_overlap: 32, documents: [{ content: 'x' }] },
      'chunk_overlap',
    ],
  ])('index rejects %s with 400', async (_name, request, param) => {
    await expectGatewayError(index(request), badRequest(param));
  });

  it('rejects too many documents per request', async () => {
    const documents = Array.from({ length: TEST_RAG_CONFIG.maxDocumentsPerRequest + 1 }, () => ({
      content: 'x',
    }));
    await expectGatewayError(index({ documents }), badRequest('documents', 'too_many_documents'));
  });

  it('rejects a document over maxDocumentBytes with 413 document_too_large', async () => {
    const content = 'é'.repeat(TEST_RAG_CONFIG.maxDocumentBytes / 2 + 1);
    await expectGatewayError(index({ documents: [{ content }] }), {
      status: 413,
      code: 'document_too_large',
      param: 'documents[0].content',
    });
  });

  it.each([
    ['empty query', { query: '' }, 'query'],
    ['top_k 0', { query: 'q', top_k: 0 }, 'top_k'],
    ['top_k 101', { query: 'q', top_k: 101 }, 'top_k'],
    ['fractional top_k', { query: 'q', top_k: 2.5 }, 'top_k'],
    ['filter value object', { query: 'q', filter: { kind: { $eq: 'code' } } }, 'filter.kind'],
    ['filter value array', { query: 'q', filter: { kind: ['code'] } }, 'filter.kind'],
    ['filter value null', { query: 'q', filter: { kind: null } }, 'filter.kind'],
    ['filter not an object', { query: 'q', filter: 'kind=code' }, 'filter'],
    ['min_score string', { query: 'q', min_score: '0.5' }, 'min_score'],
    ['min_score above 1', { query: 'q', min_score: 1.5 }, 'min_score'],
    ['min_score below -1', { query: 'q', min_score: -2 }, 'min_score'],
    ['min_score NaN', { query: 'q', min_score: Number.NaN }, 'min_score'],
  ])('search rejects %s with 400', async (_name, request, param) => {
    await expectGatewayError(search(request), badRequest(param));
  });

  it('answers 404 collection_not_found for an unknown collection', async () => {
    await expectGatewayError(search({ collection: 'nope', query: 'q' }), {
      status: 404,
      code: 'collection_not_found',
      param: 'collection',
    });
    await expectGatewayError(makeRagService(dataDir).deleteDocument('cats', 'nope'), {
      status: 404,
    });
  });

  it('rejects a different embedding model or dimension with 400 embedding_model_mismatch', async () => {
    const otherModel = makeRagService(dataDir, {
      embedder: new HashingEmbedder({ modelId: 'other/model' }),
    });
    const otherDimensions = makeRagService(dataDir, {
      embedder: new HashingEmbedder({ dimensions: 32 }),
    });
    const mismatch = badRequest('collection', 'embedding_model_mismatch');
    await expectGatewayError(otherModel.search({ query: 'cats' }), mismatch);
    await expectGatewayError(otherDimensions.search({ query: 'cats' }), mismatch);
    await expectGatewayError(otherModel.index({ documents: [{ content: 'more' }] }), mismatch);
    // Another collection can use the other model.
    await expect(
      otherModel.index({ collection: 'other', documents: [{ content: 'fine' }] }),
    ).resolves.toBeDefined();
  });

  it('leaves the collection untouched after rejected requests', async () => {
    await index({ documents: [{ id: 'cats', content: 'replacement' }, { content: '' }] }).catch(
      () => undefined,
    );
    const { results } = await makeRagService(dataDir).search({ query: 'cats purr', top_k: 1 });
    expect(results[0].content).toContain('Cats purr');
  });
});
