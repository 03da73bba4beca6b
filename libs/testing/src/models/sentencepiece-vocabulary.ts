/**
 * A synthetic SentencePiece ("llama" tokenizer model) vocabulary: control tokens, the 256 byte
 * fallback tokens (so any text tokenizes) and as many ordinary pieces as asked for.
 */

/** llama.cpp token types. */
export enum SentencePieceTokenType {
  Normal = 1,
  Unknown = 2,
  Control = 3,
  Byte = 6,
}

export interface SentencePieceVocabulary {
  tokens: string[];
  scores: number[];
  tokenTypes: SentencePieceTokenType[];
  unknownTokenId: number;
  bosTokenId: number;
  eosTokenId: number;
  /** Ids of ChatML's `<|im_start|>` / `<|im_end|>` control tokens. */
  imStartTokenId: number;
  imEndTokenId: number;
}

const WORD_BOUNDARY = '\u2581'; // SentencePiece's "▁" marks a preceding space
const SINGLE_CHARACTERS =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?\'"-:;(){}[]';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const CONTROL_TOKENS = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>'];

/** Ordinary pieces: single characters, then letter pairs, triples…, each also with a leading "▁". */
function* ordinaryPieces(): Generator<string> {
  yield WORD_BOUNDARY;
  for (const character of SINGLE_CHARACTERS) {
    yield character;
    yield WORD_BOUNDARY + character;
  }
  let previousLength: string[] = [...LETTERS];
  for (;;) {
    const current: string[] = [];
    for (const prefix of previousLength) {
      for (const letter of LETTERS) {
        current.push(prefix + letter);
        yield prefix + letter;
        yield WORD_BOUNDARY + prefix + letter;
      }
    }
    previousLength = current;
  }
}

export const MINIMUM_VOCABULARY_SIZE = CONTROL_TOKENS.length + 256 + 1;

export function buildSentencePieceVocabulary(size: number): SentencePieceVocabulary {
  if (size < MINIMUM_VOCABULARY_SIZE) {
    throw new Error(`Vocabulary size must be at least ${MINIMUM_VOCABULARY_SIZE}, got ${size}`);
  }
  const tokens = [...CONTROL_TOKENS];
  const tokenTypes = [
    SentencePieceTokenType.Unknown,
    ...CONTROL_TOKENS.slice(1).map(() => SentencePieceTokenType.Control),
  ];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    tokenTypes.push(SentencePieceTokenType.Byte);
  }
  const scores = tokens.map(() => 0);
  const pieces = ordinaryPieces();
  while (tokens.length < size) {
    // Higher scores merge first; earlier (shorter) pieces get the higher scores.
    scores.push(-(tokens.length - CONTROL_TOKENS.length - 256));
    tokens.push(pieces.next().value as string);
    tokenTypes.push(SentencePieceTokenType.Normal);
  }
  return {
    tokens,
    scores,
    tokenTypes,
    unknownTokenId: 0,
    bosTokenId: 1,
    eosTokenId: 4,
    imStartTokenId: 3,
    imEndTokenId: 4,
  };
}
