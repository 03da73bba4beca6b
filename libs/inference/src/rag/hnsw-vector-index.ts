import { promises as fs } from 'node:fs';
import { HierarchicalNSW } from 'hnswlib-node';
import { commitTempFile, tempPathFor, writeFileDurably } from './durable-file';
import { TopKHits } from './top-k';
import {
  assertDimensions,
  assertLabel,
  normalized,
  type LabelFilter,
  type VectorIndex,
  type VectorSearchHit,
  type VectorSearchOptions,
} from './vector-index';

export interface HnswParameters {
  /** Graph degree. @defaultValue 16 */
  M: number;
  /** Candidate list size while inserting. @defaultValue 200 */
  efConstruction: number;
  /** Default candidate list size while searching. @defaultValue 64 (RagConfig.efSearch in the service) */
  efSearch: number;
}

export interface HnswVectorIndexOptions extends Partial<HnswParameters> {
  dimensions: number;
  /** Slots allocated up front; doubles when full. @defaultValue 1024 */
  initialCapacity?: number;
  /**
   * A filtered search whose matching labels number at most this scores them exactly instead of
   * walking the graph: a selective filter makes the graph walk visit most nodes anyway.
   * @defaultValue 1000
   */
  exactFilterThreshold?: number;
  /** @defaultValue 100 (hnswlib's default; fixed so builds are reproducible) */
  randomSeed?: number;
}

export const DEFAULT_HNSW_PARAMETERS: HnswParameters = { M: 16, efConstruction: 200, efSearch: 64 };

/** Written beside the hnswlib file: hnswlib persists delete marks but cannot list them. */
interface HnswSidecar {
  parameters: HnswParameters;
  deletedLabels: number[];
}

const SIDECAR_SUFFIX = '.deleted.json';

/** Approximate cosine search on hnswlib-node; see ENVIRONMENT.md for measured recall. */
export class HnswVectorIndex implements VectorIndex {
  readonly type = 'hnsw' as const;
  readonly dimensions: number;
  parameters: HnswParameters;
  private index: HierarchicalNSW;
  private readonly liveLabels = new Set<number>();
  /** Marked deleted in the graph; they keep their slot until `compact()`. */
  private readonly deletedLabels = new Set<number>();
  private readonly initialCapacity: number;
  private readonly exactFilterThreshold: number;
  private readonly randomSeed: number;

  constructor(options: HnswVectorIndexOptions) {
    this.dimensions = options.dimensions;
    this.parameters = {
      M: options.M ?? DEFAULT_HNSW_PARAMETERS.M,
      efConstruction: options.efConstruction ?? DEFAULT_HNSW_PARAMETERS.efConstruction,
      efSearch: options.efSearch ?? DEFAULT_HNSW_PARAMETERS.efSearch,
    };
    this.initialCapacity = Math.max(1, options.initialCapacity ?? 1024);
    this.exactFilterThreshold = options.exactFilterThreshold ?? 1000;
    this.randomSeed = options.randomSeed ?? 100;
    this.index = this.createGraph(this.initialCapacity);
  }

  get size(): number {
    return this.liveLabels.size;
  }

  /** Slots allocated in the graph (grows by doubling). */
  get capacity(): number {
    return this.index.getMaxElements();
  }

  /** Share of graph slots held by removed vectors; `compact()` when it gets large. */
  get deletedFraction(): number {
    const total = this.liveLabels.size + this.deletedLabels.size;
    return total === 0 ? 0 : this.deletedLabels.size / total;
  }

  add(labels: readonly number[], vectors: readonly Float32Array[]): void {
    if (labels.length !== vectors.length)
      throw new RangeError('labels and vectors differ in length');
    vectors.forEach((vector) => assertDimensions(vector, this.dimensions));
    labels.forEach(assertLabel);
    const newSlots = new Set(
      labels.filter((label) => !this.liveLabels.has(label) && !this.deletedLabels.has(label)),
    );
    this.ensureCapacity(this.liveLabels.size + this.deletedLabels.size + newSlots.size);
    labels.forEach((label, index) => {
      // Re-adding a deleted label un-marks it and overwrites its vector in place.
      this.index.addPoint(Array.from(vectors[index]), label);
      this.deletedLabels.delete(label);
      this.liveLabels.add(label);
    });
  }

  remove(label: number): boolean {
    if (!this.liveLabels.has(label)) return false;
    this.index.markDelete(label);
    this.liveLabels.delete(label);
    this.deletedLabels.add(label);
    return true;
  }

