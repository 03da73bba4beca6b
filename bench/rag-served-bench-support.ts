/** Processes, load and measurements for `rag-search-gateway.bench.ts`. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { DEFAULT_TEST_MODELS_DIR, writeTinyBertOnnx } from '@app/testing';

const GATEWAY_MAIN = join(process.cwd(), 'dist', 'gateway', 'src', 'main.js');
const WARMUP_SECONDS = 1;

/** A tiny random-weight 384-d BERT-shaped ONNX model (written once under .test-models/). */
export function benchEmbeddingModel(): { modelsDir: string; modelId: string } {
  const modelsDir = join(process.cwd(), DEFAULT_TEST_MODELS_DIR);
  const modelId = 'bench-bert-384-v1';
  if (!existsSync(join(modelsDir, modelId, 'onnx', 'model.onnx')))
    writeTinyBertOnnx(join(modelsDir, modelId), { dimensions: 384 });
  return { modelsDir, modelId };
}

export interface GatewayProcess {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `node dist/gateway/src/main.js` with only `env` (not this shell's), ready once /health answers. */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: npm run build`);
  const port = await freePort();
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (data: Buffer) => (output = (output + data.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited:\n${output}`);
    const healthy = await fetch(`${baseUrl}/health`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not answer /health in 60 s:\n${output}`);
    }
    await sleep(100);
  }
  return {
    baseUrl,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function post(pool: Pool, path: string, body: string): Promise<number> {
  const response = await pool.request({
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
  return response.statusCode;
}

/** One request at a time; milliseconds each. Any status other than 200 is an error. */
export async function timeRequests(baseUrl: string, path: string, bodies: string[]) {
  const pool = new Pool(baseUrl, { connections: 1 });
  try {
    const latencies: number[] = [];
    for (const body of bodies) {
      const started = performance.now();
      const status = await post(pool, path, body);
      if (status !== 200) throw new Error(`${path} answered ${status}`);
      latencies.push(performance.now() - started);
    }
    return latencies;
  } finally {
    await pool.close();
  }
}

/**
 * Closed loop: `connections` clients each send the next body as soon as their previous answer is
 * read, for `seconds` after a warm-up second. Latency is per request, send to last body byte.
 */
export async function loadTest(
  baseUrl: string,
  path: string,
  bodies: string[],
  { connections, seconds }: { connections: number; seconds: number },
) {
  const pool = new Pool(baseUrl, { connections, pipelining: 1 });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const warmEnd = performance.now() + WARMUP_SECONDS * 1000;
  const end = warmEnd + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const ok = await post(pool, path, bodies[next++ % bodies.length]).then(
        (status) => status === 200,
        () => false,
      );
      if (started < warmEnd) continue;
      latencies.push(performance.now() - started);
      if (!ok) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  await pool.close();
  return {
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
  };
}

/** Resident and peak resident memory of a process, from /proc (Linux). */
export function processMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]);
  return { rssMb: kilobytes('VmRSS') / 1024, peakMb: kilobytes('VmHWM') / 1024 };
}

export function directoryBytes(directory: string): number {
  return readdirSync(directory).reduce(
    (total, name) => total + statSync(join(directory, name)).size,
    0,
  );
}
