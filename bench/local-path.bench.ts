/**
 * Local tier benchmark: tokens/s through gateway → BullMQ → worker next to node-llama-cpp called
 * directly (same model file, same threads), and the round trip the queue adds (p50/p99) next to
 * the in-process dispatcher. Needs Redis (REDIS_URL or 127.0.0.1:6379) and `npm run build`.
 *
 *   npm run build && node dist/bench/local-path.bench.js [--threads 2] [--tokens 256] [--round-trips 200]
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '@app/config';
import type { LocalChatJob } from '@app/contracts';
import {
  getLlamaRuntime,
  loadNodeLlamaCpp,
  LlamaChatEngine,
  TransformersEmbedder,
} from '@app/inference';
import {
  BullMqDispatcher,
  createLocalRedisConnection,
  InProcessDispatcher,
  type LocalDispatcher,
} from '@app/inference/dispatch';
import { ensureTestModels, writeTinyLlamaGguf } from '@app/testing';
import { WorkerProcess } from '@app/testing/processes/worker-process';
import { deleteKeysWithPrefix } from '@app/testing/redis/delete-keys-with-prefix';
import { createGatewayApp } from '../gateway/src/bootstrap';

const { values: options } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    tokens: { type: 'string', default: '256' },
    runs: { type: 'string', default: '3' },
    'round-trips': { type: 'string', default: '200' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const THREADS = Number(options.threads);
const TOKENS = Number(options.tokens);
const RUNS = Number(options.runs);
const ROUND_TRIPS = Number(options['round-trips']);
const REDIS_URL = options.redis!;
const SYSTEM_PROMPT = 'Be brief.';
const prompt = () => `Write a story ${randomUUID()}`;

/** ~14M parameters (F32): large enough that generation is compute-bound, not overhead-bound. */
function benchModelPath(directory: string): string {
  const path = join(directory, 'bench-llama-384x6.gguf');
  if (!existsSync(path))
    writeTinyLlamaGguf(path, {
      embeddingLength: 384,
      blockCount: 6,
      vocabularySize: 1024,
      contextLength: 4096,
      seed: 7,
    });
  return path;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((p / 100) * values.length))
  ];

async function directTokensPerSecond(modelPath: string): Promise<number> {
  const [llama, { LlamaChat }] = await Promise.all([getLlamaRuntime(), loadNodeLlamaCpp()]);
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 2048, sequences: 1, threads: THREADS });
  const chat = new LlamaChat({ contextSequence: context.getSequence() });
  // Warm-up: the worker path runs on a preloaded, already-used model too.
  await chat.generateResponse(
    [
      { type: 'user', text: 'hi' },
      { type: 'model', response: [] },
    ],
    { maxTokens: 16 },
  );
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    let tokens = 0;
    const started = performance.now();
    await chat.generateResponse(
      [
        { type: 'system', text: SYSTEM_PROMPT },
        { type: 'user', text: prompt() },
        { type: 'model', response: [] },
      ],
      { maxTokens: TOKENS, temperature: 0, onToken: (chunk) => (tokens += chunk.length) },
    );
    rates.push(tokens / ((performance.now() - started) / 1000));
  }
  chat.dispose();
  await context.dispose();
  await model.dispose();
  return median(rates);
}

function workerEnv(
  queuePrefix: string,
  modelPath: string,
  embeddingModelsDir: string,
  embeddingModelId: string,
) {
  return {
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'info',
    WORKER_PRELOAD: 'true',
    WORKER_LLM_MODEL_PATH: modelPath,
    WORKER_LLM_THREADS: String(THREADS),
    WORKER_LLM_CONCURRENCY: '1',
    WORKER_LLM_CONTEXT_SIZE: '2048',
    WORKER_LLM_SYSTEM_PROMPT: SYSTEM_PROMPT,
    WORKER_MODELS_DIR: embeddingModelsDir,
    WORKER_EMBEDDING_MODEL: embeddingModelId,
  };
}

async function gatewayTokensPerSecond(env: Record<string, string>): Promise<number> {
  const worker = await WorkerProcess.start(env, 120_000);
  try {
    const config = loadConfig({
      REDIS_URL,
      QUEUE_PREFIX: env.QUEUE_PREFIX,
      LOCAL_ENABLED: 'true',
      LOG_LEVEL: 'silent',
      PORT: '0',
      CACHE_ENABLED: 'false',
    });
    const app = await createGatewayApp(config, pino({ level: 'silent' }));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    try {
      const rates: number[] = [];
      for (let run = 0; run < RUNS; run += 1) rates.push(await gatewayRun(port));
      return median(rates);
    } finally {
      await app.close();
    }
  } finally {
    await worker.stop();
  }
}

