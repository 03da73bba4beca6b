import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ensureTestModels } from '@app/testing';
import { ragWorkerEnv, WorkerProcess } from '@app/testing/processes/worker-process';
import { deleteKeysWithPrefix } from '@app/testing/redis/delete-keys-with-prefix';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Issue 11, defect 10: the worker's port serves RAG index/search/delete; reachable beyond
 * loopback, it needs WORKER_API_KEY, and docker-compose does not publish it on the host.
 */
describe('the worker port beyond loopback', () => {
  const queuePrefix = `test-exposure-${randomUUID().slice(0, 8)}`;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'worker-exposure-'));
    env = ragWorkerEnv(ensureTestModels(), queuePrefix, dataDir);
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await deleteKeysWithPrefix(queuePrefix);
  });

  it('refuses to start on a non-loopback WORKER_HOST without WORKER_API_KEY, naming the variable', async () => {
    let started: WorkerProcess | undefined;
    const failure = await WorkerProcess.start({ ...env, WORKER_HOST: '0.0.0.0' }).then(
      (worker) => void (started = worker),
      (error: unknown) => error,
    );
    await started?.kill();
    expect(String(failure)).toMatch(/exited with 1[\s\S]*WORKER_API_KEY/);
  });

  it('with WORKER_API_KEY, the RAG API needs the key; health and metrics stay open for probes', async () => {
    const worker = await WorkerProcess.start({
      ...env,
      WORKER_HOST: '0.0.0.0',
      WORKER_API_KEY: 'worker-secret',
    });
    try {
      const anonymous = await fetch(`${worker.baseUrl}/v1/rag/stats`);
      expect(anonymous.status).toBe(401);
      const body = (await anonymous.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({ type: 'authentication_error', code: 'missing_api_key' });
      const wrong = await fetch(`${worker.baseUrl}/v1/rag/stats`, {
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrong.status).toBe(401);
      const keyed = await fetch(`${worker.baseUrl}/v1/rag/stats`, {
        headers: { authorization: 'Bearer worker-secret' },
      });
      expect(keyed.status).toBe(200);
      const deleted = await fetch(`${worker.baseUrl}/v1/rag/collections/anything`, {
        method: 'DELETE',
      });
      expect(deleted.status).toBe(401);
      expect((await fetch(`${worker.baseUrl}/health`)).status).toBe(200);
      expect((await fetch(`${worker.baseUrl}/metrics`)).status).toBe(200);
    } finally {
      await worker.kill();
    }
  });

  it('docker-compose publishes no worker port and gives a worker on the compose network a key', () => {
    const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8')) as {
      services: Record<string, { ports?: unknown; environment?: Record<string, string> }>;
    };
    const worker = compose.services.worker;
    expect(worker.ports).toBeUndefined();
    const host = worker.environment?.WORKER_HOST ?? '127.0.0.1';
    if (!LOOPBACK.has(host)) expect(worker.environment?.WORKER_API_KEY).toBeDefined();
    const prometheus = readFileSync('deploy/prometheus/prometheus.yml', 'utf8');
    expect(prometheus).toContain("'worker:8000'");
  });
});
