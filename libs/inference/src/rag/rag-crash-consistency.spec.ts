import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RagService } from './rag-service';
import { makeRagService, TOPIC_DOCUMENTS } from '@app/testing/rag/rag-test-setup';
import { makeTempDirectory, removeDirectory } from '@app/testing/rag/temp-directory';

/**
 * Write operations of one checkpoint, by index type: the index file (hnswlib writes its own temp
 * natively, then we rename it; plus a sidecar), the chunk store and the manifest.
 */
const CHECKPOINTS = [
  {
    type: 'exact',
    exactIndexMaxChunks: 1000,
    writes: 6,
    files: ['chunks-2.json', 'index-2.exact', 'manifest.json'],
  },
  {
    type: 'hnsw',
    exactIndexMaxChunks: 0,
    writes: 7,
    files: ['chunks-2.json', 'index-2.hnsw', 'index-2.hnsw.deleted.json', 'manifest.json'],
  },
];
const CRASH_CASES = CHECKPOINTS.flatMap((checkpoint) =>
  Array.from({ length: checkpoint.writes }, (_, index) => ({
    ...checkpoint,
    crashPoint: index + 1,
  })),
);

type Operation = 'writeFile' | 'rename' | 'appendFile';

/**
 * Makes the n-th of the given operations from now fail, like a process dying there: writes leave
 * half of their data behind, as a crash mid-write would.
 */
function crashAtOperation(
  n: number,
  operations: Operation[] = ['writeFile', 'rename'],
): () => void {
  let count = 0;
  const crashesNow = (operation: Operation) => operations.includes(operation) && ++count === n;
  const real = {
    writeFile: fs.promises.writeFile,
    appendFile: fs.promises.appendFile,
    rename: fs.promises.rename,
  };
  type Write = (file: string, data: string | Uint8Array, options?: unknown) => Promise<void>;
  const halfWrite = (operation: 'writeFile' | 'appendFile') => {
    const write = real[operation] as Write;
    const spy = jest.spyOn(fs.promises, operation) as unknown as jest.SpyInstance;
    return spy.mockImplementation(async (file: string, data: string | Uint8Array, options) => {
      if (crashesNow(operation)) {
        const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
        await write(file, bytes.subarray(0, bytes.length >> 1));
        throw new Error(`simulated crash during ${operation}`);
      }
      return write(file, data, options);
    });
  };
  const spies = [
    halfWrite('writeFile'),
    halfWrite('appendFile'),
    jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      if (crashesNow('rename')) throw new Error('simulated crash before rename');
      return real.rename(from, to);
    }),
  ];
  return () => spies.forEach((spy) => spy.mockRestore());
}

const REPLACEMENTS = [
  { id: 'cats', content: 'Replaced text about dogs.' },
  { id: 'new', content: 'Brand new.' },
];

async function documentIds(rag: RagService, query = 'cats purr dogs brand new kept lost') {
  const { results } = await rag.search({ collection: 'kb', query, top_k: 10 });
  return results.map((result) => result.id).sort();
}

