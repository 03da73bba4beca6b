import type { AnthropicMessage, ChatCompletion } from '@app/contracts';

/** One cached answer; serves both non-stream requests and (replayed) streams. */
export interface CachedCompletion {
  completion: ChatCompletion;
  provider: string;
  model: string;
  /**
   * Anthropic's own message, when an Anthropic client's request was passed through to Anthropic.
   * In memory it rides on `completion` (see `anthropic-passthrough.ts`); this field is how it
   * survives a store that serialises (Redis).
   */
  anthropicMessage?: AnthropicMessage;
}
