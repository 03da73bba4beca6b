/**
 * Embeddings benchmark: texts/s through `POST /v1/embeddings` (the official openai SDK against a
 * gateway process), one text per request (sequential, then concurrent) next to batches of texts
 * per request. Embedded topology (the model in the gateway process); with `--redis`, also
 * gateway → BullMQ → worker process. Needs `npm run build` (and Redis for `--redis`).
 *
 *   npm run bench:embeddings -- [--texts 1024] [--concurrency 8]
 *     [--batch-sizes 8,32,128] [--backend transformers|llamacpp] [--threads 2] [--redis]
 *
 * Models (generated once next to the test models, random weights):
 * - `transformers` (default): a 384-d ONNX model (all-MiniLM-L6-v2's output size) of the
 *   repository's test architecture, embeddings → dense → tanh. Its compute is small, so these
 *   numbers are about per-request and per-call overhead: what batching saves.
 * - `llamacpp`: a 6-block, 384-wide llama GGUF (~15M parameters, about MiniLM-L6's compute per
 *   token), so compute weighs in; llama.cpp embeds one text at a time, so batching saves only the
 *   overhead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import OpenAI from 'openai';
import {
  ensureTestModels,
  SeededRandom,
  writeTinyBertOnnx,
  writeTinyLlamaGguf,
  type TestModelPaths,
} from '@app/testing';
import { WorkerProcess } from '@app/testing/processes/worker-process';
import { deleteKeysWithPrefix } from '@app/testing/redis/delete-keys-with-prefix';
import { benchCommand, usageOf } from './support/bench-options';

const OPTIONS = {
  texts: { type: 'string', default: '1024' },
  concurrency: { type: 'string', default: '8' },
  'batch-sizes': { type: 'string', default: '8,32,128' },
  backend: { type: 'string', default: 'transformers' },
  threads: { type: 'string', default: '2' },
  redis: { type: 'boolean', default: false },
  'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
} as const;
const USAGE = usageOf(
  'npm run bench:embeddings --',
  [
    'Texts/s through POST /v1/embeddings, one text per request next to batches (--backend',
    'transformers|llamacpp; --redis adds gateway → BullMQ → worker).',
  ],
  OPTIONS,
);
const { values: options, fail } = benchCommand('npm run bench:embeddings --', USAGE, OPTIONS);
const TEXTS = Number(options.texts);
const CONCURRENCY = Number(options.concurrency);
const BATCH_SIZES = options['batch-sizes']!.split(',').map(Number);
const BACKEND = options.backend!;
const THREADS = options.threads!;
const REDIS_URL = options['redis-url']!;
const GATEWAY_MAIN = join(process.cwd(), 'dist', 'gateway', 'src', 'main.js');
const MODEL = 'local-embeddings';

if (BACKEND !== 'transformers' && BACKEND !== 'llamacpp')
  fail(`--backend must be transformers or llamacpp, not '${BACKEND}'`);

/** The embedding model's settings, shared by the embedded gateway and the worker. */
function modelEnv(testModels: TestModelPaths): Record<string, string> {
  if (BACKEND === 'llamacpp') {
    const path = join(testModels.directory, 'bench-llama-384x6.gguf');
    if (!existsSync(path)) {
      writeTinyLlamaGguf(`${path}.${process.pid}.new`, {
        embeddingLength: 384,
        blockCount: 6,
        vocabularySize: 1024,
        contextLength: 4096,
        seed: 7,
      });
      renameSync(`${path}.${process.pid}.new`, path);
    }
    return {
      WORKER_EMBEDDING_BACKEND: 'llamacpp',
      WORKER_EMBEDDING_MODEL: 'bench-llama-384x6',
      WORKER_EMBEDDING_MODEL_PATH: path,
      WORKER_LLM_THREADS: THREADS,
    };
  }
  const modelId = 'bench-bert-384-v1';
  if (!existsSync(join(testModels.directory, modelId, 'onnx', 'model.onnx')))
    writeTinyBertOnnx(join(testModels.directory, modelId), { dimensions: 384 });
  return {
    WORKER_EMBEDDING_BACKEND: 'transformers',
    WORKER_MODELS_DIR: testModels.directory,
    WORKER_EMBEDDING_MODEL: modelId,
  };
}

