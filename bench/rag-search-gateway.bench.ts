/**
 * RAG search as served: a collection of N chunks of 384-d synthetic vectors (clustered, then
 * uniform), built on disk with the library in the served format — the API takes text, and no real
 * embedder produces chosen vectors — then served by the gateway as a child process (embedded:
 * RagService in the gateway; `--topology redis`: gateway + one worker over BullMQ). Per dataset:
 * - build time; in-process recall@10 vs the exact index, searches/s and p99 at efSearch 16..128,
 *   over the same collection (one thread, no HTTP, no embedding);
 * - `POST /v1/rag/search` through the gateway: queries/s, p50, p99 with `--connections` clients for
 *   `--seconds`; queries are texts embedded by a tiny random-weight 384-d ONNX model (its cost is
 *   printed alone), so they land anywhere, not in the data's clusters;
 * - `POST /v1/rag/index` of one document at N chunks (the append-only log), RSS, bytes on disk.
 *
 *   npm run bench:rag:gateway -- --size 10000 --seconds 5      (quick; the default size is 100k)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_HNSW_PARAMETERS, ExactVectorIndex, TransformersEmbedder } from '@app/inference';
import { RagCollection, type CollectionSettings } from '@app/inference/rag/rag-collection';
import { clusteredVectors, randomVectors } from '@app/testing/rag/synthetic-vectors';
import { WorkerProcess } from '@app/testing/processes/worker-process';
import { deleteKeysWithPrefix } from '@app/testing/redis/delete-keys-with-prefix';
import { benchCommand, usageOf } from './support/bench-options';
import { printTable, timeSearches } from './rag-index.bench';
import {
  benchEmbeddingModel,
  directoryBytes,
  loadTest,
  percentile,
  processMemory,
  startGatewayProcess,
  timeRequests,
} from './rag-served-bench-support';

const OPTIONS = {
  size: { type: 'string', default: '100000' },
  queries: { type: 'string', default: '200' },
  seconds: { type: 'string', default: '10' },
  connections: { type: 'string', default: '8' },
  ef: { type: 'string', default: '64' },
  topology: { type: 'string', default: 'embedded' },
  datasets: { type: 'string', default: 'clustered,uniform' },
  'chunk-chars': { type: 'string', default: '1000' },
  'index-requests': { type: 'string', default: '20' },
  redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
} as const;
const USAGE = usageOf(
  'npm run bench:rag:gateway --',
  [
    'RAG search as served: recall@10, searches/s and p99 in process, then POST /v1/rag/search and',
    '/v1/rag/index through the gateway (--topology embedded|redis).',
  ],
  OPTIONS,
);
const { values: options } = benchCommand('npm run bench:rag:gateway --', USAGE, OPTIONS);
const SIZE = Number(options.size);
const QUERIES = Number(options.queries);
const EF_SEARCH = Number(options.ef);
const DIMENSIONS = 384;
const K = 10;
const EF_VALUES = [16, 32, 64, 128];
const COLLECTION = 'bench';
const BATCH = 1000;

const SETTINGS: CollectionSettings = {
  exactIndexMaxChunks: 1000,
  hnsw: { ...DEFAULT_HNSW_PARAMETERS, efSearch: EF_SEARCH },
  compactDeletedFraction: 0.25,
  // One snapshot at the end of the build instead of one every 2048 chunks.
  checkpointLogChunks: Number.POSITIVE_INFINITY,
};

const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ';
const chunkText = (index: number) =>
  `Chunk ${index}. ${filler.repeat(Math.ceil(Number(options['chunk-chars']) / filler.length))}`.slice(
    0,
    Number(options['chunk-chars']),
  );

async function buildCollection(dataDir: string, vectors: Float32Array[], modelId: string) {
  const started = performance.now();
  const directory = join(dataDir, 'rag', COLLECTION);
  const embedding = { model: modelId, dimensions: DIMENSIONS };
  const collection = RagCollection.create(directory, COLLECTION, embedding, SETTINGS);
  for (let offset = 0; offset < vectors.length; offset += BATCH) {
    const documents = vectors.slice(offset, offset + BATCH).map((vector, position) => {
      const index = offset + position;
      const content = chunkText(index);
      return {
        id: `c${index}`,
        metadata: { cluster: index % 10 },
        chunks: [{ id: `c${index}#0`, content, start: 0, end: content.length }],
        vectors: [vector],
      };
    });
    await collection.upsertDocuments(documents);
  }
  await collection.checkpoint();
  return (performance.now() - started) / 1000;
}

/** recall@10, searches/s and p99 of the collection as loaded from disk, per efSearch. */
async function inProcessRows(
  dataset: string,
  dataDir: string,
  vectors: Float32Array[],
  queries: Float32Array[],
) {
  const exact = new ExactVectorIndex(DIMENSIONS, vectors.length);
  exact.add(
    vectors.map((_, index) => index),
    vectors,
  );
  const truth = queries.map((query) => new Set(exact.search(query, K).map((hit) => hit.label)));
  const loadStarted = performance.now();
  const collection = await RagCollection.open(join(dataDir, 'rag', COLLECTION), SETTINGS);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  return EF_VALUES.map((efSearch) => {
    let found = 0;
    queries.forEach((query, position) => {
      const hits = collection!.search(query, { topK: K, efSearch });
      found += hits.filter((hit) => truth[position].has(Number(hit.document_id.slice(1)))).length;
    });
    const timing = timeSearches(
      (query) => collection!.search(query, { topK: K, efSearch }),
      queries,
    );
    return {
      dataset,
      efSearch: String(efSearch),
      loadSeconds: loadSeconds.toFixed(2),
      recall: (found / (K * queries.length)).toFixed(3),
      searchesPerSecond: timing.perSecond.toFixed(0),
      p99Ms: timing.p99Ms.toFixed(3),
    };
  });
}

