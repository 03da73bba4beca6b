import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TinyBertOnnxOptions, writeTinyBertOnnx } from './tiny-onnx-writer';
import { TinyLlamaGgufOptions, writeTinyLlamaGguf } from './tiny-gguf-writer';

/** Where `npm run models:generate` and tests put generated models (git-ignored). */
export const DEFAULT_TEST_MODELS_DIR = '.test-models';

/**
 * Bump when the writers change, so stale files from an older writer are not reused: the version is
 * part of every generated file name.
 */
const TEST_MODELS_VERSION = 1;

export interface TestModelPaths {
  /** The folder holding everything below. */
  directory: string;
  /** A tiny llama GGUF chat model (also usable by the llama.cpp embedding backend). */
  chatModelPath: string;
  /** Use as transformers.js `env.localModelPath` (WorkerConfig.modelsDir). */
  embeddingModelsDir: string;
  /** The transformers.js model id inside `embeddingModelsDir` (WorkerConfig.embeddingModel). */
  embeddingModelId: string;
  /** `join(embeddingModelsDir, embeddingModelId)`. */
  embeddingModelPath: string;
  /** Vector length of the embedding model. */
  embeddingDimensions: number;
}

export interface TestModelOptions {
  gguf?: TinyLlamaGgufOptions;
  onnx?: TinyBertOnnxOptions;
}

/** Test models use 32-d embeddings: enough to tell texts apart, small enough to be instant. */
const TEST_EMBEDDING_DIMENSIONS = 32;

export function testModelPaths(directory: string = DEFAULT_TEST_MODELS_DIR): TestModelPaths {
  const absoluteDirectory = resolve(directory);
  const embeddingModelId = `tiny-bert-v${TEST_MODELS_VERSION}`;
  return {
    directory: absoluteDirectory,
    chatModelPath: join(absoluteDirectory, `tiny-llama-v${TEST_MODELS_VERSION}.gguf`),
    embeddingModelsDir: absoluteDirectory,
    embeddingModelId,
    embeddingModelPath: join(absoluteDirectory, embeddingModelId),
    embeddingDimensions: TEST_EMBEDDING_DIMENSIONS,
  };
}

/** Writes both test models, replacing existing files. */
export function generateTestModels(directory: string = DEFAULT_TEST_MODELS_DIR): TestModelPaths {
  const paths = testModelPaths(directory);
  writeTinyLlamaGguf(paths.chatModelPath);
  writeTinyBertOnnx(paths.embeddingModelPath, { dimensions: paths.embeddingDimensions });
  return paths;
}

/**
 * Parallel Jest workers may all find the folder missing: each builds a private copy and only the
 * first one moves into place, so no reader ever sees a folder being replaced.
 */
function writeEmbeddingModelUnlessPresent(paths: TestModelPaths): void {
  const privateCopy = `${paths.embeddingModelPath}.${process.pid}.new`;
  writeTinyBertOnnx(privateCopy, { dimensions: paths.embeddingDimensions });
  try {
    renameSync(privateCopy, paths.embeddingModelPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  } finally {
    rmSync(privateCopy, { recursive: true, force: true });
  }
}

/** Generates the test models only when missing; cheap to call from every test's `beforeAll`. */
export function ensureTestModels(directory: string = DEFAULT_TEST_MODELS_DIR): TestModelPaths {
  const paths = testModelPaths(directory);
  if (!existsSync(paths.chatModelPath)) {
    writeTinyLlamaGguf(paths.chatModelPath);
  }
  if (!existsSync(join(paths.embeddingModelPath, 'onnx', 'model.onnx'))) {
    writeEmbeddingModelUnlessPresent(paths);
  }
  return paths;
}

if (require.main === module) {
  const paths = generateTestModels(process.argv[2] ?? DEFAULT_TEST_MODELS_DIR);
  console.log(JSON.stringify(paths, null, 2));
}