/** Sentences of 20–60 common words (about 100–300 tokens), the same for every run. */
function benchTexts(count: number): string[] {
  const words = (
    'the a of to and in is it that for on with as was at by from this be are or an have not ' +
    'model queue worker gateway request token vector search index document answer local cloud ' +
    'provider stream cache limit tenant budget latency throughput batch text embedding layer'
  ).split(' ');
  const random = new SeededRandom(11);
  return Array.from({ length: count }, (_, index) => {
    const length = 20 + Math.floor(random.next() * 41);
    const picked = Array.from({ length }, () => words[Math.floor(random.next() * words.length)]);
    return `${index} ${picked.join(' ')}.`;
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The compiled gateway as its own process, as deployed: the client load is not on its CPU. */
async function startGateway(env: Record<string, string>): Promise<{
  baseUrl: string;
  stop: () => Promise<void>;
}> {
  if (!existsSync(GATEWAY_MAIN))
    throw new Error(`${GATEWAY_MAIN} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [GATEWAY_MAIN], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      CACHE_ENABLED: 'false', // every run sends the same texts
      LOCAL_ENABLED: 'true',
      PROVIDER_ORDER: 'local',
      REQUEST_TIMEOUT_MS: '120000',
      FIRST_BYTE_TIMEOUT_MS: '120000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    const up = await fetch(`${baseUrl}/health`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error('the gateway did not listen within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

interface ModeResult {
  requests: number;
  textsPerSecond: number;
  p50Ms: number;
}

/** Sends every text in requests of `batchSize`, `concurrency` requests at a time. */
async function measure(
  client: OpenAI,
  texts: string[],
  batchSize: number,
  concurrency: number,
): Promise<ModeResult> {
  const batches: string[][] = [];
  for (let start = 0; start < texts.length; start += batchSize)
    batches.push(texts.slice(start, start + batchSize));
  const embed = async (input: string[]) => {
    const response = await client.embeddings.create({ model: MODEL, input });
    if (response.data.length !== input.length)
      throw new Error(`${input.length} texts, ${response.data.length} vectors`);
  };
  // Warm-up: the first request loads the model; later ones settle the process.
  for (let warmup = 0; warmup < 3; warmup += 1) await embed(batches[warmup % batches.length]);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        const sent = performance.now();
        await embed(batch);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: batches.length,
    textsPerSecond: texts.length / seconds,
    p50Ms: latencies[Math.floor(latencies.length / 2)],
  };
}

interface Mode {
  label: string;
  batchSize: number;
  concurrency: number;
}

const MODES: Mode[] = [
  { label: '1 text per request, sequential', batchSize: 1, concurrency: 1 },
  {
    label: `1 text per request, ${CONCURRENCY} concurrent`,
    batchSize: 1,
    concurrency: CONCURRENCY,
  },
  ...BATCH_SIZES.map((size) => ({
    label: `${size} texts per request, sequential`,
    batchSize: size,
    concurrency: 1,
  })),
];

interface Topology {
  name: string;
  baseUrl: string;
  stop: () => Promise<void>;
}

async function startEmbedded(env: Record<string, string>): Promise<Topology> {
  const gateway = await startGateway(env);
  return { name: 'embedded', ...gateway };
}

async function startThroughRedis(env: Record<string, string>): Promise<Topology> {
  const prefix = `bench-embeddings-${randomUUID().slice(0, 8)}`;
  const shared = { REDIS_URL, QUEUE_PREFIX: prefix };
  const worker = await WorkerProcess.start(
    { ...shared, ...env, LOG_LEVEL: 'info', WORKER_PRELOAD: 'true' },
    120_000,
  );
  const gateway = await startGateway(shared).catch(async (error: unknown) => {
    await worker.stop();
    throw error;
  });
  return {
    name: 'BullMQ',
    baseUrl: gateway.baseUrl,
    stop: async () => {
      await gateway.stop();
      await worker.stop();
      await deleteKeysWithPrefix(prefix, REDIS_URL);
    },
  };
}

/**
 * Every mode on every topology, the topologies taking turns mode by mode: on a shared machine
 * both then see the same background load.
 */
async function runModes(topologies: Topology[], texts: string[]): Promise<ModeResult[][]> {
  const clients = topologies.map(
    ({ baseUrl }) => new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'bench', maxRetries: 0 }),
  );
  const results: ModeResult[][] = topologies.map(() => []);
  for (const mode of MODES) {
    for (const [index, client] of clients.entries())
      results[index].push(await measure(client, texts, mode.batchSize, mode.concurrency));
  }
  return results;
}

function printTable(columns: [string, ModeResult[]][]): void {
  const header = ['mode', 'requests'];
  for (const [topology] of columns) header.push(`${topology} texts/s`, 'p50 request');
  const rows = [header];
  MODES.forEach((mode, index) => {
    const row = [mode.label, String(columns[0][1][index].requests)];
    for (const [, results] of columns)
      row.push(results[index].textsPerSecond.toFixed(0), `${results[index].p50Ms.toFixed(1)} ms`);
    rows.push(row);
  });
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
        )
        .join('  '),
    );
}

async function main(): Promise<void> {
  const env = modelEnv(ensureTestModels());
  const texts = benchTexts(TEXTS);
  const topologies: Topology[] = [];
  try {
    topologies.push(await startEmbedded(env));
    if (options.redis) topologies.push(await startThroughRedis(env));
    const results = await runModes(topologies, texts);
    console.log(
      `POST /v1/embeddings, ${TEXTS} texts of 20–60 words, ${BACKEND} backend (${env.WORKER_EMBEDDING_MODEL}), openai SDK`,
    );
    printTable(topologies.map((topology, index) => [topology.name, results[index]]));
  } finally {
    for (const topology of topologies) await topology.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
