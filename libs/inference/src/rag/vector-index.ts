/** Keeps only the labels it returns true for. */
export type LabelFilter = (label: number) => boolean;

export interface VectorSearchHit {
  label: number;
  /** Cosine similarity in [-1, 1]; higher is closer. */
  score: number;
}

export interface VectorSearchOptions {
  filter?: LabelFilter;
  /** HNSW candidate list size for this search; ignored by exact indexes. */
  efSearch?: number;
}

export type VectorIndexType = 'hnsw' | 'exact';

/**
 * A set of labelled vectors searchable by cosine similarity. Labels are unsigned 32-bit integers
 * chosen by the caller; adding an existing label replaces its vector.
 */
export interface VectorIndex {
  readonly type: VectorIndexType;
  readonly dimensions: number;
  /** Live (not removed) vectors. */
  readonly size: number;
  add(labels: readonly number[], vectors: readonly Float32Array[]): void;
  /** Returns false when the label is absent. */
  remove(label: number): boolean;
  has(label: number): boolean;
  /** At most k hits, best first; fewer only when fewer live vectors pass the filter. */
  search(vector: Float32Array, k: number, options?: VectorSearchOptions): VectorSearchHit[];
  /** Every live vector (normalized), e.g. to rebuild into another index type. */
  entries(): IterableIterator<[number, Float32Array]>;
  /** Writes the index to `path` (and files beside it named `path` + suffix); fsyncs before resolving. */
  save(path: string): Promise<void>;
  /** Replaces the contents with what `save(path)` wrote. */
  load(path: string): Promise<void>;
}

export function assertDimensions(vector: ArrayLike<number>, dimensions: number): void {
  if (vector.length !== dimensions) {
    throw new RangeError(`Vector has ${vector.length} dimensions, the index ${dimensions}`);
  }
}

export function assertLabel(label: number): void {
  if (!Number.isInteger(label) || label < 0 || label > 0xffffffff) {
    throw new RangeError(`Label ${label} is not an unsigned 32-bit integer`);
  }
}

/** A unit-length copy (a zero vector stays zero and scores 0 against everything). */
export function normalized(vector: Float32Array): Float32Array {
  let squares = 0;
  for (let index = 0; index < vector.length; index++) squares += vector[index] * vector[index];
  const norm = Math.sqrt(squares);
  const result = new Float32Array(vector.length);
  if (norm === 0) return result;
  for (let index = 0; index < vector.length; index++) result[index] = vector[index] / norm;
  return result;
}
