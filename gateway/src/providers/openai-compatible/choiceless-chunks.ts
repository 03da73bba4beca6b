import type { ChatCompletionChunk } from '@app/contracts';

/** The fields of OpenAI's `chat.completion.chunk`; anything else on a chunk is an upstream extra. */
const CHUNK_FIELDS = new Set([
  'id',
  'object',
  'created',
  'model',
  'choices',
  'usage',
  'system_fingerprint',
  'service_tier',
  'obfuscation',
]);

/**
 * Keeps OpenAI's chunk contract on upstream streams that bend it. Azure OpenAI opens every stream
 * with an annotation frame — `id: ""`, `choices: []`, `prompt_filter_results: [...]` — and, with
 * its asynchronous content filter, sends choices without a `delta`; clients that read
 * `choices[0].delta` (most of them) break on both.
 *
 * - A chunk with no choices and no usage is not emitted (the usage chunk is OpenAI's one chunk
 *   without choices). Its extra fields (`prompt_filter_results`) move onto the next chunk that is
 *   emitted, so content-filter results stay visible, where Azure's own SDKs look for them.
 * - A choice without `delta` gets an empty one; its `content_filter_results` stay on it.
 */
export class ChoicelessChunkFilter {
  private held: Record<string, unknown> | undefined;

  accept(chunk: ChatCompletionChunk): ChatCompletionChunk | undefined {
    if (!Array.isArray(chunk.choices)) return chunk;
    if (chunk.choices.length === 0 && !chunk.usage) {
      this.hold(chunk);
      return undefined;
    }
    for (const choice of chunk.choices) choice.delta ??= {};
    if (!this.held) return chunk;
    const carried = { ...this.held, ...chunk };
    this.held = undefined;
    return carried;
  }

  private hold(chunk: ChatCompletionChunk): void {
    for (const [field, value] of Object.entries(chunk)) {
      if (CHUNK_FIELDS.has(field)) continue;
      (this.held ??= {})[field] = value;
    }
  }
}