async function queryEmbeddingMs(model: ReturnType<typeof benchEmbeddingModel>, texts: string[]) {
  const embedder = new TransformersEmbedder({
    modelId: model.modelId,
    modelsDirectory: model.modelsDir,
    allowRemoteModels: false,
  });
  await embedder.embed([texts[0]]);
  const started = performance.now();
  for (const text of texts) await embedder.embed([text]);
  const perQuery = (performance.now() - started) / texts.length;
  await embedder.close();
  return perQuery;
}

async function servedRow(dataset: string, dataDir: string, buildSeconds: number) {
  const model = benchEmbeddingModel();
  const queuePrefix = `bench-rag-${process.pid}`;
  const env: Record<string, string> = {
    WORKER_DATA_DIR: dataDir,
    WORKER_EMBEDDING_BACKEND: 'transformers',
    WORKER_MODELS_DIR: model.modelsDir,
    WORKER_EMBEDDING_MODEL: model.modelId,
    RAG_EF_SEARCH: String(EF_SEARCH),
    LOG_LEVEL: 'warn',
  };
  const redis = options.topology === 'redis';
  const distributed = { REDIS_URL: options.redis!, QUEUE_PREFIX: queuePrefix };
  // WorkerProcess waits for the worker's "listening" line, logged at info.
  const workerEnv = { ...env, ...distributed, LOG_LEVEL: 'info' };
  const worker = redis ? await WorkerProcess.start(workerEnv, 60_000) : undefined;
  const gateway = await startGatewayProcess(redis ? { ...env, ...distributed } : env);
  try {
    const search = (query: string) => JSON.stringify({ collection: COLLECTION, query, top_k: K });
    const firstSearch = await timeRequests(gateway.baseUrl, '/v1/rag/search', [search('warm up')]);
    const indexLatencies = await timeRequests(
      gateway.baseUrl,
      '/v1/rag/index',
      Array.from({ length: Number(options['index-requests']) }, (_, index) =>
        JSON.stringify({
          collection: COLLECTION,
          documents: [{ id: `extra${index}`, content: chunkText(index) }],
        }),
      ),
    );
    const bodies = Array.from({ length: QUERIES }, (_, index) =>
      search(`question ${index} about topic ${(index * 7919) % 1000}`),
    );
    const load = await loadTest(gateway.baseUrl, '/v1/rag/search', bodies, {
      connections: Number(options.connections),
      seconds: Number(options.seconds),
    });
    const memory = processMemory(redis ? worker!.pid : gateway.pid);
    return {
      dataset,
      topology: options.topology!,
      buildSeconds: buildSeconds.toFixed(1),
      firstSearchSeconds: (firstSearch[0] / 1000).toFixed(2),
      qps: load.perSecond.toFixed(0),
      p50Ms: load.p50Ms.toFixed(2),
      p99Ms: load.p99Ms.toFixed(2),
      failures: String(load.failures),
      indexMs: `${percentile(indexLatencies, 50).toFixed(1)} / ${Math.max(...indexLatencies).toFixed(1)}`,
      rssMb: `${memory.rssMb.toFixed(0)} (peak ${memory.peakMb.toFixed(0)})`,
      holder: redis ? 'worker' : 'gateway',
      diskMb: (directoryBytes(join(dataDir, 'rag', COLLECTION)) / 1024 / 1024).toFixed(1),
    };
  } finally {
    await gateway.stop();
    await worker?.stop();
    if (redis) await deleteKeysWithPrefix(queuePrefix, options.redis);
  }
}

