import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_REDIS_URL } from '../redis/delete-keys-with-prefix';

/** Tests and benchmarks run from the repository root. */
const WORKER_MAIN = join(process.cwd(), 'dist', 'worker', 'src', 'main.js');

export interface WorkerDetails {
  active_jobs: number;
  jobs_by_outcome: Record<string, number>;
  models: Record<string, { state: string }>;
  queue_depth: Record<string, number> | null;
}

/** A worker started from the compiled app (`npm run build`), as in production: a real process. */
export class WorkerProcess {
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts a worker on a free port; resolves once it listens (after its preload, if asked). */
  static async start(env: Record<string, string>, timeoutMs = 20_000): Promise<WorkerProcess> {
    if (!existsSync(WORKER_MAIN))
      throw new Error(`${WORKER_MAIN} is missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, [WORKER_MAIN], {
      cwd: process.cwd(),
      // Only what the test passes: the worker must not pick up this shell's REDIS_URL or model paths.
      env: { WORKER_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker did not start in ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const onData = (data: Buffer) => {
        output += data.toString();
        const match = /"port":(\d+)[^\n]*"msg":"worker listening"/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited with ${code} before listening:\n${output}`));
      });
    });
    return new WorkerProcess(child, `http://127.0.0.1:${port}`);
  }

  async details(): Promise<WorkerDetails> {
    return (await fetch(`${this.baseUrl}/health/detailed`).then((response) =>
      response.json(),
    )) as WorkerDetails;
  }

  /** SIGKILL: the process dies mid-job without any cleanup, as in a crash or OOM kill. */
  async kill(): Promise<void> {
    if (this.running) process.kill(this.pid, 'SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then the exit code (the worker drains its jobs first). */
  async stop(): Promise<number | null> {
    if (this.running) process.kill(this.pid, 'SIGTERM');
    return this.exited;
  }
}

/**
 * Polls until `check` returns a value, or fails after `timeoutMs`; stops polling (rejecting with
 * the signal's reason) once `signal` aborts, for a wait that lost a race and is no longer wanted.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * The environment of a worker process serving RAG jobs in a test: the Redis topology under a
 * test's own queue prefix, the repo-generated ONNX embedding model, and a data directory.
 */
export function ragWorkerEnv(
  models: { embeddingModelsDir: string; embeddingModelId: string },
  queuePrefix: string,
  dataDir: string,
): Record<string, string> {
  return {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'info',
    WORKER_EMBEDDING_BACKEND: 'transformers',
    WORKER_MODELS_DIR: models.embeddingModelsDir,
    WORKER_EMBEDDING_MODEL: models.embeddingModelId,
    WORKER_DATA_DIR: dataDir,
  };
}