  has(label: number): boolean {
    return this.liveLabels.has(label);
  }

  search(vector: Float32Array, k: number, options: VectorSearchOptions = {}): VectorSearchHit[] {
    assertDimensions(vector, this.dimensions);
    const efSearch = options.efSearch ?? this.parameters.efSearch;
    const limit = Math.min(k, this.liveLabels.size);
    if (limit <= 0) return [];
    if (!options.filter) return this.searchGraph(vector, limit, efSearch);
    return this.searchFiltered(vector, limit, efSearch, options.filter);
  }

  *entries(): IterableIterator<[number, Float32Array]> {
    for (const label of this.liveLabels)
      yield [label, Float32Array.from(this.index.getPoint(label))];
  }

  /** Rebuilds the graph from live vectors only, freeing the slots of removed ones. */
  compact(): void {
    const rebuilt = this.createGraph(Math.max(this.initialCapacity, this.liveLabels.size));
    for (const label of this.liveLabels) rebuilt.addPoint(this.index.getPoint(label), label);
    this.index = rebuilt;
    this.deletedLabels.clear();
  }

  async save(path: string): Promise<void> {
    const temp = tempPathFor(path);
    try {
      await this.index.writeIndex(temp);
      await commitTempFile(temp, path);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    const sidecar: HnswSidecar = {
      parameters: this.parameters,
      deletedLabels: [...this.deletedLabels],
    };
    await writeFileDurably(path + SIDECAR_SUFFIX, JSON.stringify(sidecar));
  }

  async load(path: string): Promise<void> {
    const sidecar = JSON.parse(await fs.readFile(path + SIDECAR_SUFFIX, 'utf8')) as HnswSidecar;
    const graph = new HierarchicalNSW('cosine', this.dimensions);
    await graph.readIndex(path);
    this.index = graph;
    this.parameters = sidecar.parameters;
    this.deletedLabels.clear();
    sidecar.deletedLabels.forEach((label) => this.deletedLabels.add(label));
    this.liveLabels.clear();
    for (const label of graph.getIdsList()) {
      if (!this.deletedLabels.has(label)) this.liveLabels.add(label);
    }
  }

  /** Paths `save(path)` writes, for callers that clean up old generations. */
  static filesFor(path: string): string[] {
    return [path, path + SIDECAR_SUFFIX];
  }

  private searchGraph(
    vector: Float32Array,
    k: number,
    efSearch: number,
    filter?: LabelFilter,
  ): VectorSearchHit[] {
    this.index.setEf(Math.max(efSearch, k));
    const { distances, neighbors } = this.index.searchKnn(Array.from(vector), k, filter);
    // hnswlib's cosine distance is 1 − cosine similarity.
    return neighbors.map((label, index) => ({ label, score: 1 - distances[index] }));
  }

  /**
   * hnswlib keeps walking the graph until ef allowed items are found, so a filtered walk returns
   * k hits when enough match and are reachable; the exact pass covers the rest (tiny subsets, and
   * matches cut off from the walk by deletions).
   */
  private searchFiltered(
    vector: Float32Array,
    k: number,
    efSearch: number,
    filter: LabelFilter,
  ): VectorSearchHit[] {
    const matching = [...this.liveLabels].filter(filter);
    const limit = Math.min(k, matching.length);
    if (limit === 0) return [];
    if (matching.length > this.exactFilterThreshold) {
      const hits = this.searchGraph(vector, limit, efSearch, filter);
      if (hits.length >= limit) return hits;
    }
    return this.scoreExactly(vector, matching, limit);
  }

  private scoreExactly(vector: Float32Array, labels: number[], k: number): VectorSearchHit[] {
    const query = normalized(vector);
    const best = new TopKHits(k);
    for (const label of labels) {
      const point = this.index.getPoint(label);
      let dot = 0;
      for (let index = 0; index < point.length; index++) dot += query[index] * point[index];
      best.offer(label, dot);
    }
    return best.sorted();
  }

  private ensureCapacity(needed: number): void {
    const capacity = this.index.getMaxElements();
    if (needed > capacity) this.index.resizeIndex(Math.max(needed, capacity * 2));
  }

  private createGraph(capacity: number): HierarchicalNSW {
    const graph = new HierarchicalNSW('cosine', this.dimensions);
    graph.initIndex({
      maxElements: capacity,
      m: this.parameters.M,
      efConstruction: this.parameters.efConstruction,
      randomSeed: this.randomSeed,
    });
    return graph;
  }
}
