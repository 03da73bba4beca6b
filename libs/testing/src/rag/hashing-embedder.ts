import type { ModelStatus } from '@app/inference/chat/chat-engine';
import type { Embedder } from '@app/inference/embeddings/embedder';

export interface HashingEmbedderOptions {
  /** @defaultValue 64 */
  dimensions?: number;
  /** @defaultValue "test/hashing-embedder" */
  modelId?: string;
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * FOR TESTS AND BENCHMARKS ONLY: a deterministic bag-of-words embedder (feature hashing with
 * signed buckets, then L2-normalized). Texts sharing words get high cosine similarity, which is
 * all RAG tests need; it knows nothing about meaning.
 */
export class HashingEmbedder implements Embedder {
  readonly modelId: string;
  /** Every text passed to `embed`, for tests that count embedding work. */
  readonly embeddedTexts: string[] = [];
  private readonly size: number;

  constructor(options: HashingEmbedderOptions = {}) {
    this.size = options.dimensions ?? 64;
    this.modelId = options.modelId ?? 'test/hashing-embedder';
  }

  status(): ModelStatus {
    return { state: 'ready', model: this.modelId };
  }

  async load(): Promise<void> {}

  async dimensions(): Promise<number> {
    return this.size;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.embeddedTexts.push(...texts);
    return texts.map((text) => this.embedOne(text));
  }

  async countTokens(texts: string[]): Promise<number> {
    return texts.reduce((total, text) => total + (text.match(WORD)?.length ?? 0), 0);
  }

  async close(): Promise<void> {}

  private embedOne(text: string): Float32Array {
    const vector = new Float32Array(this.size);
    for (const [word] of text.toLowerCase().matchAll(WORD)) {
      const hash = fnv1a(word);
      vector[hash % this.size] += hash & 0x80000000 ? -1 : 1;
    }
    const norm = Math.hypot(...vector);
    // A text without words still gets a valid unit vector (cosine of a zero vector is undefined).
    if (norm === 0) vector[0] = 1;
    else for (let index = 0; index < vector.length; index++) vector[index] /= norm;
    return vector;
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
