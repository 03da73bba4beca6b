import { chunkText, type TextChunk } from './chunker';
import { estimateTokens } from './token-estimate';

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

function sentence(index: number, words = 10): string {
  return (
    `S${index} ` + Array.from({ length: words - 2 }, (_, word) => `w${word}`).join(' ') + ' end.'
  );
}

function expectOffsetsMatch(text: string, chunks: TextChunk[]): void {
  for (const chunk of chunks) expect(text.slice(chunk.start, chunk.end)).toBe(chunk.content);
}

describe('estimateTokens', () => {
  it('counts word runs by 6 characters and each punctuation mark as one', () => {
    expect(estimateTokens('Hello, world.')).toBe(4);
    expect(estimateTokens('internationalization')).toBe(4);
    expect(estimateTokens('   ')).toBe(0);
    expect(estimateTokens('日本語のテキスト')).toBe(2);
  });
});

describe('chunkText', () => {
  it('returns one chunk for short text, with exact offsets', () => {
    const text = '  Hello there. How are you?  ';
    const chunks = chunkText(text, { chunkSize: 512, chunkOverlap: 64 });
    expect(chunks).toEqual([
      { index: 0, content: 'Hello there. How are you?', start: 2, end: 27, tokens: 7 },
    ]);
  });

  it('never splits a sentence and keeps every chunk within the size', () => {
    const text = Array.from({ length: 30 }, (_, index) => sentence(index)).join(' ');
    const chunks = chunkText(text, { chunkSize: 35, chunkOverlap: 0, countTokens: countWords });
    expectOffsetsMatch(text, chunks);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(35);
      expect(chunk.content).toMatch(/^S\d+ .* end\.$/);
    }
    expect(chunks).toHaveLength(10);
    expect(chunks.map((chunk) => chunk.content).join(' ')).toBe(text);
  });

  it('repeats whole trailing sentences up to the overlap at the start of the next chunk', () => {
    const text = Array.from({ length: 12 }, (_, index) => sentence(index)).join(' ');
    const chunks = chunkText(text, { chunkSize: 40, chunkOverlap: 15, countTokens: countWords });
    expect(chunks.length).toBeGreaterThan(1);
    for (let index = 1; index < chunks.length; index++) {
      const previous = chunks[index - 1].content;
      const firstSentence = chunks[index].content.match(/^S\d+ [^.]*\./)?.[0] ?? '';
      expect(previous.endsWith(firstSentence)).toBe(true);
      expect(chunks[index].start).toBeLessThan(chunks[index - 1].end);
    }
    expect(chunks[chunks.length - 1].end).toBe(text.length);
  });

  it('closes a chunk at a paragraph start once it is half full', () => {
    const paragraphA = [0, 1, 2].map((index) => sentence(index)).join(' ');
    const paragraphB = [3, 4].map((index) => sentence(index)).join(' ');
    const text = `${paragraphA}\n\n${paragraphB}`;
    const chunks = chunkText(text, { chunkSize: 50, chunkOverlap: 0, countTokens: countWords });
    expect(chunks.map((chunk) => chunk.content)).toEqual([paragraphA, paragraphB]);
  });

  it('merges small paragraphs into one chunk', () => {
    const text = 'One. Two.\n\nThree.\n\nFour.';
    expect(
      chunkText(text, { chunkSize: 100, chunkOverlap: 10 }).map((chunk) => chunk.content),
    ).toEqual([text]);
  });

  it('splits a sentence longer than the chunk size hard, by words', () => {
    const longSentence = Array.from({ length: 100 }, (_, index) => `word${index}`).join(' ');
    const chunks = chunkText(longSentence, {
      chunkSize: 30,
      chunkOverlap: 5,
      countTokens: countWords,
    });
    expectOffsetsMatch(longSentence, chunks);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(30);
    expect(chunks[0].content.startsWith('word0 ')).toBe(true);
    expect(chunks[chunks.length - 1].content.endsWith('word99')).toBe(true);
    // Overlap still applies at word granularity.
    expect(chunks[1].content.startsWith('word25 ')).toBe(true);
  });

  it('splits a single giant word by characters', () => {
    const blob = 'x'.repeat(1000);
    const chunks = chunkText(blob, { chunkSize: 20, chunkOverlap: 0 });
    expectOffsetsMatch(blob, chunks);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(20);
    expect(chunks.map((chunk) => chunk.content).join('')).toBe(blob);
  });

  it('covers the whole text in order with the default estimator and sizes', () => {
    const separators = [' ', '\n', '\n\n'];
    const text = Array.from(
      { length: 400 },
      (_, index) => sentence(index, 12) + separators[index % 3],
    ).join('');
    const chunks = chunkText(text, { chunkSize: 512, chunkOverlap: 64 });
    expectOffsetsMatch(text, chunks);
    expect(chunks[0].start).toBe(0);
    expect(chunks[chunks.length - 1].end).toBe(text.trimEnd().length);
    for (let position = 1; position < chunks.length; position++) {
      expect(chunks[position].start).toBeGreaterThan(chunks[position - 1].start);
      expect(chunks[position].start).toBeLessThanOrEqual(chunks[position - 1].end);
    }
  });

  it('returns no chunks for blank text and rejects bad sizes', () => {
    expect(chunkText(' \n\n ', { chunkSize: 10, chunkOverlap: 0 })).toEqual([]);
    expect(() => chunkText('a', { chunkSize: 0, chunkOverlap: 0 })).toThrow(RangeError);
    expect(() => chunkText('a', { chunkSize: 10, chunkOverlap: 10 })).toThrow(RangeError);
  });
});
