import * as path from 'node:path';
import { ExactVectorIndex } from './exact-vector-index';
import { makeTempDirectory, removeDirectory } from '@app/testing/rag/temp-directory';

const vector = (...values: number[]) => Float32Array.from(values);

describe('ExactVectorIndex', () => {
  let directory: string;
  beforeEach(() => (directory = makeTempDirectory()));
  afterEach(() => removeDirectory(directory));

  it('returns cosine similarities best first', () => {
    const index = new ExactVectorIndex(2);
    index.add([1, 2, 3], [vector(1, 0), vector(0, 5), vector(1, 1)]);
    const hits = index.search(vector(2, 0), 3);
    expect(hits.map((hit) => hit.label)).toEqual([1, 3, 2]);
    expect(hits[0].score).toBeCloseTo(1);
    expect(hits[1].score).toBeCloseTo(Math.SQRT1_2);
    expect(hits[2].score).toBeCloseTo(0);
  });

  it('grows past its initial capacity and replaces a re-added label', () => {
    const index = new ExactVectorIndex(2, 1);
    for (let label = 0; label < 50; label++) index.add([label], [vector(1, label)]);
    index.add([0], [vector(-1, 0)]);
    expect(index.size).toBe(50);
    expect(index.search(vector(-1, 0), 1)[0]).toEqual({ label: 0, score: expect.closeTo(1) });
  });

  it('removes labels and applies filters', () => {
    const index = new ExactVectorIndex(2);
    index.add([1, 2, 3], [vector(1, 0), vector(1, 0.1), vector(1, 0.2)]);
    expect(index.remove(1)).toBe(true);
    expect(index.remove(1)).toBe(false);
    expect(index.has(1)).toBe(false);
    expect(index.search(vector(1, 0), 5).map((hit) => hit.label)).toEqual([2, 3]);
    expect(
      index.search(vector(1, 0), 5, { filter: (label) => label === 3 }).map((hit) => hit.label),
    ).toEqual([3]);
  });

  it('round-trips through save and load', async () => {
    const index = new ExactVectorIndex(3);
    index.add([7, 9], [vector(1, 2, 3), vector(-1, 0, 1)]);
    index.remove(9);
    index.add([11], [vector(0, 0, 1)]);
    const file = path.join(directory, 'index.exact');
    await index.save(file);
    const loaded = new ExactVectorIndex(3);
    await loaded.load(file);
    expect(loaded.size).toBe(2);
    expect(loaded.search(vector(1, 2, 3), 2)).toEqual(index.search(vector(1, 2, 3), 2));
  });

  it('rejects vectors of the wrong dimension', () => {
    const index = new ExactVectorIndex(3);
    expect(() => index.add([1], [vector(1, 2)])).toThrow(RangeError);
    expect(() => index.search(vector(1, 2), 1)).toThrow(RangeError);
  });
});
