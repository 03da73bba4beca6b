/**
 * A small BERT-style WordPiece tokenizer in Hugging Face `tokenizer.json` form: lower-casing,
 * whitespace/punctuation splitting, and a vocabulary of characters, "##" continuations and a few
 * common words (so most English text tokenizes without [UNK]).
 */

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const CHARACTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PUNCTUATION = '.,!?\'"-:;()[]{}/&%$#@*+=<>_';
const COMMON_WORDS = [
  'the',
  'of',
  'and',
  'to',
  'in',
  'is',
  'it',
  'that',
  'for',
  'on',
  'with',
  'as',
  'was',
  'be',
  'by',
  'this',
  'are',
  'or',
  'from',
  'at',
  'an',
  'have',
  'not',
  'but',
  'what',
  'all',
  'were',
  'when',
  'we',
  'there',
  'can',
  'which',
  'their',
  'if',
  'do',
  'will',
  'each',
  'about',
  'how',
  'up',
  'out',
  'them',
  'then',
  'she',
  'many',
  'some',
  'so',
  'these',
  'would',
  'other',
  'into',
  'has',
  'more',
  'her',
  'two',
  'like',
  'him',
  'see',
  'time',
  'could',
  'no',
  'make',
  'than',
  'first',
  'been',
  'its',
  'who',
  'now',
  'people',
  'my',
  'made',
  'over',
  'did',
  'down',
  'only',
  'way',
  'find',
  'use',
  'may',
  'water',
  'long',
  'little',
  'very',
  'after',
  'words',
  'called',
  'just',
  'where',
  'most',
  'know',
  'cat',
  'dog',
  'model',
  'data',
  'text',
  'search',
  'vector',
  'document',
  'query',
  'hello',
  'world',
];

export function buildWordPieceVocabulary(): string[] {
  const continuations = [...CHARACTERS].map((character) => `##${character}`);
  const words = COMMON_WORDS.filter((word) => word.length > 1);
  return [
    ...new Set([...SPECIAL_TOKENS, ...PUNCTUATION, ...CHARACTERS, ...continuations, ...words]),
  ];
}

export function tokenizerJson(vocabulary: string[]): string {
  const ids = Object.fromEntries(vocabulary.map((token, id) => [token, id]));
  const special = (content: string) => ({
    id: ids[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((token) => [
          token,
          { id: token, ids: [ids[token]], tokens: [token] },
        ]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
  return JSON.stringify(tokenizer);
}

export function tokenizerConfigJson(): string {
  return JSON.stringify(
    {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      clean_up_tokenization_spaces: true,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    },
    null,
    2,
  );
}
