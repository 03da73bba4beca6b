import Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { ChatProvider, ProviderCallContext } from '../chat-provider';
import { assertFieldsSupported } from '../shared/field-support';
import { ANTHROPIC_FIELDS } from './anthropic-fields';
import { toAnthropicProviderError } from './anthropic-error-mapper';
import { toMessagesRequest } from './anthropic-request';
import { toChatCompletion } from './anthropic-response';
import { AnthropicStreamTranslator } from './anthropic-stream';
import type { AnthropicMessageResponse, AnthropicStreamEvent } from './anthropic-wire.types';

export interface AnthropicProviderOptions {
  /** Backstop for the SDK; the router enforces its own first-byte, idle and total timeouts. */
  timeoutMs: number;
}

type SdkParams = Anthropic.MessageCreateParamsNonStreaming;
type SdkStreamParams = Anthropic.MessageCreateParamsStreaming;

/**
 * Anthropic's Messages API on `@anthropic-ai/sdk`. The SDK's retries are off: the router owns
 * retries, backoff and fallback.
 */
export class AnthropicProvider implements ChatProvider {
  readonly id: string;
  readonly type = 'anthropic' as const;
  private readonly client: Anthropic;

  constructor(
    readonly config: ProviderConfig,
    options: AnthropicProviderOptions,
  ) {
    this.id = config.id;
    this.client = new Anthropic({
      apiKey: config.apiKey ?? null,
      baseURL: config.baseUrl ?? null,
      maxRetries: 0,
      timeout: options.timeoutMs,
      defaultHeaders: config.headers,
    });
  }

  assertSupported(request: ChatCompletionRequest): void {
    assertFieldsSupported('anthropic', ANTHROPIC_FIELDS, request);
  }

  async chat(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ChatCompletion> {
    // Our request type carries temperature/top_p, which the SDK's param types leave out.
    const body = toMessagesRequest(request, this.config) as unknown as SdkParams;
    try {
      const response = await this.client.messages
        .create(body, { signal: context.signal, headers: { 'x-request-id': context.requestId } })
        .asResponse();
      context.markFirstByte?.();
      return toChatCompletion((await response.json()) as AnthropicMessageResponse);
    } catch (error) {
      throw toAnthropicProviderError(error, context.signal);
    }
  }

  async *stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    const body = {
      ...toMessagesRequest(request, this.config),
      stream: true,
    } as unknown as SdkStreamParams;
    const translator = new AnthropicStreamTranslator(request.model);
    try {
      const events = await this.client.messages.create(body, {
        signal: context.signal,
        headers: { 'x-request-id': context.requestId },
      });
      for await (const event of events) {
        yield* translator.translate(event as unknown as AnthropicStreamEvent);
      }
    } catch (error) {
      throw toAnthropicProviderError(error, context.signal);
    }
  }

  async probe(context: ProviderCallContext): Promise<void> {
    try {
      await this.client.models.list({ limit: 1 }, { signal: context.signal });
    } catch (error) {
      throw toAnthropicProviderError(error, context.signal);
    }
  }
}
