import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { chunkText } from '@app/inference/rag';
import { ensureTestModels, type TestModelPaths } from '@app/testing';
import { ragWorkerEnv, waitFor, WorkerProcess } from '@app/testing/processes/worker-process';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@app/testing/redis/delete-keys-with-prefix';
import {
  postJson,
  startGateway,
  type RunningGateway,
} from '../../gateway/test/support/gateway-harness';

// Durability of RAG collections under WORKER_DATA_DIR with real worker processes: a SIGKILL in
// the middle of indexing, restarts, and two workers writing one collection at the same time.

const COLLECTION = 'durable';
/** What a committed collection directory may hold (anything else is a leftover of a crash). */
const COMMITTED_FILE =
  /^(manifest\.json|chunks-\d+\.json|index-\d+\.(exact|hnsw)(\.deleted\.json)?|log-\d+\.bin)$/;

interface Hit {
  id: string;
  document_id: string;
  content: string;
  metadata: Record<string, unknown>;
}

function workerEnv(models: TestModelPaths, queuePrefix: string, dataDir: string) {
  return {
    ...ragWorkerEnv(models, queuePrefix, dataDir),
    // A killed worker's job goes back to the queue within ~3 s instead of ~60 s.
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    WORKER_JOB_ATTEMPTS: '3',
  };
}

/** Several sentences, so a document makes several chunks at chunk_size 16. */
const longText = (id: string) =>
  Array.from({ length: 6 }, (_, index) => `Document ${id} sentence ${index} about ${id}.`).join(
    ' ',
  );
/** The chunk ids the worker gives `longText(id)` (same chunker, same settings). */
const wholeChunkIds = (id: string) =>
  chunkText(longText(id), { chunkSize: 16, chunkOverlap: 0 }).map(
    (chunk) => `${id}#${chunk.index}`,
  );

