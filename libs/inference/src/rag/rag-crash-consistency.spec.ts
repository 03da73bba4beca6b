import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeRagService, TOPIC_DOCUMENTS } from './testing/rag-test-setup';
import { makeTempDirectory, removeDirectory } from './testing/temp-directory';

/**
 * Write operations of one commit, by index type: the index file (hnswlib writes its own temp
 * natively, then we rename it; plus a sidecar), the chunk store and the manifest.
 */
const COMMITS = [
  {
    type: 'exact',
    exactIndexMaxChunks: 1000,
    writes: 6,
    files: ['chunks-1.json', 'index-1.exact', 'manifest.json'],
  },
  {
    type: 'hnsw',
    exactIndexMaxChunks: 0,
    writes: 7,
    files: ['chunks-1.json', 'index-1.hnsw', 'index-1.hnsw.deleted.json', 'manifest.json'],
  },
];
const CRASH_CASES = COMMITS.flatMap((commit) =>
  Array.from({ length: commit.writes }, (_, index) => ({ ...commit, crashPoint: index + 1 })),
);

/**
 * Makes the n-th write or rename from now fail, like a process dying there: writes leave half
 * of their data behind, as a crash mid-write would.
 */
function crashAtOperation(n: number): () => void {
  let count = 0;
  const realWriteFile = fs.promises.writeFile;
  const writeFile = jest
    .spyOn(fs.promises, 'writeFile')
    .mockImplementation(async (file, data, options) => {
      if (++count === n) {
        const bytes =
          typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as Uint8Array);
        await realWriteFile(file, bytes.subarray(0, bytes.length >> 1));
        throw new Error('simulated crash during write');
      }
      return realWriteFile(file, data, options);
    });
  const rename = jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
    if (++count === n) throw new Error('simulated crash before rename');
    return jest.requireActual<typeof fs>('node:fs').promises.rename(from, to);
  });
  return () => {
    writeFile.mockRestore();
    rename.mockRestore();
  };
}

describe('RAG collection crash consistency', () => {
  let dataDir: string;
  const collectionDirectory = () => path.join(dataDir, 'rag', 'kb');
  beforeEach(() => (dataDir = makeTempDirectory()));
  afterEach(() => removeDirectory(dataDir));

  it.each(CRASH_CASES)(
    '$type index: a crash at write $crashPoint of a commit keeps the last acknowledged state, whole',
    async ({ exactIndexMaxChunks, crashPoint, files }) => {
      await makeRagService(dataDir, { exactIndexMaxChunks }).index({
        collection: 'kb',
        documents: TOPIC_DOCUMENTS,
      });
      const restore = crashAtOperation(crashPoint);
      const doomed = makeRagService(dataDir, { exactIndexMaxChunks }).index({
        collection: 'kb',
        documents: [
          { id: 'cats', content: 'Replaced text about dogs.' },
          { id: 'new', content: 'Brand new.' },
        ],
      });
      await expect(doomed).rejects.toThrow(/simulated crash/);
      restore();

      const recovered = makeRagService(dataDir, { exactIndexMaxChunks });
      const { results } = await recovered.search({
        collection: 'kb',
        query: 'cats purr dogs brand new',
        top_k: 10,
      });
      expect(results.map((result) => result.id).sort()).toEqual(['bread#0', 'cats#0', 'rust#0']);
      expect(results.find((result) => result.id === 'cats#0')?.content).toContain('Cats purr');
      expect(fs.readdirSync(collectionDirectory()).sort()).toEqual(files);
    },
  );

  it('the same service recovers after a failed commit and keeps working', async () => {
    const rag = makeRagService(dataDir);
    await rag.index({ collection: 'kb', documents: TOPIC_DOCUMENTS });
    const restore = crashAtOperation(3);
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
    fs.writeFileSync(path.join(directory, 'index-1.exact.1234abcd.tmp'), Buffer.alloc(3));

    const recovered = makeRagService(dataDir);
    const { results } = await recovered.search({
      collection: 'kb',
      query: 'bread dough',
      top_k: 10,
    });
    expect(results).toHaveLength(3);
    expect(results[0].document_id).toBe('bread');
    expect(fs.readdirSync(directory).sort()).toEqual([
      'chunks-1.json',
      'index-1.exact',
      'manifest.json',
    ]);
    await recovered.index({ collection: 'kb', documents: [{ id: 'more', content: 'more text' }] });
    expect((await makeRagService(dataDir).stats()).collections[0]).toMatchObject({
      documents: 4,
      chunks: 4,
    });
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
