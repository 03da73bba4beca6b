import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExactVectorIndex } from './exact-vector-index';
import { HnswVectorIndex } from './hnsw-vector-index';
import { clusteredVectors } from '@app/testing/rag/synthetic-vectors';
import { makeTempDirectory, removeDirectory } from '@app/testing/rag/temp-directory';
import type { VectorIndex } from './vector-index';

const DIMENSIONS = 32;

function fill(index: VectorIndex, vectors: Float32Array[]): void {
  index.add(
    vectors.map((_, label) => label),
    vectors,
  );
}

function recallAt(
  k: number,
  approximate: VectorIndex,
  exact: VectorIndex,
  queries: Float32Array[],
  efSearch?: number,
) {
  let found = 0;
  for (const query of queries) {
    const truth = new Set(exact.search(query, k).map((hit) => hit.label));
    found += approximate
      .search(query, k, { efSearch })
      .filter((hit) => truth.has(hit.label)).length;
  }
  return found / (k * queries.length);
}

describe('HnswVectorIndex', () => {
  let directory: string;
  beforeEach(() => (directory = makeTempDirectory()));
  afterEach(() => removeDirectory(directory));

  it('agrees with the exact index on clustered data (recall@10 ≥ 0.9 at ef 32)', () => {
    const vectors = clusteredVectors(3000, DIMENSIONS, { seed: 3 });
    const queries = clusteredVectors(50, DIMENSIONS, { seed: 3 + 1 });
    const hnsw = new HnswVectorIndex({ dimensions: DIMENSIONS, initialCapacity: 4096 });
    const exact = new ExactVectorIndex(DIMENSIONS);
    fill(hnsw, vectors);
    fill(exact, vectors);
    expect(recallAt(10, hnsw, exact, queries, 32)).toBeGreaterThanOrEqual(0.9);
    const [top] = hnsw.search(vectors[42], 1);
    expect(top.label).toBe(42);
    expect(top.score).toBeCloseTo(1, 5);
  });

  it('grows beyond its initial capacity by doubling', () => {
    const hnsw = new HnswVectorIndex({ dimensions: DIMENSIONS, initialCapacity: 8 });
    const vectors = clusteredVectors(100, DIMENSIONS);
    vectors.forEach((vector, label) => hnsw.add([label], [vector]));
    expect(hnsw.size).toBe(100);
    expect(hnsw.capacity).toBe(128);
    expect(hnsw.search(vectors[99], 1)[0].label).toBe(99);
  });

  it('hides removed labels, and compact() frees their slots', () => {
    const hnsw = new HnswVectorIndex({ dimensions: DIMENSIONS, initialCapacity: 64 });
    const vectors = clusteredVectors(200, DIMENSIONS);
    fill(hnsw, vectors);
    for (let label = 0; label < 100; label++) hnsw.remove(label);
    expect(hnsw.size).toBe(100);
    expect(hnsw.deletedFraction).toBeCloseTo(0.5);
    expect(hnsw.search(vectors[5], 200).every((hit) => hit.label >= 100)).toBe(true);
    hnsw.compact();
    expect(hnsw.deletedFraction).toBe(0);
    expect(hnsw.size).toBe(100);
    const hits = hnsw.search(vectors[150], 100);
    expect(hits).toHaveLength(100);
    expect(hits[0].label).toBe(150);
  });

  it('returns k filtered hits when enough items match, even for a selective filter', () => {
    const vectors = clusteredVectors(2000, DIMENSIONS, { seed: 9 });
    const hnsw = new HnswVectorIndex({
      dimensions: DIMENSIONS,
      exactFilterThreshold: 0,
      efSearch: 10,
    });
    const exact = new ExactVectorIndex(DIMENSIONS);
    fill(hnsw, vectors);
    fill(exact, vectors);
    const rare = (label: number) => label % 97 === 0; // 21 matches, scattered over clusters
    const hits = hnsw.search(vectors[0], 10, { filter: rare });
    expect(hits).toHaveLength(10);
    expect(hits.every((hit) => rare(hit.label))).toBe(true);
    expect(hnsw.search(vectors[0], 50, { filter: rare })).toHaveLength(21);
    const viaExactPath = new HnswVectorIndex({ dimensions: DIMENSIONS });
    fill(viaExactPath, vectors);
    expect(viaExactPath.search(vectors[0], 10, { filter: rare }).map((hit) => hit.label)).toEqual(
      exact.search(vectors[0], 10, { filter: rare }).map((hit) => hit.label),
    );
  });

  it('round-trips through save and load, keeping removals', async () => {
    const vectors = clusteredVectors(300, DIMENSIONS);
    const hnsw = new HnswVectorIndex({ dimensions: DIMENSIONS, efSearch: 80 });
    fill(hnsw, vectors);
    hnsw.remove(3);
    const file = path.join(directory, 'index.hnsw');
    await hnsw.save(file);
    expect(fs.readdirSync(directory).sort()).toEqual(['index.hnsw', 'index.hnsw.deleted.json']);
    const loaded = new HnswVectorIndex({ dimensions: DIMENSIONS });
    await loaded.load(file);
    expect(loaded.size).toBe(299);
    expect(loaded.has(3)).toBe(false);
    expect(loaded.parameters.efSearch).toBe(80);
    expect(loaded.search(vectors[10], 5)).toEqual(hnsw.search(vectors[10], 5));
    loaded.add([1000], [vectors[3]]);
    expect(loaded.search(vectors[3], 1)[0].label).toBe(1000);
  });

  it('handles an empty index', async () => {
    const hnsw = new HnswVectorIndex({ dimensions: DIMENSIONS });
    expect(hnsw.search(new Float32Array(DIMENSIONS).fill(1), 5)).toEqual([]);
    const file = path.join(directory, 'empty.hnsw');
    await hnsw.save(file);
    const loaded = new HnswVectorIndex({ dimensions: DIMENSIONS });
    await loaded.load(file);
    expect(loaded.size).toBe(0);
  });
});
