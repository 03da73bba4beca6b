import { Inject, Injectable } from '@nestjs/common';
import {
  anthropicEventsOf,
  anthropicMessageOf,
  attachAnthropicRequest,
  GatewayError,
  type AnthropicCountTokensRequest,
  type AnthropicMessage,
  type AnthropicMessagesRequest,
  type AnthropicStreamEvent,
  type AnthropicTokenCount,
  type ChatCompletionChunk,
} from '@app/contracts';
import { ChatCompletionsService, type AnswerControls } from '../chat/chat-completions.service';
import { allowedModelsOf } from '../request/principal';
import type { RequestContext } from '../request/request-context';
import type { AttemptRecord } from '../routing/router-observer';
import { ChatRouter } from '../routing/chat-router';
import { withAnthropicFieldNames } from './anthropic-error-shape';
import { toChatCompletionRequest } from './anthropic-to-chat-request';
import { ChatChunksToAnthropicEvents } from './chat-chunks-to-anthropic-events';
import { toAnthropicMessage } from './chat-to-anthropic-message';
import { estimateInputTokens } from './input-token-estimate';

interface Answered extends AnswerControls {
  provider: string;
  model: string;
  attempts: AttemptRecord[];
}

export interface MessagesAnswer extends Answered {
  message: AnthropicMessage;
}

export interface MessagesStream extends Answered {
  /** Every event from `message_start` to `message_stop`; the first chunk has already arrived. */
  events: AsyncIterable<AnthropicStreamEvent>;
}

export interface TokenCountAnswer {
  /** Anthropic's answer as it came, or `{input_tokens}` estimated. */
  count: AnthropicTokenCount;
  /** `exact`: counted by the provider (Anthropic); `estimate`: by the gateway (see README). */
  source: 'exact' | 'estimate';
  provider?: string;
}

/**
 * Anthropic's Messages API on the gateway's one chat use case: the request is translated to the
 * internal model (carrying the client's own body for Anthropic targets) and goes through
 * `ChatCompletionsService`, so cache, limits, budgets, routing, failover, usage and cost apply
 * exactly as for `/v1/chat/completions`. What comes back is Anthropic's own answer when the
 * target was Anthropic, and the internal answer translated otherwise.
 */
@Injectable()
export class MessagesService {
  constructor(
    @Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService,
    @Inject(ChatRouter) private readonly router: ChatRouter,
  ) {}

  async create(
    body: AnthropicMessagesRequest,
    headers: Record<string, string>,
    context: RequestContext,
  ): Promise<MessagesAnswer> {
    const request = toChatCompletionRequest(body, headers);
    const answer = await this.chat.complete(request, context).catch(rethrowInAnthropicTerms);
    const { result, ...summary } = answer;
    return { ...summary, message: anthropicMessageOf(result) ?? toAnthropicMessage(result) };
  }

  async stream(
    body: AnthropicMessagesRequest,
    headers: Record<string, string>,
    context: RequestContext,
  ): Promise<MessagesStream> {
    const request = toChatCompletionRequest(body, headers);
    const routed = await this.chat.stream(request, context).catch(rethrowInAnthropicTerms);
    const { chunks, ...summary } = routed;
    return { ...summary, events: streamEvents(chunks) };
  }

  /**
   * Counted by the route's first provider that counts tokens (Anthropic, on the client's own
   * body) with the route's failover; estimated when the route has none, or when every one of
   * them failed (a count is advice, not worth an error). Requests the provider refused as
   * invalid, and models the key may not use, are errors as for messages.
   */
  async countTokens(
    body: AnthropicCountTokensRequest,
    headers: Record<string, string>,
    context: RequestContext,
  ): Promise<TokenCountAnswer> {
    const request = attachAnthropicRequest(
      { model: body.model, messages: [] },
      { body, headers, untranslatable: [] },
    );
    try {
      const counted = await this.router.countTokens(
        request,
        context.requestId,
        context.abort,
        allowedModelsOf(context.principal),
        context.span,
      );
      if (counted) {
        context.provider = counted.provider;
        context.model = counted.model;
        for (const attempt of counted.attempts) context.upstreamMs += attempt.latencyMs;
        return { count: counted.result, source: 'exact', provider: counted.provider };
      }
    } catch (error) {
      if (!isEveryProviderDown(error)) throw error;
    }
    return { count: { input_tokens: estimateInputTokens(body) }, source: 'estimate' };
  }
}

function rethrowInAnthropicTerms(error: unknown): never {
  throw withAnthropicFieldNames(error);
}

function isEveryProviderDown(error: unknown): boolean {
  return (
    error instanceof GatewayError &&
    (error.code === 'all_providers_failed' || error.code === 'all_providers_unavailable')
  );
}

/**
 * The routed chunks as Anthropic events: forwarded as Anthropic sent them when the first chunk
 * carries native events (a pass-through answer, live or replayed from the cache), translated
 * otherwise.
 */
async function* streamEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
): AsyncGenerator<AnthropicStreamEvent> {
  let native: boolean | undefined;
  const translation = new ChatChunksToAnthropicEvents();
  for await (const chunk of chunks) {
    native ??= anthropicEventsOf(chunk) !== undefined;
    if (native) yield* anthropicEventsOf(chunk) ?? [];
    else yield* translation.translate(chunk);
  }
  if (native === false) yield* translation.finish();
}
