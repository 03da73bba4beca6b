import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHATML_TEMPLATE, writeTinyLlamaGguf } from './tiny-gguf-writer';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('writeTinyLlamaGguf', () => {
  let directory: string;

  beforeAll(() => (directory = mkdtempSync(join(tmpdir(), 'tiny-gguf-'))));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('writes the same bytes for the same seed and different bytes for another', () => {
    const first = writeTinyLlamaGguf(join(directory, 'a.gguf'), { seed: 1 });
    const second = writeTinyLlamaGguf(join(directory, 'b.gguf'), { seed: 1 });
    const other = writeTinyLlamaGguf(join(directory, 'c.gguf'), { seed: 2 });
    expect(sha256(first.path)).toBe(sha256(second.path));
    expect(sha256(first.path)).not.toBe(sha256(other.path));
  });

  it('writes metadata and tensors that node-llama-cpp reads back', async () => {
    const options = {
      embeddingLength: 32,
      blockCount: 3,
      headCount: 2,
      vocabularySize: 300,
      contextLength: 256,
    };
    const written = writeTinyLlamaGguf(join(directory, 'shape.gguf'), options);
    const { readGgufFileInfo } = await import('node-llama-cpp');
    const info = await readGgufFileInfo(written.path);
    expect(info.version).toBe(3);
    expect(info.metadata.general.architecture).toBe('llama');
    expect(info.metadata.tokenizer.chat_template).toBe(CHATML_TEMPLATE);
    expect(info.metadata.tokenizer.ggml.tokens).toHaveLength(300);
    expect(info.tensorInfo).toHaveLength(3 + 3 * 9);
    // 2 × vocab × embedding (input and output embeddings) + 3 blocks of attention, MLP and norms
    const perBlock = 4 * 32 * 32 + 3 * 32 * 128 + 2 * 32;
    expect(written.parameterCount).toBe(2 * 300 * 32 + 32 + 3 * perBlock);
  }, 60_000); // the first import of node-llama-cpp is slow on a busy machine

  it('refuses sizes llama.cpp cannot load', () => {
    expect(() =>
      writeTinyLlamaGguf(join(directory, 'bad.gguf'), { embeddingLength: 30, headCount: 4 }),
    ).toThrow(/multiple of headCount/);
    expect(() => writeTinyLlamaGguf(join(directory, 'bad.gguf'), { vocabularySize: 100 })).toThrow(
      /at least/,
    );
  });
});