/** Completion tokens per second of one non-streamed request, measured at the client. */
async function gatewayRun(port: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({
      model: 'local-llm',
      messages: [{ role: 'user', content: prompt() }],
      max_tokens: TOKENS,
      temperature: 0,
    }),
  });
  const body = (await response.json()) as { usage?: { completion_tokens: number } };
  if (!body.usage) throw new Error(`gateway answered ${response.status}: ${JSON.stringify(body)}`);
  return body.usage.completion_tokens / ((performance.now() - started) / 1000);
}

/** Wall time of `count` one-token completions, one at a time (so only dispatch overhead varies). */
async function roundTrips(dispatcher: LocalDispatcher, count: number): Promise<number[]> {
  const job = (): LocalChatJob => ({
    requestId: randomUUID(),
    request: {
      model: 'local-llm',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 1,
      temperature: 0,
    },
    deadline: Date.now() + 30_000,
  });
  for (let warmup = 0; warmup < 5; warmup += 1)
    await dispatcher.complete(job(), new AbortController().signal);
  const latencies: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await dispatcher.complete(job(), new AbortController().signal);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function main(): Promise<void> {
  const testModels = ensureTestModels();
  const bigModel = benchModelPath(testModels.directory);
  const embedding = [testModels.embeddingModelsDir, testModels.embeddingModelId] as const;
  const prefix = `bench-${randomUUID().slice(0, 8)}`;

  const direct = await directTokensPerSecond(bigModel);
  const throughGateway = await gatewayTokensPerSecond(
    workerEnv(`${prefix}-big`, bigModel, ...embedding),
  );

  const tiny = testModels.chatModelPath;
  const engineOptions = {
    model: tiny,
    modelName: 'local-llm',
    concurrency: 1,
    threads: THREADS,
    contextSize: 2048,
    systemPrompt: SYSTEM_PROMPT,
  };
  const embedder = new TransformersEmbedder({
    modelId: testModels.embeddingModelId,
    modelsDirectory: testModels.embeddingModelsDir,
  });
  const inProcess = new InProcessDispatcher(new LlamaChatEngine(engineOptions), embedder, 1);
  const inProcessLatencies = await roundTrips(inProcess, ROUND_TRIPS);
  await inProcess.close();

  const worker = await WorkerProcess.start(
    workerEnv(`${prefix}-tiny`, tiny, ...embedding),
    120_000,
  );
  const queued = new BullMqDispatcher(createLocalRedisConnection(REDIS_URL), {
    prefix: `${prefix}-tiny`,
    jobAttempts: 1,
  });
  let queuedLatencies: number[];
  try {
    queuedLatencies = await roundTrips(queued, ROUND_TRIPS);
  } finally {
    await queued.close();
    await worker.stop();
  }

  await deleteKeysWithPrefix(prefix, REDIS_URL);
  printTable({ direct, throughGateway, inProcessLatencies, queuedLatencies });
}

function printTable(results: {
  direct: number;
  throughGateway: number;
  inProcessLatencies: number[];
  queuedLatencies: number[];
}): void {
  const { direct, throughGateway, inProcessLatencies: local, queuedLatencies: queued } = results;
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const rows: [string, string, string][] = [
    [`tokens/s, ${TOKENS} tokens, ${THREADS} threads (median of ${RUNS})`, '', ''],
    ['  node-llama-cpp called directly', direct.toFixed(1), ''],
    [
      '  gateway → BullMQ → worker',
      throughGateway.toFixed(1),
      `${((throughGateway / direct) * 100).toFixed(1)} % of direct`,
    ],
    [`round trip of a 1-token completion (${ROUND_TRIPS} sequential)`, 'p50', 'p99'],
    ['  in-process dispatcher', ms(percentile(local, 50)), ms(percentile(local, 99))],
    [
      '  BullMQ dispatcher + worker process',
      ms(percentile(queued, 50)),
      ms(percentile(queued, 99)),
    ],
    [
      '  added by the queue',
      ms(percentile(queued, 50) - percentile(local, 50)),
      ms(percentile(queued, 99) - percentile(local, 99)),
    ],
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
