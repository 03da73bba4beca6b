import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels, type TestModelPaths } from '@app/testing';
import { ragWorkerEnv, WorkerProcess } from '@app/testing/processes/worker-process';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@app/testing/redis/delete-keys-with-prefix';
import {
  postJson,
  startGateway,
  type RunningGateway,
} from '../../gateway/test/support/gateway-harness';

// The RAG endpoints on the worker's own port (WORKER_PORT): same schemas, statuses and error shape
// as the gateway, run directly against the worker's RagService. Random-weight models: assert ids,
// counts, shapes and protocol, never meaning.

const COLLECTION = 'handbook';
const EXPENSES = 'Expense reports are filed every month through the finance portal.';
const HOLIDAYS = 'Holidays are requested two weeks in advance from the team lead.';
const MAX_DOCUMENT_BYTES = 4096;

async function send(method: string, url: string, body?: string) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, any> };
}

function expectOpenAIError(
  response: { status: number; json: Record<string, any> },
  status: number,
  fields: { param?: string | null; code?: string | null; type?: string },
) {
  expect(response.status).toBe(status);
  expect(Object.keys(response.json)).toEqual(['error']);
  expect(Object.keys(response.json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof response.json.error.message).toBe('string');
  expect(response.json.error).toMatchObject(fields);
}

describe('RAG endpoints on the worker port', () => {
  const queuePrefix = `test-rag-port-${randomUUID().slice(0, 8)}`;
  let models: TestModelPaths;
  let dataDir: string;
  let worker: WorkerProcess;
  let gateway: RunningGateway;
  const rag = (path: string) => `${worker.baseUrl}/v1/rag/${path}`;

  beforeAll(async () => {
    models = ensureTestModels();
    dataDir = mkdtempSync(join(tmpdir(), 'rag-port-e2e-'));
    worker = await WorkerProcess.start({
      ...ragWorkerEnv(models, queuePrefix, dataDir),
      WORKER_LLM_MODEL_PATH: models.chatModelPath,
      WORKER_LLM_THREADS: '1',
      WORKER_LLM_CONTEXT_SIZE: '2048',
      WORKER_LLM_SYSTEM_PROMPT: 'Be brief.',
      RAG_MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT_BYTES),
      MAX_BODY_BYTES: '65536',
    });
    gateway = await startGateway({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: queuePrefix });
  }, 45_000);

  afterAll(async () => {
    await gateway?.close();
    await worker?.stop();
    await deleteKeysWithPrefix(queuePrefix);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('indexes, searches, reports stats and deletes through the worker port', async () => {
    const indexed = await postJson(rag('index'), {
      collection: COLLECTION,
      documents: [
        { id: 'expenses', content: EXPENSES, metadata: { team: 'finance' } },
        { id: 'holidays', content: HOLIDAYS, metadata: { team: 'people' } },
      ],
    });
    expect(indexed.status).toBe(200);
    expect(indexed.json).toEqual({
      collection: COLLECTION,
      documents: [
        { id: 'expenses', chunks: ['expenses#0'] },
        { id: 'holidays', chunks: ['holidays#0'] },
      ],
      chunks_indexed: 2,
    });

    const found = await postJson(rag('search'), { collection: COLLECTION, query: HOLIDAYS });
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ object: 'list', collection: COLLECTION });
    expect(found.json.results.map((hit: { id: string }) => hit.id)).toEqual([
      'holidays#0',
      'expenses#0',
    ]);
    expect(found.json.results[0]).toMatchObject({
      document_id: 'holidays',
      content: HOLIDAYS,
      metadata: { team: 'people' },
    });
    expect(found.json.results[0].score).toBeCloseTo(1, 4);
    const filtered = await postJson(rag('search'), {
      collection: COLLECTION,
      query: HOLIDAYS,
      filter: { team: 'finance' },
    });
    expect(filtered.json.results.map((hit: { id: string }) => hit.id)).toEqual(['expenses#0']);

    const stats = await send('GET', rag('stats'));
    expect(stats.status).toBe(200);
    expect(stats.json).toEqual({
      object: 'rag.stats',
      collections: [
        expect.objectContaining({
          name: COLLECTION,
          documents: 2,
          chunks: 2,
          dimensions: models.embeddingDimensions,
          embedding_model: models.embeddingModelId,
        }),
      ],
    });

    const deleted = await send('DELETE', rag(`documents/expenses?collection=${COLLECTION}`));
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({
      collection: COLLECTION,
      id: 'expenses',
      deleted: true,
      chunks_deleted: 1,
    });
    const again = await send('DELETE', rag(`documents/expenses?collection=${COLLECTION}`));
    expectOpenAIError(again, 404, { code: 'document_not_found', param: 'id' });
  });

  it('serves the same collections as the gateway in front of it (one RagService)', async () => {
    const viaGateway = await postJson(`${gateway.baseUrl}/v1/rag/search`, {
      collection: COLLECTION,
      query: HOLIDAYS,
    });
    expect(viaGateway.status).toBe(200);
    expect(viaGateway.json.results.map((hit: { id: string }) => hit.id)).toEqual(['holidays#0']);
    const indexedThere = await postJson(`${gateway.baseUrl}/v1/rag/index`, {
      collection: COLLECTION,
      documents: [{ id: 'expenses', content: EXPENSES }],
    });
    expect(indexedThere.status).toBe(200);
    const here = await postJson(rag('search'), { collection: COLLECTION, query: EXPENSES });
    expect(here.json.results[0].id).toBe('expenses#0');
  });

  it('answers a query with the local chat model: cited sources, usage, provider "local"', async () => {
    const answered = await postJson(rag('query'), {
      collection: COLLECTION,
      query: HOLIDAYS,
      top_k: 1,
      max_tokens: 4,
      temperature: 0,
    });
    expect(answered.status).toBe(200);
    expect(answered.json).toMatchObject({
      object: 'rag.answer',
      collection: COLLECTION,
      provider: 'local',
      sources: [{ marker: '[1]', id: 'holidays#0', document_id: 'holidays' }],
    });
    expect(typeof answered.json.answer).toBe('string');
    expect(answered.json.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('streams a query: a sources event, then chat chunks, then [DONE]', async () => {
    const response = await fetch(rag('query'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        collection: COLLECTION,
        query: EXPENSES,
        stream: true,
        max_tokens: 4,
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => event.slice('data: '.length));
    expect(events.at(-1)).toBe('[DONE]');
    expect(JSON.parse(events[0])).toMatchObject({
      object: 'rag.sources',
      sources: [{ marker: '[1]', id: 'expenses#0' }, { marker: '[2]' }],
    });
    const chunks = events.slice(1, -1).map((event) => JSON.parse(event));
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0);
  });

  it('answers bad input with the OpenAI error shape and the gateway statuses', async () => {
    expectOpenAIError(await postJson(rag('search'), { query: 'x', top_k: 0 }), 400, {
      param: 'top_k',
      type: 'invalid_request_error',
    });
    expectOpenAIError(await postJson(rag('search'), { query: 'x', topk: 3 }), 400, {
      param: 'topk',
      code: 'unknown_parameter',
    });
    expectOpenAIError(await postJson(rag('index'), { documents: [] }), 400, {
      param: 'documents',
    });
    expectOpenAIError(await send('POST', rag('search'), '{"query": '), 400, {
      code: 'invalid_json',
    });
    expectOpenAIError(
      await postJson(rag('index'), { collection: '../etc', documents: [{ content: 'x' }] }),
      400,
      { param: 'collection' },
    );
    expectOpenAIError(
      await postJson(rag('index'), {
        documents: [{ content: 'x'.repeat(MAX_DOCUMENT_BYTES + 1) }],
      }),
      413,
      { code: 'document_too_large', param: 'documents[0].content' },
    );
    expectOpenAIError(
      await postJson(rag('index'), { documents: [{ content: 'y'.repeat(70_000) }] }),
      413,
      { code: 'request_too_large' },
    );
    expectOpenAIError(
      await postJson(rag('search'), { collection: 'no-such-collection', query: 'x' }),
      404,
      { code: 'collection_not_found', param: 'collection' },
    );
    expectOpenAIError(
      await postJson(rag('query'), { collection: COLLECTION, query: 'x', model: 'gpt-4o' }),
      404,
      { code: 'model_not_found', param: 'model' },
    );
  });

  it('deletes a collection', async () => {
    const deleted = await send('DELETE', rag(`collections/${COLLECTION}`));
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ name: COLLECTION, deleted: true });
    expectOpenAIError(await send('DELETE', rag(`collections/${COLLECTION}`)), 404, {
      code: 'collection_not_found',
    });
    expect((await send('GET', rag('stats'))).json.collections).toEqual([]);
  });
});

describe('RAG query on a worker without a local chat model', () => {
  let worker: WorkerProcess;
  let dataDir: string;
  const queuePrefix = `test-rag-port-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const models = ensureTestModels();
    dataDir = mkdtempSync(join(tmpdir(), 'rag-port-e2e-'));
    worker = await WorkerProcess.start({
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: 'info',
      WORKER_EMBEDDING_BACKEND: 'transformers',
      WORKER_MODELS_DIR: models.embeddingModelsDir,
      WORKER_EMBEDDING_MODEL: models.embeddingModelId,
      WORKER_DATA_DIR: dataDir,
    });
  }, 30_000);

  afterAll(async () => {
    await worker?.stop();
    await deleteKeysWithPrefix(queuePrefix);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 model_not_configured, saying which variable to set', async () => {
    await postJson(`${worker.baseUrl}/v1/rag/index`, { documents: [{ content: EXPENSES }] });
    const response = await postJson(`${worker.baseUrl}/v1/rag/query`, { query: EXPENSES });
    expectOpenAIError(response, 503, { code: 'model_not_configured' });
    expect(response.json.error.message).toContain('WORKER_LLM_MODEL_PATH');
  });
});
