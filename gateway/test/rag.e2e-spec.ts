/** @jest-environment ./libs/testing/src/jest/onnx-runtime-environment.ts */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels, FakeOpenAIServer, type TestModelPaths } from '@app/testing';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@app/testing/redis/delete-keys-with-prefix';
import { ragWorkerEnv, WorkerProcess } from '@app/testing/processes/worker-process';
import { postJson, startGateway, type RunningGateway } from './support/gateway-harness';

// Embedded topology (no REDIS_URL): the gateway runs RagService in-process over the tiny ONNX
// embedder. Random weights: assert ids, counts, ordering, persistence; never meaning. Identical
// text embeds identically, so a query equal to a one-chunk document finds it first with score ≈ 1.

const COLLECTION = 'handbook';
const ANSWER = 'Expenses are filed monthly [1].';
const SENTENCE = 'The quick brown fox jumps over the lazy dog near the riverbank today.';
const LONG = Array.from({ length: 12 }, (_, index) => `${SENTENCE} Sentence number ${index}.`).join(
  ' ',
);
const SHORT_B = 'Expense reports are filed every month through the finance portal.';
const SHORT_C = 'Holidays are requested two weeks in advance from the team lead.';

interface SearchHit {
  id: string;
  document_id: string;
  score: number;
  content: string;
  metadata: Record<string, unknown>;
}

