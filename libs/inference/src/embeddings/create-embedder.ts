import type { WorkerConfig } from '@app/config';
import type { Embedder } from './embedder';
import { LlamaEmbedder } from './llama-embedder';
import { TransformersEmbedder } from './transformers-embedder';

/**
 * The embedder the worker configuration asks for:
 * - `transformers`: ONNX through transformers.js; `embeddingModel` is a model id under `modelsDir`
 *   (or on the hub when `allowRemoteModels`), `embeddingModelPath` a local model folder.
 * - `llamacpp`: a GGUF embedding model; `embeddingModelPath` (or else `embeddingModel`) is a file
 *   path or an `hf:` URI.
 */
export function createEmbedder(config: WorkerConfig): Embedder {
  switch (config.embeddingBackend) {
    case 'transformers':
      return new TransformersEmbedder({
        modelId: config.embeddingModel,
        modelPath: config.embeddingModelPath,
        modelsDirectory: config.modelsDir,
        allowRemoteModels: config.allowRemoteModels,
      });
    case 'llamacpp':
      return new LlamaEmbedder({
        model: config.embeddingModelPath ?? config.embeddingModel,
        modelId: config.embeddingModel,
        threads: config.llmThreads,
        modelsDirectory: config.modelsDir,
        allowDownload: config.allowRemoteModels,
      });
  }
}
