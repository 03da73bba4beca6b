import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExactVectorIndex } from './exact-vector-index';
import type { RagService } from './rag-service';
import { HashingEmbedder } from '@app/testing/rag/hashing-embedder';
import { makeRagService } from '@app/testing/rag/rag-test-setup';
import { makeTempDirectory, removeDirectory } from '@app/testing/rag/temp-directory';

// Two RagService instances on one data directory share nothing but the files, like two worker
// processes on one WORKER_DATA_DIR: only the lock files and the log keep them consistent.

const IDS = Array.from({ length: 24 }, (_, index) => `doc${index}`);
const firstVersion = (id: string) => `${id} first version about topic ${id}`;
const secondVersion = (id: string) => `${id} second version replaced wording ${id}`;
const isDeleted = (index: number) => index % 3 === 0;
// HNSW from the first chunk, and a checkpoint every few writes: readers must reload, not just replay.
const OPTIONS = { exactIndexMaxChunks: 0, checkpointLogChunks: 5 };

async function allChunkIds(rag: RagService): Promise<string[]> {
  const { results } = await rag.search({ collection: 'shared', query: 'version', top_k: 100 });
  return results.map((result) => result.id).sort();
}

describe('RagService: several processes on one data directory', () => {
  let dataDir: string;
  let services: RagService[];
  beforeEach(() => {
    dataDir = makeTempDirectory();
    services = [makeRagService(dataDir, OPTIONS), makeRagService(dataDir, OPTIONS)];
  });
  afterEach(async () => {
    await Promise.all(services.map((service) => service.close()));
    removeDirectory(dataDir);
  });

  it('concurrent index, replace and delete from two services end in exactly the expected state', async () => {
    const [a, b] = services;
    await Promise.all(
      IDS.map(async (id, index) => {
        const [first, second] = index % 2 === 0 ? [a, b] : [b, a];
        const index1 = { collection: 'shared', documents: [{ id, content: firstVersion(id) }] };
        await first.index(index1);
        await second.index({
          collection: 'shared',
          documents: [{ id, content: secondVersion(id), metadata: { version: 2 } }],
        });
        if (isDeleted(index)) await first.deleteDocument(id, 'shared');
      }),
    );
    await Promise.all(services.map((service) => service.close()));

    const survivors = IDS.filter((_, index) => !isDeleted(index));
    const expected = survivors.map((id) => `${id}#0`).sort();
    for (const rag of [a, b, makeRagService(dataDir, OPTIONS)]) {
      expect(await allChunkIds(rag)).toEqual(expected);
      expect((await rag.stats()).collections[0]).toMatchObject({
        documents: survivors.length,
        chunks: survivors.length,
        index: { type: 'hnsw' },
      });
    }

    // The served (HNSW) ranking agrees with an exact index over the expected final documents
    // (scores compared, not ids: the hashing embedder gives several documents equal scores).
    const embedder = new HashingEmbedder();
    const exact = new ExactVectorIndex(await embedder.dimensions());
    exact.add(
      survivors.map((_, index) => index),
      await embedder.embed(survivors.map(secondVersion)),
    );
    for (const query of ['doc4 second version', 'replaced wording doc17', 'doc1']) {
      const [vector] = await embedder.embed([query]);
      const truth = exact.search(vector, 5);
      const { results } = await b.search({ collection: 'shared', query, top_k: 5 });
      expect(results[0].id).toBe(`${survivors[truth[0].label]}#0`);
      results.forEach((result, rank) => expect(result.score).toBeCloseTo(truth[rank].score, 5));
      results.forEach((result) => expect(result.content).toBe(secondVersion(result.document_id)));
    }
    const directory = path.join(dataDir, 'rag', 'shared');
    expect(fs.readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'rag', '.locks'))).toEqual([]);
  });

  it("one service's search sees a write the other acknowledged, at once", async () => {
    const [a, b] = services;
    await a.index({ collection: 'shared', documents: [{ id: 'x', content: 'alpha beta' }] });
    expect(await allChunkIds(b)).toEqual(['x#0']);
    await b.index({ collection: 'shared', documents: [{ id: 'y', content: 'gamma version' }] });
    await a.index({ collection: 'shared', documents: [{ id: 'z', content: 'delta version' }] });
    expect(await allChunkIds(b)).toEqual(['x#0', 'y#0', 'z#0']);
    await a.deleteDocument('y', 'shared');
    expect(await allChunkIds(b)).toEqual(['x#0', 'z#0']);
  });

  it('a collection deleted by one service is gone for the other; re-created, it holds only new documents', async () => {
    const [a, b] = services;
    await a.index({ collection: 'shared', documents: [{ id: 'old', content: 'old version' }] });
    expect(await allChunkIds(b)).toEqual(['old#0']);
    await a.deleteCollection('shared');
    await expect(b.search({ collection: 'shared', query: 'version' })).rejects.toMatchObject({
      status: 404,
    });
    await a.index({ collection: 'shared', documents: [{ id: 'new', content: 'new version' }] });
    expect(await allChunkIds(b)).toEqual(['new#0']);
    await b.index({ collection: 'shared', documents: [{ id: 'more', content: 'more version' }] });
    expect(await allChunkIds(a)).toEqual(['more#0', 'new#0']);
  });
});