async function request(method: string, url: string) {
  const response = await fetch(url, { method });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

function expectDescending(hits: SearchHit[]): void {
  for (let index = 1; index < hits.length; index++)
    expect(hits[index - 1].score).toBeGreaterThanOrEqual(hits[index].score);
}

/** SSE `data:` payloads of a response body, in order. */
function sseEvents(text: string): string[] {
  return text
    .split('\n\n')
    .map((event) => event.trim())
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

describe('RAG endpoints (embedded mode, no Redis)', () => {
  let models: TestModelPaths;
  let cloud: FakeOpenAIServer;
  let gateway: RunningGateway;
  let dataDir: string;
  let env: Record<string, string>;
  const url = (path: string) => `${gateway.baseUrl}/v1/rag/${path}`;
  const search = (body: Record<string, unknown>) =>
    postJson(url('search'), { collection: COLLECTION, ...body });

  beforeAll(async () => {
    models = ensureTestModels();
    dataDir = mkdtempSync(join(tmpdir(), 'rag-e2e-'));
    cloud = await FakeOpenAIServer.start({ reply: ANSWER });
    env = {
      WORKER_EMBEDDING_BACKEND: 'transformers',
      WORKER_MODELS_DIR: models.embeddingModelsDir,
      WORKER_EMBEDDING_MODEL: models.embeddingModelId,
      WORKER_DATA_DIR: dataDir,
      OPENAI_BASE_URL: cloud.baseUrl,
      OPENAI_API_KEY: 'sk-test',
      MAX_RETRIES: '0',
    };
    gateway = await startGateway(env);
  });

  afterAll(async () => {
    await gateway?.close();
    await cloud?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  let chunksOfA: string[] = [];
  let totalChunks = 0;

  it('indexes documents into chunks and returns their ids', async () => {
    const { status, json } = await postJson(url('index'), {
      collection: COLLECTION,
      chunk_size: 32,
      chunk_overlap: 4,
      documents: [
        { id: 'a', content: LONG, metadata: { team: 'eng', year: 2023 } },
        { id: 'b', content: SHORT_B, metadata: { team: 'finance', year: 2024 } },
        { id: 'c', content: SHORT_C, metadata: { team: 'people', year: 2024 } },
      ],
    });
    expect(status).toBe(200);
    expect(json.collection).toBe(COLLECTION);
    expect(json.documents.map((document: { id: string }) => document.id)).toEqual(['a', 'b', 'c']);
    chunksOfA = json.documents[0].chunks;
    expect(chunksOfA.length).toBeGreaterThan(1);
    expect(chunksOfA).toEqual(chunksOfA.map((_, index) => `a#${index}`));
    expect(json.documents[1].chunks).toEqual(['b#0']);
    expect(json.documents[2].chunks).toEqual(['c#0']);
    totalChunks = chunksOfA.length + 2;
    expect(json.chunks_indexed).toBe(totalChunks);
  });

  it('searches: ranked chunks with ids, scores (descending), metadata and content', async () => {
    const { status, json } = await search({ query: SHORT_B, top_k: 100 });
    expect(status).toBe(200);
    const hits = json.results as SearchHit[];
    expect(hits).toHaveLength(totalChunks);
    expect(hits[0]).toMatchObject({
      id: 'b#0',
      document_id: 'b',
      content: SHORT_B,
      metadata: { team: 'finance', year: 2024 },
    });
    expect(hits[0].score).toBeCloseTo(1, 4);
    expectDescending(hits);
    expect(new Set(hits.map((hit) => hit.id)).size).toBe(totalChunks);

    const limited = await search({ query: SHORT_B, top_k: 2 });
    expect(limited.json.results.map((hit: SearchHit) => hit.id)).toEqual(
      hits.slice(0, 2).map((hit) => hit.id),
    );
  });

  it('filters by metadata equality', async () => {
    const { status, json } = await search({ query: SHORT_B, top_k: 100, filter: { year: 2024 } });
    expect(status).toBe(200);
    expect((json.results as SearchHit[]).map((hit) => hit.document_id).sort()).toEqual(['b', 'c']);
    const eng = await search({ query: SHORT_B, top_k: 100, filter: { team: 'eng' } });
    expect((eng.json.results as SearchHit[]).every((hit) => hit.document_id === 'a')).toBe(true);
    expect(eng.json.results).toHaveLength(chunksOfA.length);
  });

  it('answers a query through the chat router with cited sources', async () => {
    const before = cloud.chatRequests.length;
    const { status, json, headers } = await postJson(url('query'), {
      collection: COLLECTION,
      query: SHORT_C,
      top_k: 3,
    });
    expect(status).toBe(200);
    expect(headers.get('x-gateway-provider')).toBe('openai');
    expect(json).toMatchObject({
      object: 'rag.answer',
      collection: COLLECTION,
      answer: ANSWER,
      provider: 'openai',
    });
    expect(json.usage.total_tokens).toBeGreaterThan(0);
    expect(json.sources.map((source: { marker: string }) => source.marker)).toEqual([
      '[1]',
      '[2]',
      '[3]',
    ]);
    expect(json.sources[0]).toMatchObject({ id: 'c#0', document_id: 'c', excerpt: SHORT_C });
    const searched = await search({ query: SHORT_C, top_k: 3 });
    expect(json.sources.map((source: { id: string }) => source.id)).toEqual(
      searched.json.results.map((hit: SearchHit) => hit.id),
    );

    expect(cloud.chatRequests.length).toBe(before + 1);
    const upstream = cloud.chatRequests.at(-1)!.body as {
      messages: { role: string; content: string }[];
    };
    expect(upstream.messages[0].role).toBe('system');
    expect(upstream.messages[1].content).toContain(`[1] (document: c)\n${SHORT_C}`);
    expect(upstream.messages[1].content).toContain(`Question: ${SHORT_C}`);
  });

  it('streams a query: a sources event, then chat chunks, then [DONE]', async () => {
    const response = await fetch(url('query'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ collection: COLLECTION, query: SHORT_B, top_k: 2, stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = sseEvents(await response.text());
    expect(events.at(-1)).toBe('[DONE]');
    const first = JSON.parse(events[0]);
    expect(first.object).toBe('rag.sources');
    expect(
      first.sources.map((source: { marker: string; document_id: string }) => source.marker),
    ).toEqual(['[1]', '[2]']);
    expect(first.sources[0].document_id).toBe('b');
    const chunks = events.slice(1, -1).map((event) => JSON.parse(event));
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe(ANSWER);
    expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0);
  });

  it('reports per-collection stats', async () => {
    const { status, json } = await request('GET', url('stats'));
    expect(status).toBe(200);
    const stats = json.collections.find(
      (collection: { name: string }) => collection.name === COLLECTION,
    );
    expect(stats).toMatchObject({
      documents: 3,
      chunks: totalChunks,
      dimensions: models.embeddingDimensions,
      embedding_model: models.embeddingModelId,
    });
    expect(stats.index.efSearch).toBeGreaterThan(0);
    expect(stats.bytes_on_disk).toBeGreaterThan(0);
  });

  it('re-indexing a document id replaces its chunks (no duplicates, no orphans)', async () => {
    const { status, json } = await postJson(url('index'), {
      collection: COLLECTION,
      documents: [{ id: 'a', content: SENTENCE, metadata: { team: 'eng', year: 2025 } }],
    });
    expect(status).toBe(200);
    expect(json.documents).toEqual([{ id: 'a', chunks: ['a#0'] }]);
    totalChunks = 3;
    const hits = (await search({ query: SENTENCE, top_k: 100 })).json.results as SearchHit[];
    expect(hits.map((hit) => hit.id).sort()).toEqual(['a#0', 'b#0', 'c#0']);
    expect(hits[0]).toMatchObject({ id: 'a#0', metadata: { year: 2025 } });
    const stats = (await request('GET', url('stats'))).json.collections.find(
      (c: { name: string }) => c.name === COLLECTION,
    );
    expect(stats).toMatchObject({ documents: 3, chunks: 3 });
  });

  it('deletes a document', async () => {
    const deleted = await request('DELETE', url(`documents/b?collection=${COLLECTION}`));
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({
      collection: COLLECTION,
      id: 'b',
      deleted: true,
      chunks_deleted: 1,
    });
    const hits = (await search({ query: SHORT_B, top_k: 100 })).json.results as SearchHit[];
    expect(hits.map((hit) => hit.document_id).sort()).toEqual(['a', 'c']);
    const again = await request('DELETE', url(`documents/b?collection=${COLLECTION}`));
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('document_not_found');
  });

  it('keeps every acknowledged document searchable after a restart on the same data directory', async () => {
    const before = (await search({ query: SHORT_C, top_k: 10 })).json.results as SearchHit[];
    await gateway.close();
    gateway = await startGateway(env);
    const after = await search({ query: SHORT_C, top_k: 10 });
    expect(after.status).toBe(200);
    const hits = after.json.results as SearchHit[];
    expect(hits.map((hit) => hit.id)).toEqual(before.map((hit) => hit.id));
    hits.forEach((hit, index) => expect(hit.score).toBeCloseTo(before[index].score, 5));
    expect(hits[0]).toMatchObject({ id: 'c#0', content: SHORT_C, metadata: { team: 'people' } });
  });

  it('deletes a collection', async () => {
    const deleted = await request('DELETE', url(`collections/${COLLECTION}`));
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ name: COLLECTION, deleted: true });
    const gone = await search({ query: SHORT_C });
    expect(gone.status).toBe(404);
    const stats = await request('GET', url('stats'));
    expect(stats.json.collections.map((c: { name: string }) => c.name)).not.toContain(COLLECTION);
    expect((await request('DELETE', url(`collections/${COLLECTION}`))).status).toBe(404);
  });

  describe('bad input → OpenAI-style errors', () => {
    const expectError = (
      response: { status: number; json: Record<string, any> },
      status: number,
      param: string | null,
    ) => {
      expect(response.status).toBe(status);
      expect(response.json.error).toMatchObject({ param });
      expect(typeof response.json.error.message).toBe('string');
      expect(typeof response.json.error.type).toBe('string');
    };

    it('rejects empty content', async () => {
      const response = await postJson(url('index'), {
        collection: 'bad',
        documents: [{ id: 'x', content: '   ' }],
      });
      expectError(response, 400, 'documents[0].content');
      expect(response.json.error.type).toBe('invalid_request_error');
    });

    it('rejects an empty or missing documents array', async () => {
      expectError(await postJson(url('index'), { documents: [] }), 400, 'documents');
      expectError(await postJson(url('index'), {}), 400, 'documents');
    });

    it('rejects top_k out of range', async () => {
      expectError(await search({ query: 'x', top_k: 0 }), 400, 'top_k');
      expectError(await search({ query: 'x', top_k: 101 }), 400, 'top_k');
      expectError(await postJson(url('query'), { query: 'x', top_k: 0 }), 400, 'top_k');
    });

    it('answers 404 for an unknown collection', async () => {
      const response = await postJson(url('search'), {
        collection: 'no-such-collection',
        query: 'x',
      });
      expectError(response, 404, 'collection');
      expect(response.json.error.code).toBe('collection_not_found');
      const query = await postJson(url('query'), { collection: 'no-such-collection', query: 'x' });
      expect(query.status).toBe(404);
      expect(
        (await request('DELETE', url('documents/x?collection=no-such-collection'))).status,
      ).toBe(404);
    });

    it('rejects filters of the wrong type', async () => {
      expectError(
        await search({ query: 'x', filter: { team: { $eq: 'eng' } } }),
        400,
        'filter.team',
      );
      expectError(await search({ query: 'x', filter: ['team'] }), 400, 'filter');
    });

    it('rejects an empty query, an unknown parameter and a bad collection name', async () => {
      expectError(await search({ query: '' }), 400, 'query');
      expectError(await search({ query: 'x', topk: 3 }), 400, 'topk');
      expectError(
        await postJson(url('search'), { collection: '../etc', query: 'x' }),
        400,
        'collection',
      );
    });
  });
});

describe('RAG with an embedding model that cannot be loaded (embedded mode)', () => {
  let gateway: RunningGateway;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rag-missing-model-'));
    gateway = await startGateway({
      WORKER_EMBEDDING_BACKEND: 'transformers',
      WORKER_MODELS_DIR: join(dataDir, 'no-models-here'),
      WORKER_EMBEDDING_MODEL: 'Xenova/all-MiniLM-L6-v2',
      WORKER_DATA_DIR: dataDir,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 model_unavailable naming the model, and indexes nothing', async () => {
    const indexed = await postJson(`${gateway.baseUrl}/v1/rag/index`, {
      documents: [{ id: 'a', content: 'Holidays are requested two weeks ahead.' }],
    });
    expect(indexed.status).toBe(503);
    expect(indexed.json.error).toMatchObject({ code: 'model_unavailable', param: null });
    expect(indexed.json.error.message).toContain('Xenova/all-MiniLM-L6-v2');
    const stats = await fetch(`${gateway.baseUrl}/v1/rag/stats`);
    expect(((await stats.json()) as { collections: unknown[] }).collections).toEqual([]);
  });
});

// Distributed topology: the gateway queues RAG jobs on 'local-rag'; a worker process (dist build)
// runs them against its own data directory.
describe('RAG endpoints over BullMQ (gateway in-process, worker as a separate process)', () => {
  const queuePrefix = `test-rag-${randomUUID().slice(0, 8)}`;
  let models: TestModelPaths;
  let cloud: FakeOpenAIServer;
  let gateway: RunningGateway;
  let worker: WorkerProcess;
  let dataDir: string;
  const url = (path: string) => `${gateway.baseUrl}/v1/rag/${path}`;

  beforeAll(async () => {
    models = ensureTestModels();
    dataDir = mkdtempSync(join(tmpdir(), 'rag-bullmq-e2e-'));
    cloud = await FakeOpenAIServer.start({ reply: ANSWER });
    worker = await WorkerProcess.start(ragWorkerEnv(models, queuePrefix, dataDir));
    gateway = await startGateway({
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      OPENAI_BASE_URL: cloud.baseUrl,
      OPENAI_API_KEY: 'sk-test',
      MAX_RETRIES: '0',
    });
  }, 45_000);

  afterAll(async () => {
    await gateway?.close();
    await worker?.stop();
    await cloud?.stop();
    await deleteKeysWithPrefix(queuePrefix);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('indexes, searches, answers, reports stats and deletes through the worker', async () => {
    const indexed = await postJson(url('index'), {
      collection: COLLECTION,
      documents: [
        { id: 'b', content: SHORT_B, metadata: { team: 'finance' } },
        { content: SHORT_C },
      ],
    });
    expect(indexed.status).toBe(200);
    expect(indexed.json.chunks_indexed).toBe(2);
    const generatedId = indexed.json.documents[1].id as string;
    expect(generatedId).toMatch(/^doc_[0-9a-f]{32}$/);

    const found = await postJson(url('search'), { collection: COLLECTION, query: SHORT_C });
    expect(found.status).toBe(200);
    expect(found.json.results.map((hit: SearchHit) => hit.document_id)).toEqual([generatedId, 'b']);
    expect(found.json.results[0].score).toBeCloseTo(1, 4);

    const answered = await postJson(url('query'), {
      collection: COLLECTION,
      query: SHORT_B,
      top_k: 1,
    });
    expect(answered.status).toBe(200);
    expect(answered.json).toMatchObject({
      answer: ANSWER,
      provider: 'openai',
      sources: [{ marker: '[1]', id: 'b#0' }],
    });

    const stats = await request('GET', url('stats'));
    expect(stats.json.collections).toEqual([
      expect.objectContaining({
        name: COLLECTION,
        documents: 2,
        chunks: 2,
        embedding_model: models.embeddingModelId,
      }),
    ]);

    expect(
      (await request('DELETE', url(`documents/b?collection=${COLLECTION}`))).json,
    ).toMatchObject({ deleted: true, chunks_deleted: 1 });
    expect((await request('DELETE', url(`collections/${COLLECTION}`))).status).toBe(200);
  });

  it("returns the worker's request faults as the same OpenAI-style errors", async () => {
    const unknown = await postJson(url('search'), { collection: 'no-such-collection', query: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'collection_not_found', param: 'collection' });
    const badName = await postJson(url('index'), {
      collection: '../x',
      documents: [{ content: 'x' }],
    });
    expect(badName.status).toBe(400);
    expect(badName.json.error.param).toBe('collection');
    const missing = await request('DELETE', url('documents/nope?collection=no-such-collection'));
    expect(missing.status).toBe(404);
  });
});
