import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp' with {
  'resolution-mode': 'import',
};
import type { ModelStatus } from '../chat/chat-engine';
import { getLlamaRuntime, resolveGgufModelPath } from '../llama/llama-runtime';
import { LazyModel } from '../loading/lazy-model';
import type { Embedder } from './embedder';

export interface LlamaEmbedderOptions {
  /** GGUF file path, or an `hf:` URI / URL. */
  model: string;
  /** The model's identity recorded per RAG collection. @defaultValue `model` */
  modelId?: string;
  /** CPU threads; the library default oversubscribes small machines. @defaultValue 2 */
  threads?: number;
  /** Tokens per text; longer texts are truncated to this. @defaultValue 512 */
  contextSize?: number;
  /** Where relative model names resolve and downloads go. @defaultValue node-llama-cpp's folder */
  modelsDirectory?: string;
  /** Download `hf:` / https models missing on disk. @defaultValue false */
  allowDownload?: boolean;
}

const DEFAULT_CONTEXT_SIZE = 512;

interface LoadedEmbeddingModel {
  model: LlamaModel;
  context: LlamaEmbeddingContext;
}

/** Embeddings from a GGUF model through llama.cpp's embedding context, normalized to unit length. */
export class LlamaEmbedder implements Embedder {
  readonly modelId: string;
  private readonly embeddingModel: LazyModel<LoadedEmbeddingModel>;

  constructor(private readonly options: LlamaEmbedderOptions) {
    this.modelId = options.modelId ?? options.model;
    this.embeddingModel = new LazyModel(
      options.model,
      (reference) => this.loadModel(reference),
      'embedding model is configured (set WORKER_EMBEDDING_MODEL_PATH)',
    );
  }

  status(): ModelStatus {
    return this.embeddingModel.status();
  }

  async load(): Promise<void> {
    await this.embeddingModel.get();
  }

  async dimensions(): Promise<number> {
    return (await this.embeddingModel.get()).model.embeddingVectorSize;
  }

  /** One text at a time: llama.cpp's embedding context evaluates a single sequence. */
  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const { model, context } = await this.embeddingModel.get();
    // node-llama-cpp adds BOS/EOS and needs the input strictly shorter than the context.
    const maximumTokens = (this.options.contextSize ?? DEFAULT_CONTEXT_SIZE) - 3;
    const vectors: Float32Array[] = [];
    for (const text of texts) {
      signal?.throwIfAborted();
      const tokens = model.tokenize(text).slice(0, maximumTokens);
      const embedding = await context.getEmbeddingFor(tokens);
      vectors.push(normalized(embedding.vector));
    }
    return vectors;
  }

  async countTokens(texts: string[]): Promise<number> {
    const { model } = await this.embeddingModel.get();
    return texts.reduce((sum, text) => sum + model.tokenize(text).length, 0);
  }

  async close(): Promise<void> {
    await this.embeddingModel.unload(async ({ model, context }) => {
      await context.dispose();
      await model.dispose();
    });
  }

  private async loadModel(reference: string): Promise<LoadedEmbeddingModel> {
    const llama = await getLlamaRuntime();
    const model = await llama.loadModel({
      modelPath: await resolveGgufModelPath(reference, this.options),
    });
    const context = await model.createEmbeddingContext({
      contextSize: this.options.contextSize ?? DEFAULT_CONTEXT_SIZE,
      threads: this.options.threads ?? 2,
    });
    return { model, context };
  }
}

/** Unit length, so cosine similarity is a dot product; an all-zero vector stays zero. */
function normalized(vector: readonly number[]): Float32Array {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  const length = Math.sqrt(sumOfSquares);
  const result = Float32Array.from(vector);
  if (length > 0) result.forEach((value, index) => (result[index] = value / length));
  return result;
}