async function main(): Promise<void> {
  console.log(
    `RAG served-search bench: ${SIZE} chunks, ${DIMENSIONS}-d, ${options.topology} topology, ` +
      `${options.connections} connections × ${options.seconds} s, RAG_EF_SEARCH=${EF_SEARCH}, ${cpus().length} CPUs`,
  );
  console.log(
    'The collection is built on disk with the library (same format the gateway serves): ' +
      'the API embeds text, so it cannot be given these synthetic vectors.',
  );
  const model = benchEmbeddingModel();
  const queryTexts = Array.from({ length: 50 }, (_, index) => `question ${index} about a topic`);
  const embedMs = await queryEmbeddingMs(model, queryTexts);
  const inProcess: Awaited<ReturnType<typeof inProcessRows>> = [];
  const served: Awaited<ReturnType<typeof servedRow>>[] = [];
  const clusters = Math.max(10, Math.round(SIZE / 1000));
  const datasets: Record<string, () => [Float32Array[], Float32Array[]]> = {
    clustered: () => [
      clusteredVectors(SIZE, DIMENSIONS, { clusters, seed: 1 }),
      clusteredVectors(QUERIES, DIMENSIONS, { clusters, seed: 2 }),
    ],
    uniform: () => [randomVectors(SIZE, DIMENSIONS, 3), randomVectors(QUERIES, DIMENSIONS, 4)],
  };
  for (const dataset of options.datasets!.split(',')) {
    const [vectors, queries] = datasets[dataset]();
    const dataDir = mkdtempSync(join(tmpdir(), 'rag-served-bench-'));
    try {
      const buildSeconds = await buildCollection(dataDir, vectors, model.modelId);
      inProcess.push(...(await inProcessRows(dataset, dataDir, vectors, queries)));
      served.push(await servedRow(dataset, dataDir, buildSeconds));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log('\nIn-process (the collection loaded from disk; one thread, no HTTP, no embedding):');
  printTable(inProcess, {
    dataset: 'dataset',
    efSearch: 'efSearch',
    loadSeconds: 'load s',
    recall: 'recall@10',
    searchesPerSecond: 'search/s',
    p99Ms: 'p99 ms',
  });
  console.log(`\nThrough the gateway (query embedding alone: ${embedMs.toFixed(2)} ms/query):`);
  printTable(served, {
    dataset: 'dataset',
    topology: 'topology',
    buildSeconds: 'build s',
    firstSearchSeconds: '1st search s',
    qps: 'search/s',
    p50Ms: 'p50 ms',
    p99Ms: 'p99 ms',
    failures: 'failed',
    indexMs: 'index p50/max ms',
    rssMb: 'RSS MB',
    holder: 'RSS of',
    diskMb: 'disk MB',
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
