import { promises as fs } from 'node:fs';
import { writeFileDurably } from './durable-file';
import { TopKHits } from './top-k';
import {
  assertDimensions,
  assertLabel,
  normalized,
  type VectorIndex,
  type VectorSearchHit,
  type VectorSearchOptions,
} from './vector-index';

const FILE_MAGIC = 0x31565845; // "EXV1", little-endian
const HEADER_BYTES = 16;

/**
 * Brute-force cosine search over normalized vectors packed in one Float32Array. Exact, so it is
 * the reference for measuring HNSW recall, and the better choice for small collections: ~10 ms per
 * query at 10k × 384 here, no build cost, no approximation.
 */
export class ExactVectorIndex implements VectorIndex {
  readonly type = 'exact' as const;
  private data: Float32Array;
  private labels: number[] = [];
  private readonly slotByLabel = new Map<number, number>();

  constructor(
    readonly dimensions: number,
    initialCapacity = 256,
  ) {
    this.data = new Float32Array(Math.max(1, initialCapacity) * dimensions);
  }

  get size(): number {
    return this.labels.length;
  }

  add(labels: readonly number[], vectors: readonly Float32Array[]): void {
    if (labels.length !== vectors.length)
      throw new RangeError('labels and vectors differ in length');
    vectors.forEach((vector) => assertDimensions(vector, this.dimensions));
    labels.forEach(assertLabel);
    labels.forEach((label, index) => this.addOne(label, vectors[index]));
  }

  remove(label: number): boolean {
    const slot = this.slotByLabel.get(label);
    if (slot === undefined) return false;
    // Swap-remove keeps the storage dense, so searches never skip holes.
    const lastSlot = this.labels.length - 1;
    if (slot !== lastSlot) {
      const lastLabel = this.labels[lastSlot];
      this.data.copyWithin(
        slot * this.dimensions,
        lastSlot * this.dimensions,
        (lastSlot + 1) * this.dimensions,
      );
      this.labels[slot] = lastLabel;
      this.slotByLabel.set(lastLabel, slot);
    }
    this.labels.pop();
    this.slotByLabel.delete(label);
    return true;
  }

  has(label: number): boolean {
    return this.slotByLabel.has(label);
  }

  search(vector: Float32Array, k: number, options: VectorSearchOptions = {}): VectorSearchHit[] {
    assertDimensions(vector, this.dimensions);
    const query = normalized(vector);
    const best = new TopKHits(k);
    const { filter } = options;
    // One flat loop with locals: a method call per vector made this ~3× slower than a raw scan.
    const { data, dimensions, labels } = this;
    for (let slot = 0, offset = 0; slot < labels.length; slot++, offset += dimensions) {
      if (filter && !filter(labels[slot])) continue;
      let dot = 0;
      for (let index = 0; index < dimensions; index++) dot += query[index] * data[offset + index];
      best.offer(labels[slot], dot);
    }
    return best.sorted();
  }

  *entries(): IterableIterator<[number, Float32Array]> {
    for (let slot = 0; slot < this.labels.length; slot++) {
      const offset = slot * this.dimensions;
      yield [this.labels[slot], this.data.slice(offset, offset + this.dimensions)];
    }
  }

  async save(path: string): Promise<void> {
    const count = this.labels.length;
    const bytes = new Uint8Array(HEADER_BYTES + count * 4 + count * this.dimensions * 4);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, FILE_MAGIC, true);
    view.setUint32(4, this.dimensions, true);
    view.setUint32(8, count, true);
    new Uint32Array(bytes.buffer, HEADER_BYTES, count).set(this.labels);
    new Float32Array(bytes.buffer, HEADER_BYTES + count * 4, count * this.dimensions).set(
      this.data.subarray(0, count * this.dimensions),
    );
    await writeFileDurably(path, bytes);
  }

  async load(path: string): Promise<void> {
    const file = await fs.readFile(path);
    // Copy into a fresh buffer: Node's pooled Buffers are not 4-byte aligned for typed views.
    const bytes = new Uint8Array(file.byteLength);
    bytes.set(file);
    const view = new DataView(bytes.buffer);
    if (view.getUint32(0, true) !== FILE_MAGIC)
      throw new Error(`${path} is not an exact vector index`);
    const dimensions = view.getUint32(4, true);
    const count = view.getUint32(8, true);
    if (dimensions !== this.dimensions) {
      throw new Error(`${path} holds ${dimensions}-d vectors, expected ${this.dimensions}`);
    }
    this.labels = Array.from(new Uint32Array(bytes.buffer, HEADER_BYTES, count));
    this.data = new Float32Array(Math.max(1, count) * dimensions);
    this.data.set(new Float32Array(bytes.buffer, HEADER_BYTES + count * 4, count * dimensions));
    this.slotByLabel.clear();
    this.labels.forEach((label, slot) => this.slotByLabel.set(label, slot));
  }

  private addOne(label: number, vector: Float32Array): void {
    let slot = this.slotByLabel.get(label);
    if (slot === undefined) {
      slot = this.labels.length;
      this.ensureCapacity(slot + 1);
      this.labels.push(label);
      this.slotByLabel.set(label, slot);
    }
    this.data.set(normalized(vector), slot * this.dimensions);
  }

  private ensureCapacity(count: number): void {
    if (count * this.dimensions <= this.data.length) return;
    const grown = new Float32Array(
      Math.max(count, (this.data.length / this.dimensions) * 2) * this.dimensions,
    );
    grown.set(this.data);
    this.data = grown;
  }
}
