import * as fs from 'node:fs';
import * as path from 'node:path';
import { chunkText } from './chunker';
import { makeRagService, TOPIC_DOCUMENTS } from '@app/testing/rag/rag-test-setup';
import { makeTempDirectory, removeDirectory } from '@app/testing/rag/temp-directory';

function paragraphs(count: number, topic: string): string {
  return Array.from(
    { length: count },
    (_, index) => `${topic} paragraph ${index} has several words about ${topic}.`,
  ).join('\n\n');
}

describe('RagService', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = makeTempDirectory()));
  afterEach(() => removeDirectory(dataDir));

  it('indexes documents and finds the matching chunk first', async () => {
    const rag = makeRagService(dataDir);
    const indexed = await rag.index({ documents: TOPIC_DOCUMENTS });
    expect(indexed).toEqual({
      collection: 'default',
      documents: [
        { id: 'cats', chunks: ['cats#0'] },
        { id: 'rust', chunks: ['rust#0'] },
        { id: 'bread', chunks: ['bread#0'] },
      ],
      chunks_indexed: 3,
    });
    const { results } = await rag.search({ query: 'how does the borrow checker work', top_k: 2 });
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({
      id: 'rust#0',
      document_id: 'rust',
      metadata: { kind: 'code', legs: 0 },
    });
    expect(results[0].content).toContain('borrow checker');
    expect(results[0].score).toBeGreaterThan(results[1].score);
  });

  it('generates document ids when absent', async () => {
    const rag = makeRagService(dataDir);
    const { documents } = await rag.index({
      collection: 'notes',
      documents: [{ content: 'no id here' }],
    });
    expect(documents[0].id).toMatch(/^doc_[0-9a-f]{32}$/);
    expect(documents[0].chunks).toEqual([`${documents[0].id}#0`]);
  });

  it('replaces the chunks of a re-indexed document (no duplicates, no orphans)', async () => {
    const rag = makeRagService(dataDir);
    await rag.index({ documents: [{ id: 'manual', content: paragraphs(12, 'engine') }] });
    const first = await rag.stats();
    await rag.index({ documents: [{ id: 'manual', content: paragraphs(12, 'engine') }] });
    await rag.index({
      documents: [{ id: 'manual', content: 'A short replacement about gardens.' }],
    });
    const [stats] = (await rag.stats()).collections;
    expect(first.collections[0].chunks).toBeGreaterThan(1);
    expect(stats).toMatchObject({ documents: 1, chunks: 1 });
    const { results } = await rag.search({ query: 'engine paragraph', top_k: 100 });
    expect(results.map((result) => result.id)).toEqual(['manual#0']);
    expect(results[0].content).toBe('A short replacement about gardens.');
  });

  it('deletes a document and then a collection', async () => {
    const rag = makeRagService(dataDir);
    await rag.index({ collection: 'kb', documents: TOPIC_DOCUMENTS });
    expect(await rag.deleteDocument('cats', 'kb')).toEqual({
      collection: 'kb',
      id: 'cats',
      deleted: true,
      chunks_deleted: 1,
    });
    const { results } = await rag.search({ collection: 'kb', query: 'cats purr', top_k: 10 });
    expect(results.map((result) => result.document_id).sort()).toEqual(['bread', 'rust']);
    await expect(rag.deleteDocument('cats', 'kb')).rejects.toMatchObject({
      status: 404,
      code: 'document_not_found',
    });
    expect(await rag.deleteCollection('kb')).toEqual({ name: 'kb', deleted: true });
    expect(fs.existsSync(path.join(dataDir, 'rag', 'kb'))).toBe(false);
    await expect(rag.search({ collection: 'kb', query: 'cats' })).rejects.toMatchObject({
      status: 404,
      code: 'collection_not_found',
    });
    await expect(rag.deleteCollection('kb')).rejects.toMatchObject({ status: 404 });
  });

  it('filters by metadata equality on strings, numbers and booleans', async () => {
    const rag = makeRagService(dataDir);
    await rag.index({ documents: TOPIC_DOCUMENTS });
    const ids = async (filter: Record<string, string | number | boolean>) =>
      (await rag.search({ query: 'cats purr', top_k: 10, filter })).results.map(
        (result) => result.document_id,
      );
    expect(await ids({ kind: 'code' })).toEqual(['rust']);
    expect(await ids({ legs: 4 })).toEqual(['cats']);
    expect(await ids({ vegan: true })).toEqual(['bread']);
    expect(await ids({ kind: 'animal', legs: 0 })).toEqual([]);
    expect(await ids({ legs: '4' })).toEqual([]);
  });

  it('drops results below min_score', async () => {
    const rag = makeRagService(dataDir);
    await rag.index({ documents: TOPIC_DOCUMENTS });
    const all = (await rag.search({ query: 'cats purr and chase mice', top_k: 10 })).results;
    expect(all).toHaveLength(3);
    const strict = (
      await rag.search({ query: 'cats purr and chase mice', top_k: 10, min_score: 0.5 })
    ).results;
    expect(strict.map((result) => result.document_id)).toEqual(['cats']);
    expect(strict.every((result) => result.score >= 0.5)).toBe(true);
  });

  it('reports stats per collection', async () => {
    const rag = makeRagService(dataDir);
    await rag.index({ collection: 'b', documents: TOPIC_DOCUMENTS });
    await rag.index({ collection: 'a', documents: [TOPIC_DOCUMENTS[0]] });
    const { collections } = await rag.stats();
    expect(collections.map((stats) => stats.name)).toEqual(['a', 'b']);
    expect(collections[1]).toEqual({
      name: 'b',
      documents: 3,
      chunks: 3,
      dimensions: 64,
      index: { type: 'exact', M: 16, efConstruction: 200, efSearch: 64 },
      bytes_on_disk: expect.any(Number),
      embedding_model: 'test/hashing-embedder',
    });
    expect(collections[1].bytes_on_disk).toBeGreaterThan(0);
  });

  it('finds everything again from a new service on the same data directory', async () => {
    const first = makeRagService(dataDir);
    await first.index({ collection: 'kb', documents: TOPIC_DOCUMENTS });
    await first.deleteDocument('bread', 'kb');
    const second = makeRagService(dataDir);
    const { results } = await second.search({
      collection: 'kb',
      query: 'borrow checker',
      top_k: 10,
    });
    expect(results.map((result) => result.document_id)).toEqual(['rust', 'cats']);
    expect((await second.stats()).collections[0]).toMatchObject({ documents: 2, chunks: 2 });
  });

  it('moves a growing collection from the exact index to HNSW and keeps finding everything', async () => {
    const rag = makeRagService(dataDir, { exactIndexMaxChunks: 20 });
    const documents = Array.from({ length: 30 }, (_, index) => ({
      id: `d${index}`,
      content: `unique${index} token${index} marker${index}`,
      metadata: { even: index % 2 === 0 },
    }));
    await rag.index({ collection: 'big', documents: documents.slice(0, 15) });
    await rag.index({ collection: 'big', documents: documents.slice(15) });
    expect((await rag.stats()).collections[0].index.type).toBe('hnsw');
    const reopened = makeRagService(dataDir, { exactIndexMaxChunks: 20 });
    for (const index of [0, 17, 29]) {
      const { results } = await reopened.search({
        collection: 'big',
        query: `unique${index} marker${index}`,
        top_k: 1,
      });
      expect(results[0].document_id).toBe(`d${index}`);
    }
    const { results } = await reopened.search({
      collection: 'big',
      query: 'unique3',
      top_k: 30,
      filter: { even: true },
    });
    expect(results).toHaveLength(15);
  });

  it('serializes concurrent index calls on one collection and ends with the exact counts', async () => {
    const rag = makeRagService(dataDir);
    const expectedChunks = (documents: { content: string }[]) =>
      documents.reduce(
        (total, document) =>
          total + chunkText(document.content, { chunkSize: 64, chunkOverlap: 8 }).length,
        0,
      );
    const batch = (name: string, paragraphCount: number) =>
      Array.from({ length: 5 }, (_, index) => ({
        id: `${name}-d${index}`,
        content: paragraphs(paragraphCount, `${name}x${index}`),
      }));
    const firstWave = Array.from({ length: 12 }, (_, index) => batch(`b${index}`, 8));
    await Promise.all(firstWave.map((documents) => rag.index({ collection: 'busy', documents })));
    expect((await rag.stats()).collections[0]).toMatchObject({
      documents: 60,
      chunks: expectedChunks(firstWave.flat()),
    });

    const replacements = Array.from({ length: 4 }, (_, index) => batch(`b${index}`, 1));
    const newcomers = Array.from({ length: 4 }, (_, index) => batch(`n${index}`, 8));
    await Promise.all(
      [...replacements, ...newcomers].map((documents) =>
        rag.index({ collection: 'busy', documents }),
      ),
    );
    const finalDocuments = [...replacements, ...firstWave.slice(4), ...newcomers].flat();
    const [stats] = (await rag.stats()).collections;
    expect(stats).toMatchObject({ documents: 80, chunks: expectedChunks(finalDocuments) });

    const reopened = makeRagService(dataDir);
    const { results } = await reopened.search({
      collection: 'busy',
      query: 'paragraph',
      top_k: 100,
    });
    expect(results).toHaveLength(Math.min(100, stats.chunks));
    expect(new Set(results.map((result) => result.id)).size).toBe(results.length);
    expect(
      fs.readdirSync(path.join(dataDir, 'rag', 'busy')).filter((name) => name.endsWith('.tmp')),
    ).toEqual([]);
  });

  it('builds a cited prompt with numbered sources', async () => {
    const rag = makeRagService(dataDir);
    await rag.index({ documents: TOPIC_DOCUMENTS });
    const { results } = await rag.search({ query: 'knead the dough', top_k: 2 });
    const prompt = rag.buildQueryPrompt('How do I make bread?', results);
    expect(prompt.messages).toHaveLength(2);
    expect(prompt.messages[0].role).toBe('system');
    const user = prompt.messages[1].content as string;
    expect(user).toContain('[1] (document: bread)\nBread needs flour');
    expect(user).toContain('[2] (document: ');
    expect(user.endsWith('Question: How do I make bread?')).toBe(true);
    expect(prompt.sources[0]).toEqual({
      marker: '[1]',
      id: 'bread#0',
      document_id: 'bread',
      score: results[0].score,
      excerpt: TOPIC_DOCUMENTS[2].content,
    });
  });
});
