import {
  attachAnthropicEvents,
  attachAnthropicMessage,
  attachStreamedAnthropicMessage,
  type AnthropicMessage,
  type AnthropicRequestAttachment,
  type AnthropicStreamEvent,
  type ChatCompletion,
  type ChatCompletionChunk,
} from '@app/contracts';
import type { ProviderCallContext } from '../chat-provider';
import { upstreamHeaders } from '../shared/upstream-headers';
import { AnthropicMessageAccumulator } from './anthropic-message-accumulator';
import { toChatCompletion } from './anthropic-response';
import { AnthropicStreamTranslator } from './anthropic-stream';
import type {
  AnthropicMessageResponse,
  AnthropicStreamEvent as WireEvent,
} from './anthropic-wire.types';

/**
 * Pass-through of an Anthropic client's own request (see `anthropic-passthrough.ts` in
 * libs/contracts): the body as the client sent it with the target's model, the client's
 * `anthropic-version` / `anthropic-beta` headers, and the answer back unchanged beside the
 * internal translation every control reads (usage for cost, the assembled text for the cache).
 */
export function nativeBody(
  attachment: AnthropicRequestAttachment,
  model: string,
  stream: boolean,
): Record<string, unknown> {
  const { stream: _stream, ...body } = attachment.body;
  return stream ? { ...body, model, stream: true } : { ...body, model };
}

export function nativeHeaders(
  attachment: AnthropicRequestAttachment,
  context: ProviderCallContext,
): Record<string, string> {
  return { ...attachment.headers, ...upstreamHeaders(context) };
}

/** Anthropic's message → the internal completion, which carries the message itself. */
export function nativeCompletion(message: AnthropicMessage): ChatCompletion {
  return attachAnthropicMessage(
    toChatCompletion(message as unknown as AnthropicMessageResponse),
    message,
  );
}

/**
 * Native stream events → internal chunks for accounting and caching, each chunk carrying the
 * events it came from: events that make no chunk of their own (`message_start`, block stops)
 * ride on the next one, so the first chunk — the router's commitment point — arrives with the
 * first content block, as in the translated path, and an error right after `message_start`
 * still fails over. The last chunk carries the whole message for the cache.
 */
export class NativeStreamRelay {
  private readonly translator: AnthropicStreamTranslator;
  private readonly accumulator = new AnthropicMessageAccumulator();
  private pending: AnthropicStreamEvent[] = [];

  constructor(model: string) {
    this.translator = new AnthropicStreamTranslator(model);
  }

  relay(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    // The SDK consumes `ping` events; the gateway sends its own keep-alives.
    if (event.type === 'ping') return [];
    this.accumulator.add(event);
    this.pending.push(event);
    const chunks = this.translator.translate(event as unknown as WireEvent);
    if (chunks.length === 0) return [];
    attachAnthropicEvents(chunks[0], this.pending);
    this.pending = [];
    const message = event.type === 'message_stop' ? this.accumulator.message : undefined;
    if (message) attachStreamedAnthropicMessage(chunks[chunks.length - 1], message);
    return chunks;
  }
}