describe('RAG collection crash consistency', () => {
  let dataDir: string;
  const collectionDirectory = () => path.join(dataDir, 'rag', 'kb');
  const files = () => fs.readdirSync(collectionDirectory()).sort();
  beforeEach(() => (dataDir = makeTempDirectory()));
  afterEach(() => removeDirectory(dataDir));

  it.each(CRASH_CASES)(
    '$type index: a crash at write $crashPoint of a background checkpoint loses no acknowledged write',
    async ({ exactIndexMaxChunks, crashPoint, files: checkpointFiles }) => {
      const failures: unknown[] = [];
      const options = {
        exactIndexMaxChunks,
        checkpointLogChunks: 2,
        onBackgroundError: (error: unknown) => failures.push(error),
      };
      const rag = makeRagService(dataDir, options);
      await rag.index({ collection: 'kb', documents: TOPIC_DOCUMENTS });
      const restore = crashAtOperation(crashPoint);
      // Appended and acknowledged; its two chunks then trigger the checkpoint that crashes.
      await rag.index({ collection: 'kb', documents: REPLACEMENTS });
      await rag.close();
      restore();
      expect(String(failures[0])).toMatch(/simulated crash/);

      const recovered = makeRagService(dataDir, options);
      expect(await documentIds(recovered)).toEqual(['bread#0', 'cats#0', 'new#0', 'rust#0']);
      const { results } = await recovered.search({ collection: 'kb', query: 'dogs', top_k: 1 });
      expect(results[0]).toMatchObject({ id: 'cats#0', content: 'Replaced text about dogs.' });
      // The next write cleans up after the crash; its own checkpoint then succeeds.
      await recovered.index({ collection: 'kb', documents: [{ id: 'kept', content: 'kept' }] });
      await recovered.close();
      expect(files()).toEqual(checkpointFiles);
      expect(await documentIds(makeRagService(dataDir, options))).toEqual([
        'bread#0',
        'cats#0',
        'kept#0',
        'new#0',
        'rust#0',
      ]);
    },
  );

  it.each([1, 2, 3, 4, 5, 6])(
    'a crash at write %i of the first commit leaves no collection behind',
    async (crashPoint) => {
      const restore = crashAtOperation(crashPoint);
      await expect(
        makeRagService(dataDir).index({ collection: 'kb', documents: TOPIC_DOCUMENTS }),
      ).rejects.toThrow(/simulated crash/);
      restore();
      const recovered = makeRagService(dataDir);
      await expect(recovered.search({ collection: 'kb', query: 'cats' })).rejects.toMatchObject({
        status: 404,
      });
      expect((await recovered.stats()).collections).toEqual([]);
      await recovered.index({ collection: 'kb', documents: [TOPIC_DOCUMENTS[0]] });
      expect(await documentIds(makeRagService(dataDir))).toEqual(['cats#0']);
    },
  );

  it('a crash mid-append loses only that unacknowledged write; the torn tail is cut before the next append', async () => {
    const rag = makeRagService(dataDir);
    await rag.index({ collection: 'kb', documents: TOPIC_DOCUMENTS });
    await rag.index({ collection: 'kb', documents: [REPLACEMENTS[1]] });
    const logBytes = fs.statSync(path.join(collectionDirectory(), 'log-1.bin')).size;
    const restore = crashAtOperation(1, ['appendFile']);
    await expect(
      rag.index({ collection: 'kb', documents: [{ id: 'lost', content: 'lost' }] }),
    ).rejects.toThrow(/simulated crash/);
    restore();
    const tornBytes = fs.statSync(path.join(collectionDirectory(), 'log-1.bin')).size;
    expect(tornBytes).toBeGreaterThan(logBytes);

    const recovered = makeRagService(dataDir);
    expect(await documentIds(recovered)).toEqual(['bread#0', 'cats#0', 'new#0', 'rust#0']);
    await recovered.index({ collection: 'kb', documents: [{ id: 'kept', content: 'kept' }] });
    expect(await documentIds(makeRagService(dataDir))).toEqual([
      'bread#0',
      'cats#0',
      'kept#0',
      'new#0',
      'rust#0',
    ]);
    expect((await makeRagService(dataDir).stats()).collections[0]).toMatchObject({
      documents: 5,
      chunks: 5,
    });
  });

  it('the same service recovers after a failed write and keeps working', async () => {
    const rag = makeRagService(dataDir);
    await rag.index({ collection: 'kb', documents: TOPIC_DOCUMENTS });
    const restore = crashAtOperation(1, ['appendFile']);
    await expect(
      rag.index({ collection: 'kb', documents: [{ id: 'lost', content: 'lost' }] }),
    ).rejects.toThrow();
    restore();
    expect((await rag.search({ collection: 'kb', query: 'lost', top_k: 10 })).results).toHaveLength(
      3,
    );
    await rag.index({ collection: 'kb', documents: [{ id: 'kept', content: 'kept' }] });
    expect((await makeRagService(dataDir).stats()).collections[0]).toMatchObject({
      documents: 4,
      chunks: 4,
    });
  });

  it('ignores stray temp files and a newer generation that has no manifest', async () => {
    await makeRagService(dataDir).index({ collection: 'kb', documents: TOPIC_DOCUMENTS });
    const directory = collectionDirectory();
    fs.writeFileSync(
      path.join(directory, 'manifest.json.0badf00d.tmp'),
      '{"format":1,"generation":2,"fi',
    );
    fs.writeFileSync(path.join(directory, 'chunks-2.json'), '{"format":1,"documents":[{"id":"half');
    fs.writeFileSync(path.join(directory, 'index-2.exact'), Buffer.alloc(7));
    fs.writeFileSync(path.join(directory, 'log-2.bin'), Buffer.alloc(40, 1));
    fs.writeFileSync(path.join(directory, 'index-1.exact.1234abcd.tmp'), Buffer.alloc(3));

    const recovered = makeRagService(dataDir);
    const { results } = await recovered.search({
      collection: 'kb',
      query: 'bread dough',
      top_k: 10,
    });
    expect(results).toHaveLength(3);
    expect(results[0].document_id).toBe('bread');
    await recovered.index({ collection: 'kb', documents: [{ id: 'more', content: 'more text' }] });
    expect(files()).toEqual(['chunks-1.json', 'index-1.exact', 'log-1.bin', 'manifest.json']);
    expect((await makeRagService(dataDir).stats()).collections[0]).toMatchObject({
      documents: 4,
      chunks: 4,
    });
  });

  it('does not replay the log of a deleted collection into a new one of the same name', async () => {
    const rag = makeRagService(dataDir);
    await rag.index({ collection: 'kb', documents: TOPIC_DOCUMENTS });
    await rag.index({ collection: 'kb', documents: [{ id: 'old', content: 'old log entry' }] });
    // A delete that crashed right after its commit point (the manifest is gone, files are not).
    fs.rmSync(path.join(collectionDirectory(), 'manifest.json'));
    const fresh = makeRagService(dataDir);
    await fresh.index({ collection: 'kb', documents: [{ id: 'new', content: 'Brand new.' }] });
    expect(await documentIds(makeRagService(dataDir), 'old log entry brand new cats')).toEqual([
      'new#0',
    ]);
  });

  it('treats a directory without a manifest as no collection, and reuses it cleanly', async () => {
    const directory = collectionDirectory();
    fs.mkdirSync(directory, { recursive: true });
    fs.writeFileSync(path.join(directory, 'chunks-1.json'), 'garbage');
    const rag = makeRagService(dataDir);
    await expect(rag.search({ collection: 'kb', query: 'x' })).rejects.toMatchObject({
      status: 404,
    });
    expect((await rag.stats()).collections).toEqual([]);
    await rag.index({ collection: 'kb', documents: [TOPIC_DOCUMENTS[0]] });
    expect(
      (await makeRagService(dataDir).search({ collection: 'kb', query: 'cats' })).results,
    ).toHaveLength(1);
  });
});
