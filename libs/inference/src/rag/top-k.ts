import type { VectorSearchHit } from './vector-index';

/** Keeps the k highest-scoring hits seen so far in a min-heap: O(n log k) instead of a full sort. */
export class TopKHits {
  private readonly heap: VectorSearchHit[] = [];

  constructor(private readonly k: number) {}

  offer(label: number, score: number): void {
    if (this.k <= 0) return;
    if (this.heap.length < this.k) {
      this.heap.push({ label, score });
      this.siftUp(this.heap.length - 1);
    } else if (score > this.heap[0].score) {
      this.heap[0] = { label, score };
      this.siftDown(0);
    }
  }

  /** Best first. */
  sorted(): VectorSearchHit[] {
    return [...this.heap].sort((a, b) => b.score - a.score || a.label - b.label);
  }

  private siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.heap[parent].score <= this.heap[index].score) return;
      this.swap(parent, index);
      index = parent;
    }
  }

  private siftDown(index: number): void {
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < this.heap.length && this.heap[left].score < this.heap[smallest].score)
        smallest = left;
      if (right < this.heap.length && this.heap[right].score < this.heap[smallest].score)
        smallest = right;
      if (smallest === index) return;
      this.swap(smallest, index);
      index = smallest;
    }
  }

  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.heap[b], this.heap[a]];
  }
}
