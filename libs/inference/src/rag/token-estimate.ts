/** Counts the tokens of a text; the chunker measures sizes with it. */
export type TokenCounter = (text: string) => number;

/** A word piece: a run of letters/digits, or one other non-space character. */
const WORD_PIECE = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/**
 * Characters per token inside a run of letters and digits. Word-piece vocabularies (BERT,
 * MiniLM) keep common words whole and split long or rare ones; one token per 6 characters of a
 * run is close for English prose ("Hello, world." → 4, like BERT) and errs on the large side for
 * long identifiers, so chunks stay under the model's window.
 */
const CHARACTERS_PER_TOKEN = 6;

/**
 * Approximate token count without a tokenizer: each run of letters/digits counts
 * ceil(length / 6), each punctuation mark or symbol counts 1, whitespace counts 0.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(WORD_PIECE)) {
    const piece = match[0];
    const isWordRun = piece.length > 1 || /[\p{L}\p{N}]/u.test(piece);
    tokens += isWordRun ? Math.ceil(piece.length / CHARACTERS_PER_TOKEN) : 1;
  }
  return tokens;
}
