import type { AnthropicCountTokensRequest } from '@app/contracts';

/** Characters per token of English text and code in Claude's and OpenAI's tokenizers (their rule of thumb). */
const CHARACTERS_PER_TOKEN = 4;
/**
 * Tokens per image or PDF document whose size the gateway does not decode: Anthropic's cost of an
 * image at its largest unresized size (about 1.15 megapixels at width × height / 750).
 */
const TOKENS_PER_MEDIA_BLOCK = 1600;
/** Structure, not content: the model does not read these as text. */
const STRUCTURE_KEYS = new Set([
  'type',
  'role',
  'id',
  'tool_use_id',
  'cache_control',
  'signature',
  'media_type',
  'is_error',
]);
/** Framing Anthropic adds per message (role markers). */
const TOKENS_PER_MESSAGE = 3;

/**
 * `count_tokens` without Anthropic: an estimate, documented in the README. Text, tool inputs and
 * results, tool definitions (name, description, JSON schema) and the system prompt count one
 * token per four characters; each image or base64 PDF counts 1,600 tokens; each message adds 3.
 * It over- rather than under-counts typical text, which is what a client deciding whether a
 * conversation still fits a context window needs.
 */
export function estimateInputTokens(request: AnthropicCountTokensRequest): number {
  let characters = 0;
  let media = 0;
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      characters += value.length;
      return;
    }
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const block = value as Record<string, unknown>;
    if (block.type === 'image' || (block.type === 'document' && isBase64(block.source))) {
      media += 1;
      return;
    }
    for (const [key, field] of Object.entries(block)) {
      if (STRUCTURE_KEYS.has(key)) continue;
      if (key === 'input' || key === 'input_schema') characters += JSON.stringify(field).length;
      else visit(field);
    }
  };
  visit(request.system);
  visit(request.messages);
  visit(request.tools);
  const messages = request.messages.length;
  return (
    Math.ceil(characters / CHARACTERS_PER_TOKEN) +
    media * TOKENS_PER_MEDIA_BLOCK +
    messages * TOKENS_PER_MESSAGE
  );
}

function isBase64(source: unknown): boolean {
  return (source as { type?: unknown } | undefined)?.type === 'base64';
}
