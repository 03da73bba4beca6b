import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  encodeOnnxModel,
  OnnxAttributeType,
  OnnxDataType,
  OnnxGraph,
  OnnxInitializer,
} from './onnx-model-proto';
import { SeededRandom } from './seeded-random';
import {
  buildWordPieceVocabulary,
  tokenizerConfigJson,
  tokenizerJson,
} from './wordpiece-tokenizer-files';

export interface TinyBertOnnxOptions {
  /** Output vector length (`hidden_size`). @defaultValue 384 */
  dimensions?: number;
  /** @defaultValue 7 */
  seed?: number;
}

export interface TinyBertOnnxResult {
  /** The model folder (config.json, tokenizer files, onnx/model.onnx). */
  path: string;
  dimensions: number;
  vocabularySize: number;
}

function floatInitializer(name: string, dims: number[], values: Float32Array): OnnxInitializer {
  // ONNX raw_data is little-endian, as Float32Array is on every supported host.
  return { name, dims, dataType: OnnxDataType.Float, rawData: new Uint8Array(values.buffer) };
}

/**
 * Embeddings → dense → tanh → × attention mask. Not a transformer, but it has BERT's inputs and
 * output, so transformers.js runs it as a "bert" feature-extraction model and its mean pooling
 * sees zeros at padded positions.
 */
function tinyBertGraph(vocabularySize: number, dimensions: number, seed: number): OnnxGraph {
  const random = new SeededRandom(seed);
  const randomValues = (count: number, standardDeviation: number) =>
    random.fillUniform(new Float32Array(count), standardDeviation);
  const dynamicAxes = ['batch', 'sequence'];
  return {
    name: 'tiny_bert',
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({
      name,
      elemType: OnnxDataType.Int64,
      shape: dynamicAxes,
    })),
    outputs: [
      {
        name: 'last_hidden_state',
        elemType: OnnxDataType.Float,
        shape: [...dynamicAxes, dimensions],
      },
    ],
    initializers: [
      floatInitializer(
        'word_embeddings',
        [vocabularySize, dimensions],
        randomValues(vocabularySize * dimensions, 1),
      ),
      floatInitializer('token_type_embeddings', [2, dimensions], randomValues(2 * dimensions, 0.1)),
      floatInitializer(
        'dense_weight',
        [dimensions, dimensions],
        randomValues(dimensions * dimensions, 1 / Math.sqrt(dimensions)),
      ),
      floatInitializer('dense_bias', [dimensions], randomValues(dimensions, 0.1)),
      {
        name: 'last_axis',
        dims: [1],
        dataType: OnnxDataType.Int64,
        rawData: new Uint8Array(BigInt64Array.of(-1n).buffer),
      },
    ],
    nodes: [
      {
        opType: 'Gather',
        name: 'word_lookup',
        input: ['word_embeddings', 'input_ids'],
        output: ['word_vectors'],
      },
      {
        opType: 'Gather',
        name: 'type_lookup',
        input: ['token_type_embeddings', 'token_type_ids'],
        output: ['type_vectors'],
      },
      {
        opType: 'Add',
        name: 'embed',
        input: ['word_vectors', 'type_vectors'],
        output: ['embedded'],
      },
      {
        opType: 'MatMul',
        name: 'dense',
        input: ['embedded', 'dense_weight'],
        output: ['projected'],
      },
      {
        opType: 'Add',
        name: 'dense_add_bias',
        input: ['projected', 'dense_bias'],
        output: ['biased'],
      },
      { opType: 'Tanh', name: 'activation', input: ['biased'], output: ['activated'] },
      {
        opType: 'Cast',
        name: 'mask_to_float',
        input: ['attention_mask'],
        output: ['mask_float'],
        attribute: [{ name: 'to', type: OnnxAttributeType.Int, i: OnnxDataType.Float }],
      },
      {
        opType: 'Unsqueeze',
        name: 'mask_expand',
        input: ['mask_float', 'last_axis'],
        output: ['mask_expanded'],
      },
      {
        opType: 'Mul',
        name: 'apply_mask',
        input: ['activated', 'mask_expanded'],
        output: ['last_hidden_state'],
      },
    ],
  };
}

function bertConfigJson(vocabularySize: number, dimensions: number): string {
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: dimensions,
    vocab_size: vocabularySize,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: dimensions,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    pad_token_id: 0,
  };
  return JSON.stringify(config, null, 2);
}

function replaceFolder(source: string, target: string): void {
  try {
    renameSync(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    rmSync(target, { recursive: true, force: true });
    renameSync(source, target);
  }
}

/**
 * Writes a transformers.js-loadable BERT-like embedding model folder with random weights. The
 * folder appears atomically (built beside it, then renamed) so parallel test workers are safe.
 */
export function writeTinyBertOnnx(
  folderPath: string,
  options: TinyBertOnnxOptions = {},
): TinyBertOnnxResult {
  const dimensions = options.dimensions ?? 384;
  const vocabulary = buildWordPieceVocabulary();
  const temporaryFolder = `${folderPath}.${process.pid}.tmp`;
  rmSync(temporaryFolder, { recursive: true, force: true });
  mkdirSync(join(temporaryFolder, 'onnx'), { recursive: true });
  writeFileSync(
    join(temporaryFolder, 'config.json'),
    bertConfigJson(vocabulary.length, dimensions),
  );
  writeFileSync(join(temporaryFolder, 'tokenizer.json'), tokenizerJson(vocabulary));
  writeFileSync(join(temporaryFolder, 'tokenizer_config.json'), tokenizerConfigJson());
  const graph = tinyBertGraph(vocabulary.length, dimensions, options.seed ?? 7);
  writeFileSync(join(temporaryFolder, 'onnx', 'model.onnx'), encodeOnnxModel(graph));
  mkdirSync(dirname(folderPath), { recursive: true });
  replaceFolder(temporaryFolder, folderPath);
  return { path: folderPath, dimensions, vocabularySize: vocabulary.length };
}
