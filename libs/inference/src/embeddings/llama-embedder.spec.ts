import { ensureTestModels } from '@app/testing';
import { LlamaEmbedder } from './llama-embedder';

// The first test also loads node-llama-cpp, which takes seconds on a busy 2-core machine.
jest.setTimeout(60_000);

describe('LlamaEmbedder', () => {
  let embedder: LlamaEmbedder;

  beforeAll(() => {
    const { chatModelPath } = ensureTestModels();
    embedder = new LlamaEmbedder({
      model: chatModelPath,
      modelId: 'tiny-llama',
      threads: 1,
      contextSize: 256,
    });
  });

  afterAll(() => embedder.close());

  it('embeds a GGUF model into unit-length vectors of its embedding size', async () => {
    expect(embedder.status().state).toBe('not_loaded');
    const texts = ['hello world', 'the cat sat on the mat', 'x'];
    const vectors = await embedder.embed(texts);
    expect(await embedder.dimensions()).toBe(64); // n_embd of the tiny test model
    expect(vectors).toHaveLength(texts.length);
    for (const vector of vectors) {
      expect(vector).toHaveLength(64);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
    }
    expect(embedder.status().state).toBe('ready');
  });

  it('is deterministic and tells texts apart', async () => {
    const [first, again, other] = await embedder.embed(['hello world', 'hello world', 'goodbye']);
    first.forEach((value, index) => expect(value).toBeCloseTo(again[index], 5));
    expect(Array.from(first)).not.toEqual(Array.from(other));
  });

  it('truncates texts longer than its context instead of failing', async () => {
    const [vector] = await embedder.embed(['word '.repeat(2000)]);
    expect(vector).toHaveLength(64);
  });

  it('counts tokens with the model tokenizer', async () => {
    expect(await embedder.countTokens(['hello world'])).toBeGreaterThan(1);
  });
});
