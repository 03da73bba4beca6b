import type { ChatCompletion, ChatCompletionChunk } from '../openai/chat-completion.types';
import type { AnthropicMessage, AnthropicStreamEvent } from './messages-response.types';

/**
 * # Anthropic pass-through on the internal request model
 *
 * `/v1/messages` translates the client's Anthropic request into the internal chat request (OpenAI
 * Chat Completions) so every control — cache, limits, routing, failover, usage — acts once. When
 * the target is Anthropic itself, nothing should be lost in translation: the internal request
 * carries the client's own body and its `anthropic-version` / `anthropic-beta` headers as an
 * attachment, and the Anthropic adapter sends those instead of translating back. Its answer
 * travels the same way: the internal completion carries Anthropic's message unchanged, and each
 * stream chunk the native events that produced it. Other adapters never look at attachments.
 *
 * Attachments live under Symbol keys on purpose: JSON never has Symbol keys, so no client of any
 * endpoint can set one, and `JSON.stringify` (a worker job, a Redis cache entry) drops them.
 * Object spread copies them, so the router's `{...request, model}` keeps the attachment.
 */

const REQUEST = Symbol('gateway.anthropic.request');
const MESSAGE = Symbol('gateway.anthropic.message');
const EVENTS = Symbol('gateway.anthropic.events');

export interface AnthropicRequestAttachment {
  /** The client's body as validated, for `/v1/messages` or `/v1/messages/count_tokens`. */
  body: Readonly<Record<string, unknown>>;
  /** `anthropic-version` and `anthropic-beta`, when the client sent them. */
  headers: Readonly<Record<string, string>>;
  /**
   * Fields of the body the internal request could not express (`top_k`, server tools, …): a
   * provider that does not take the body natively cannot honour them, so it is left out.
   */
  untranslatable: readonly string[];
}

type Attachable = object & { [REQUEST]?: AnthropicRequestAttachment };

export function attachAnthropicRequest<T extends object>(
  request: T,
  attachment: AnthropicRequestAttachment,
): T {
  (request as Attachable)[REQUEST] = attachment;
  return request;
}

export function anthropicRequestOf(request: object): AnthropicRequestAttachment | undefined {
  return (request as Attachable)[REQUEST];
}

/** Anthropic's own message, on the internal completion translated from it. */
export function attachAnthropicMessage(
  completion: ChatCompletion,
  message: AnthropicMessage,
): ChatCompletion {
  (completion as ChatCompletion & { [MESSAGE]?: AnthropicMessage })[MESSAGE] = message;
  return completion;
}

export function anthropicMessageOf(completion: ChatCompletion): AnthropicMessage | undefined {
  return (completion as ChatCompletion & { [MESSAGE]?: AnthropicMessage })[MESSAGE];
}

type ChunkWithEvents = ChatCompletionChunk & {
  [EVENTS]?: AnthropicStreamEvent[];
  [MESSAGE]?: AnthropicMessage;
};

/** The native events a chunk was translated from (in order; events that made no chunk ride on the next one). */
export function attachAnthropicEvents(
  chunk: ChatCompletionChunk,
  events: AnthropicStreamEvent[],
): ChatCompletionChunk {
  (chunk as ChunkWithEvents)[EVENTS] = events;
  return chunk;
}

export function anthropicEventsOf(chunk: ChatCompletionChunk): AnthropicStreamEvent[] | undefined {
  return (chunk as ChunkWithEvents)[EVENTS];
}

/** On the last chunk of a passed-through stream: the whole message it amounts to (for the cache). */
export function attachStreamedAnthropicMessage(
  chunk: ChatCompletionChunk,
  message: AnthropicMessage,
): ChatCompletionChunk {
  (chunk as ChunkWithEvents)[MESSAGE] = message;
  return chunk;
}

export function streamedAnthropicMessageOf(
  chunk: ChatCompletionChunk,
): AnthropicMessage | undefined {
  return (chunk as ChunkWithEvents)[MESSAGE];
}
