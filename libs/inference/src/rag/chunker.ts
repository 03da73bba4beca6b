import { estimateTokens, type TokenCounter } from './token-estimate';

export interface ChunkTextOptions {
  /** Maximum tokens per chunk. @defaultValue RagConfig.chunkSize (512) */
  chunkSize: number;
  /** Tokens repeated from the end of one chunk at the start of the next. @defaultValue 64 */
  chunkOverlap: number;
  /** Token counter; @defaultValue {@link estimateTokens} */
  countTokens?: TokenCounter;
}

/** A piece of the source text; `content === text.slice(start, end)`. */
export interface TextChunk {
  index: number;
  content: string;
  start: number;
  end: number;
  tokens: number;
}

/** A sentence (or, inside an oversized sentence, a word) — the smallest thing a chunk holds. */
interface TextUnit {
  start: number;
  end: number;
  tokens: number;
  startsParagraph: boolean;
}

interface Span {
  start: number;
  end: number;
}

const PARAGRAPH_BREAK = /\n[ \t]*\n\s*/g;
/** After . ! ? … (and closing quotes/brackets) plus whitespace, after CJK full stops, or at a line break. */
const SENTENCE_BREAK = /(?<=[.!?…]["'”’)\]]*)\s+|(?<=[。！？])\s*|\n+/g;
const WORD = /\S+/g;

/**
 * Splits text into chunks of at most `chunkSize` tokens. Chunks are packed from whole sentences
 * and close early at a paragraph start once half full, so they follow the author's structure; the
 * next chunk repeats the last whole sentences that fit in `chunkOverlap` tokens. A sentence longer
 * than `chunkSize` is packed word by word (and a giant word character by character).
 */
export function chunkText(text: string, options: ChunkTextOptions): TextChunk[] {
  const { chunkSize, chunkOverlap } = options;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError('chunkSize must be ≥ 1');
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    throw new RangeError('chunkOverlap must be in [0, chunkSize)');
  }
  const countTokens = options.countTokens ?? estimateTokens;
  const units = splitIntoUnits(text, chunkSize, countTokens);
  return packUnits(text, units, chunkSize, chunkOverlap);
}

function splitIntoUnits(text: string, chunkSize: number, countTokens: TokenCounter): TextUnit[] {
  const units: TextUnit[] = [];
  for (const paragraph of findSpans(text, { start: 0, end: text.length }, PARAGRAPH_BREAK)) {
    let startsParagraph = true;
    for (const sentence of findSpans(text, paragraph, SENTENCE_BREAK)) {
      for (const unit of measureSpan(text, sentence, chunkSize, countTokens)) {
        units.push({ ...unit, startsParagraph });
        startsParagraph = false;
      }
    }
  }
  return units;
}

/** The non-blank pieces of `text[within]` between matches of `separator`, trimmed. */
function findSpans(text: string, within: Span, separator: RegExp): Span[] {
  const segment = text.slice(within.start, within.end);
  const spans: Span[] = [];
  let pieceStart = 0;
  for (const match of segment.matchAll(separator)) {
    pushTrimmed(spans, text, within.start + pieceStart, within.start + match.index);
    pieceStart = match.index + match[0].length;
  }
  pushTrimmed(spans, text, within.start + pieceStart, within.end);
  return spans;
}

function pushTrimmed(spans: Span[], text: string, start: number, end: number): void {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (end > start) spans.push({ start, end });
}

/** The span as one unit when it fits, else its words (each split hard if still too big). */
function measureSpan(
  text: string,
  span: Span,
  chunkSize: number,
  countTokens: TokenCounter,
): Omit<TextUnit, 'startsParagraph'>[] {
  const tokens = countTokens(text.slice(span.start, span.end));
  if (tokens <= chunkSize) return [{ ...span, tokens }];
  const words = findWords(text, span);
  if (words.length === 1) return splitCharacters(text, span, chunkSize, countTokens);
  return words.flatMap((word) => measureSpan(text, word, chunkSize, countTokens));
}

function findWords(text: string, span: Span): Span[] {
  const segment = text.slice(span.start, span.end);
  return [...segment.matchAll(WORD)].map((match) => ({
    start: span.start + match.index,
    end: span.start + match.index + match[0].length,
  }));
}

/** Last resort for a "word" over chunkSize tokens (base64, minified code): fixed-size slices. */
function splitCharacters(
  text: string,
  span: Span,
  chunkSize: number,
  countTokens: TokenCounter,
): Omit<TextUnit, 'startsParagraph'>[] {
  const pieces: Omit<TextUnit, 'startsParagraph'>[] = [];
  const totalTokens = countTokens(text.slice(span.start, span.end));
  const length = span.end - span.start;
  let sliceLength = Math.max(1, Math.floor((length * chunkSize) / totalTokens));
  for (let start = span.start; start < span.end;) {
    let end = Math.min(span.end, start + sliceLength);
    let tokens = countTokens(text.slice(start, end));
    while (tokens > chunkSize && end - start > 1) {
      sliceLength = Math.max(1, Math.floor(sliceLength / 2));
      end = start + sliceLength;
      tokens = countTokens(text.slice(start, end));
    }
    pieces.push({ start, end, tokens });
    start = end;
  }
  return pieces;
}

function packUnits(
  text: string,
  units: TextUnit[],
  chunkSize: number,
  chunkOverlap: number,
): TextChunk[] {
  const chunks: TextChunk[] = [];
  let current: TextUnit[] = [];
  let currentTokens = 0;
  for (const unit of units) {
    const wouldOverflow = currentTokens + unit.tokens > chunkSize;
    const isParagraphBreak = unit.startsParagraph && currentTokens >= chunkSize / 2;
    if (current.length > 0 && (wouldOverflow || isParagraphBreak)) {
      chunks.push(toChunk(text, current, chunks.length));
      current = overlapTail(current, Math.min(chunkOverlap, chunkSize - unit.tokens));
      currentTokens = sumTokens(current);
    }
    current.push(unit);
    currentTokens += unit.tokens;
  }
  // Every flush above is followed by a push, so `current` always ends with an unsent unit.
  if (current.length > 0) chunks.push(toChunk(text, current, chunks.length));
  return chunks;
}

/** The trailing whole units of a chunk whose tokens add up to at most `budget`. */
function overlapTail(units: TextUnit[], budget: number): TextUnit[] {
  const tail: TextUnit[] = [];
  let tokens = 0;
  for (let index = units.length - 1; index >= 0; index--) {
    if (tokens + units[index].tokens > budget) break;
    tokens += units[index].tokens;
    tail.unshift(units[index]);
  }
  return tail;
}

function toChunk(text: string, units: TextUnit[], index: number): TextChunk {
  const start = units[0].start;
  const end = units[units.length - 1].end;
  return { index, content: text.slice(start, end), start, end, tokens: sumTokens(units) };
}

function sumTokens(units: TextUnit[]): number {
  return units.reduce((total, unit) => total + unit.tokens, 0);
}