/** The chunks stored for one document id, found by its metadata (exact filter, all chunks). */
async function chunksOf(baseUrl: string, id: string): Promise<Hit[]> {
  const { status, json } = await postJson(`${baseUrl}/v1/rag/search`, {
    collection: COLLECTION,
    query: id,
    top_k: 100,
    filter: { doc: id },
  });
  if (status !== 200) throw new Error(`search for ${id}: ${status} ${JSON.stringify(json)}`);
  return (json.results as Hit[]).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

async function stats(baseUrl: string): Promise<{ documents: number; chunks: number }> {
  const response = await fetch(`${baseUrl}/v1/rag/stats`);
  const { collections } = (await response.json()) as {
    collections: { name: string; documents: number; chunks: number }[];
  };
  const collection = collections.find((candidate) => candidate.name === COLLECTION);
  return { documents: collection?.documents ?? 0, chunks: collection?.chunks ?? 0 };
}

function collectionFiles(dataDir: string): string[] {
  return readdirSync(join(dataDir, 'rag', COLLECTION));
}

describe('RAG durability with worker processes', () => {
  let models: TestModelPaths;
  beforeAll(() => {
    models = ensureTestModels();
  });

  describe('a worker killed (SIGKILL) in the middle of indexing', () => {
    const queuePrefix = `test-rag-kill-${randomUUID().slice(0, 8)}`;
    let dataDir: string;
    let worker: WorkerProcess;
    let gateway: RunningGateway;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'rag-kill-e2e-'));
      worker = await WorkerProcess.start(workerEnv(models, queuePrefix, dataDir));
      gateway = await startGateway({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: queuePrefix });
    }, 30_000);

    afterAll(async () => {
      await gateway?.close();
      await worker?.kill();
      await deleteKeysWithPrefix(queuePrefix);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('keeps every acknowledged document searchable and nothing half written, also after a restart', async () => {
      const batches = Array.from({ length: 30 }, (_, batch) =>
        Array.from({ length: 3 }, (_, index) => `b${batch}d${index}`),
      );
      let acknowledged = 0;
      const requests = batches.map(async (ids) => {
        const response = await postJson(`${gateway.baseUrl}/v1/rag/index`, {
          collection: COLLECTION,
          chunk_size: 16,
          chunk_overlap: 0,
          documents: ids.map((id) => ({ id, content: longText(id), metadata: { doc: id } })),
        });
        if (response.status === 200) acknowledged += 1;
        return response;
      });
      // Kill once some batches are committed, others queued, and one is being written: its lock
      // file exists (the restarted worker must recognise it as stale).
      await waitFor(async () => (acknowledged >= 4 ? true : undefined), 30_000, '4 acknowledged');
      const lockFile = join(dataDir, 'rag', '.locks', `${COLLECTION}.lock`);
      const deadline = Date.now() + 5_000;
      while (!existsSync(lockFile) && Date.now() < deadline) await setImmediate();
      await worker.kill();
      worker = await WorkerProcess.start(workerEnv(models, queuePrefix, dataDir));
      const responses = await Promise.all(requests);

      const chunkIdsById = new Map<string, string[]>();
      for (const response of responses.filter((candidate) => candidate.status === 200)) {
        for (const document of response.json.documents as { id: string; chunks: string[] }[])
          chunkIdsById.set(document.id, document.chunks);
      }
      expect(chunkIdsById.size).toBeGreaterThanOrEqual(4 * 3);

      const verify = async (baseUrl: string) => {
        let documents = 0;
        let chunks = 0;
        for (const id of batches.flat()) {
          const stored = await chunksOf(baseUrl, id);
          const acknowledgedChunks = chunkIdsById.get(id);
          // Acknowledged: exactly its chunks. Not acknowledged (a failed request): whole or absent.
          if (acknowledgedChunks) expect(acknowledgedChunks).toEqual(wholeChunkIds(id));
          if (acknowledgedChunks || stored.length > 0) {
            expect(stored.map((hit) => hit.id)).toEqual(wholeChunkIds(id));
            documents += 1;
            chunks += stored.length;
          }
        }
        expect(await stats(baseUrl)).toEqual({ documents, chunks });
      };
      await verify(gateway.baseUrl);
      expect(collectionFiles(dataDir).filter((name) => !COMMITTED_FILE.test(name))).toEqual([]);

      // Restart again (a clean stop this time) and search the same data from disk.
      await worker.stop();
      worker = await WorkerProcess.start(workerEnv(models, queuePrefix, dataDir));
      await verify(worker.baseUrl);
    }, 120_000);
  });

  describe('two workers writing one collection on one data directory', () => {
    const queuePrefix = `test-rag-shared-${randomUUID().slice(0, 8)}`;
    let dataDir: string;
    let workers: WorkerProcess[];
    let gateway: RunningGateway;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'rag-shared-e2e-'));
      workers = await Promise.all([
        WorkerProcess.start(workerEnv(models, queuePrefix, dataDir)),
        WorkerProcess.start(workerEnv(models, queuePrefix, dataDir)),
      ]);
      gateway = await startGateway({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: queuePrefix });
    }, 30_000);

    afterAll(async () => {
      await gateway?.close();
      await Promise.all((workers ?? []).map((worker) => worker.stop()));
      await deleteKeysWithPrefix(queuePrefix);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('ends with exactly the expected documents after concurrent index, replace and delete requests', async () => {
      const ids = Array.from({ length: 24 }, (_, index) => `doc${index}`);
      const secondVersion = (id: string) => `Second version of ${id}, replaced.`;
      const isDeleted = (index: number) => index % 4 === 0;
      // Writes go through the gateway (BullMQ spreads them over both workers) and straight to
      // either worker's port, so both processes write the collection at the same time.
      const entryPoints = () => [gateway.baseUrl, workers[0].baseUrl, workers[1].baseUrl];
      await Promise.all(
        ids.map(async (id, index) => {
          const via = (step: number) => entryPoints()[(index + step) % 3];
          const index1 = await postJson(`${via(0)}/v1/rag/index`, {
            collection: COLLECTION,
            chunk_size: 16,
            chunk_overlap: 0,
            documents: [{ id, content: longText(id), metadata: { doc: id, version: 1 } }],
          });
          expect(index1.status).toBe(200);
          const index2 = await postJson(`${via(1)}/v1/rag/index`, {
            collection: COLLECTION,
            documents: [{ id, content: secondVersion(id), metadata: { doc: id, version: 2 } }],
          });
          expect(index2.json).toMatchObject({ documents: [{ id, chunks: [`${id}#0`] }] });
          if (isDeleted(index)) {
            const deleted = await fetch(
              `${via(2)}/v1/rag/documents/${id}?collection=${COLLECTION}`,
              { method: 'DELETE' },
            );
            expect(deleted.status).toBe(200);
          }
        }),
      );

      const survivors = ids.filter((_, index) => !isDeleted(index));
      const expected = survivors.map((id) => `${id}#0`).sort();
      const rankings: string[][] = [];
      for (const baseUrl of entryPoints()) {
        const { json } = await postJson(`${baseUrl}/v1/rag/search`, {
          collection: COLLECTION,
          query: secondVersion('doc7'),
          top_k: 100,
        });
        const hits = json.results as Hit[];
        expect(hits.map((hit) => hit.id).sort()).toEqual(expected);
        hits.forEach((hit) => expect(hit.content).toBe(secondVersion(hit.document_id)));
        hits.forEach((hit) => expect(hit.metadata).toEqual({ doc: hit.document_id, version: 2 }));
        rankings.push(hits.map((hit) => hit.id));
        expect(await stats(baseUrl)).toEqual({
          documents: survivors.length,
          chunks: survivors.length,
        });
      }
      // Every process's copy (one built by its own writes, one by replaying the other's) ranks alike.
      expect(rankings[1]).toEqual(rankings[2]);
      expect(rankings[0]).toEqual(rankings[1]);
      expect(rankings[0][0]).toBe('doc7#0');
      expect(collectionFiles(dataDir).filter((name) => !COMMITTED_FILE.test(name))).toEqual([]);
      expect(readdirSync(join(dataDir, 'rag', '.locks'))).toEqual([]);
    }, 60_000);
  });
});
