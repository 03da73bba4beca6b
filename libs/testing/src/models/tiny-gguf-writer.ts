import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { GgufMetadataValue, GgufTensor, writeGgufFile } from './gguf-file-writer';
import { SeededRandom } from './seeded-random';
import { buildSentencePieceVocabulary, SentencePieceVocabulary } from './sentencepiece-vocabulary';

/** A ChatML template; node-llama-cpp reads it from `tokenizer.chat_template` to format prompts. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export interface TinyLlamaGgufOptions {
  /** @defaultValue 512 (5 control + 256 byte tokens + ordinary pieces) */
  vocabularySize?: number;
  /** Hidden size (`n_embd`). @defaultValue 64 */
  embeddingLength?: number;
  /** Number of transformer blocks (`n_layer`). @defaultValue 2 */
  blockCount?: number;
  /** @defaultValue 4 × embeddingLength */
  feedForwardLength?: number;
  /** @defaultValue 4 */
  headCount?: number;
  /** Grouped-query attention: key/value heads. @defaultValue headCount */
  headCountKv?: number;
  /** Training context length written to the metadata. @defaultValue 2048 */
  contextLength?: number;
  /** @defaultValue 42 */
  seed?: number;
  /** @defaultValue {@link CHATML_TEMPLATE} */
  chatTemplate?: string;
  /** @defaultValue "tiny-llama" */
  name?: string;
}

export interface TinyLlamaGgufResult {
  path: string;
  parameterCount: number;
  vocabulary: SentencePieceVocabulary;
}

type ResolvedOptions = Required<TinyLlamaGgufOptions>;

function resolveOptions(options: TinyLlamaGgufOptions): ResolvedOptions {
  const embeddingLength = options.embeddingLength ?? 64;
  const headCount = options.headCount ?? 4;
  if (embeddingLength % headCount !== 0) {
    throw new Error(
      `embeddingLength (${embeddingLength}) must be a multiple of headCount (${headCount})`,
    );
  }
  return {
    vocabularySize: options.vocabularySize ?? 512,
    embeddingLength,
    blockCount: options.blockCount ?? 2,
    feedForwardLength: options.feedForwardLength ?? embeddingLength * 4,
    headCount,
    headCountKv: options.headCountKv ?? headCount,
    contextLength: options.contextLength ?? 2048,
    seed: options.seed ?? 42,
    chatTemplate: options.chatTemplate ?? CHATML_TEMPLATE,
    name: options.name ?? 'tiny-llama',
  };
}

function llamaMetadata(
  options: ResolvedOptions,
  vocabulary: SentencePieceVocabulary,
): Array<[string, GgufMetadataValue]> {
  const uint32 = (value: number): GgufMetadataValue => ({ type: 'uint32', value });
  return [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: options.name }],
    ['general.alignment', uint32(32)],
    ['general.file_type', uint32(0)], // all F32
    ['llama.context_length', uint32(options.contextLength)],
    ['llama.embedding_length', uint32(options.embeddingLength)],
    ['llama.block_count', uint32(options.blockCount)],
    ['llama.feed_forward_length', uint32(options.feedForwardLength)],
    ['llama.attention.head_count', uint32(options.headCount)],
    ['llama.attention.head_count_kv', uint32(options.headCountKv)],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: 1e-5 }],
    ['llama.rope.dimension_count', uint32(options.embeddingLength / options.headCount)],
    ['llama.rope.freq_base', { type: 'float32', value: 10000 }],
    ['llama.vocab_size', uint32(options.vocabularySize)],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocabulary.tokens }],
    ['tokenizer.ggml.scores', { type: 'float32[]', value: vocabulary.scores }],
    ['tokenizer.ggml.token_type', { type: 'int32[]', value: vocabulary.tokenTypes }],
    ['tokenizer.ggml.bos_token_id', uint32(vocabulary.bosTokenId)],
    ['tokenizer.ggml.eos_token_id', uint32(vocabulary.eosTokenId)],
    ['tokenizer.ggml.unknown_token_id', uint32(vocabulary.unknownTokenId)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: options.chatTemplate }],
  ];
}

function llamaTensors(options: ResolvedOptions): GgufTensor[] {
  const random = new SeededRandom(options.seed);
  const embedding = options.embeddingLength;
  const keyValueWidth = (embedding / options.headCount) * options.headCountKv;
  // Data is drawn lazily in tensor order, so the same seed always yields the same bytes.
  const randomTensor = (
    name: string,
    dimensions: number[],
    standardDeviation: number,
  ): GgufTensor => ({
    name,
    dimensions,
    createData: () =>
      random.fillUniform(new Float32Array(dimensions[0] * (dimensions[1] ?? 1)), standardDeviation),
  });
  const onesTensor = (name: string): GgufTensor => ({
    name,
    dimensions: [embedding],
    createData: () => new Float32Array(embedding).fill(1),
  });
  const projection = (name: string, inputs: number, outputs: number) =>
    randomTensor(name, [inputs, outputs], 1 / Math.sqrt(inputs));

  const tensors: GgufTensor[] = [
    randomTensor('token_embd.weight', [embedding, options.vocabularySize], 1),
    onesTensor('output_norm.weight'),
    // Logit spread ≈ 2 after RMS norm: varied sampling without one token dominating.
    randomTensor('output.weight', [embedding, options.vocabularySize], 2 / Math.sqrt(embedding)),
  ];
  for (let block = 0; block < options.blockCount; block++) {
    const prefix = `blk.${block}.`;
    tensors.push(
      onesTensor(`${prefix}attn_norm.weight`),
      projection(`${prefix}attn_q.weight`, embedding, embedding),
      projection(`${prefix}attn_k.weight`, embedding, keyValueWidth),
      projection(`${prefix}attn_v.weight`, embedding, keyValueWidth),
      projection(`${prefix}attn_output.weight`, embedding, embedding),
      onesTensor(`${prefix}ffn_norm.weight`),
      projection(`${prefix}ffn_gate.weight`, embedding, options.feedForwardLength),
      projection(`${prefix}ffn_up.weight`, embedding, options.feedForwardLength),
      projection(`${prefix}ffn_down.weight`, options.feedForwardLength, embedding),
    );
  }
  return tensors;
}

/**
 * Writes a random-weight llama-architecture GGUF (F32) that llama.cpp loads and runs. It produces
 * nonsense text, fast: the defaults make a ~0.6 MB file; raise the sizes for benchmark models.
 */
export function writeTinyLlamaGguf(
  filePath: string,
  options: TinyLlamaGgufOptions = {},
): TinyLlamaGgufResult {
  const resolved = resolveOptions(options);
  const vocabulary = buildSentencePieceVocabulary(resolved.vocabularySize);
  const tensors = llamaTensors(resolved);
  mkdirSync(dirname(filePath), { recursive: true });
  writeGgufFile(filePath, llamaMetadata(resolved, vocabulary), tensors);
  const parameterCount = tensors.reduce(
    (sum, tensor) => sum + tensor.dimensions.reduce((product, dimension) => product * dimension, 1),
    0,
  );
  return { path: filePath, parameterCount, vocabulary };
}
