import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels } from './generate-test-models';
import { writeTinyBertOnnx } from './tiny-onnx-writer';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('writeTinyBertOnnx', () => {
  let directory: string;

  beforeAll(() => (directory = mkdtempSync(join(tmpdir(), 'tiny-onnx-'))));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('writes a transformers.js model folder with the requested hidden size, deterministically', () => {
    const first = writeTinyBertOnnx(join(directory, 'a'), { dimensions: 16 });
    const second = writeTinyBertOnnx(join(directory, 'b'), { dimensions: 16 });
    expect(readdirSync(first.path).sort()).toEqual([
      'config.json',
      'onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const config = JSON.parse(readFileSync(join(first.path, 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      model_type: 'bert',
      hidden_size: 16,
      vocab_size: first.vocabularySize,
    });
    expect(sha256(join(first.path, 'onnx', 'model.onnx'))).toBe(
      sha256(join(second.path, 'onnx', 'model.onnx')),
    );
  });

  it('replaces an existing folder and leaves no temporary folder behind', () => {
    const target = join(directory, 'replaced');
    writeTinyBertOnnx(target, { dimensions: 8 });
    writeTinyBertOnnx(target, { dimensions: 12 });
    expect(JSON.parse(readFileSync(join(target, 'config.json'), 'utf8'))).toMatchObject({
      hidden_size: 12,
    });
    expect(readdirSync(directory).filter((name) => name.includes('.tmp'))).toEqual([]);
  });
});

describe('ensureTestModels', () => {
  it('generates missing models once and returns their paths', () => {
    const directory = mkdtempSync(join(tmpdir(), 'test-models-'));
    try {
      const paths = ensureTestModels(directory);
      expect(existsSync(paths.chatModelPath)).toBe(true);
      expect(
        existsSync(join(paths.embeddingModelsDir, paths.embeddingModelId, 'onnx', 'model.onnx')),
      ).toBe(true);
      const before = sha256(paths.chatModelPath);
      expect(ensureTestModels(directory)).toEqual(paths);
      expect(sha256(paths.chatModelPath)).toBe(before);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
