/** @jest-environment ./libs/testing/src/jest/onnx-runtime-environment.ts */
import type { WorkerConfig } from '@app/config';
import { ensureTestModels, TestModelPaths } from '@app/testing';
import { createEmbedder } from './create-embedder';
import { LlamaEmbedder } from './llama-embedder';
import { TransformersEmbedder } from './transformers-embedder';

jest.setTimeout(30_000);

const norm = (vector: Float32Array) => Math.hypot(...vector);

const TEXTS = [
  'the cat sat',
  'hello world',
  'a much longer text about search and vector documents',
  'dog',
  '',
];

describe('TransformersEmbedder', () => {
  let models: TestModelPaths;
  let embedder: TransformersEmbedder;

  beforeAll(async () => {
    models = ensureTestModels();
    embedder = new TransformersEmbedder({
      modelId: models.embeddingModelId,
      modelsDirectory: models.embeddingModelsDir,
      batchSize: 2,
    });
    await embedder.load();
  }, 60_000); // loading onnxruntime into Jest's registry is slow on a busy machine

  afterAll(() => embedder.close());

  it("returns one unit-length vector per text, of the model's dimension", async () => {
    expect(await embedder.dimensions()).toBe(models.embeddingDimensions);
    const vectors = await embedder.embed(TEXTS);
    expect(vectors).toHaveLength(TEXTS.length);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(models.embeddingDimensions);
      expect(norm(vector)).toBeCloseTo(1, 4);
    }
    expect(embedder.status()).toMatchObject({ state: 'ready', loadTimeMs: expect.any(Number) });
  });

  it('gives the same vectors in batches (with padding) as one text at a time', async () => {
    const batched = await embedder.embed(TEXTS);
    const oneByOne = await Promise.all(
      TEXTS.map(async (text) => (await embedder.embed([text]))[0]),
    );
    batched.forEach((vector, index) => {
      vector.forEach((value, dimension) =>
        expect(value).toBeCloseTo(oneByOne[index][dimension], 5),
      );
    });
  });

  it('gives different texts different vectors', async () => {
    const [cat, dog] = await embedder.embed(['the cat', 'the dog']);
    expect(Array.from(cat)).not.toEqual(Array.from(dog));
  });

  it('counts tokens with the model tokenizer, special tokens included', async () => {
    expect(await embedder.countTokens(['hello world'])).toBe(4); // [CLS] hello world [SEP]
    expect(await embedder.countTokens(['hello world', 'the cat'])).toBe(8);
  });

  it('stops between batches when the signal is aborted', async () => {
    await expect(embedder.embed(TEXTS, AbortSignal.abort())).rejects.toThrow();
  });

  it('loads a model folder given by path', async () => {
    const byPath = new TransformersEmbedder({
      modelId: 'tiny',
      modelPath: models.embeddingModelPath,
    });
    const [vector] = await byPath.embed(['hello world']);
    const [expected] = await embedder.embed(['hello world']);
    expect(Array.from(vector)).toEqual(Array.from(expected));
    expect(byPath.modelId).toBe('tiny');
  });
});

describe('createEmbedder', () => {
  const config = (backend: WorkerConfig['embeddingBackend']) =>
    ({
      embeddingBackend: backend,
      embeddingModel: 'some/model',
      modelsDir: './models',
      llmThreads: 1,
      allowRemoteModels: false,
    }) as WorkerConfig;

  it('chooses the embedder by embeddingBackend', () => {
    expect(createEmbedder(config('transformers'))).toBeInstanceOf(TransformersEmbedder);
    expect(createEmbedder(config('llamacpp'))).toBeInstanceOf(LlamaEmbedder);
    expect(createEmbedder(config('transformers')).modelId).toBe('some/model');
  });
});
