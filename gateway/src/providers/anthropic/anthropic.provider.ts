import Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { ChatProvider, ProviderCallContext } from '../chat-provider';
import { assertFieldsSupported } from '../shared/field-support';
import { ANTHROPIC_FIELDS } from './anthropic-fields';
import { toAnthropicProviderError } from './anthropic-error-mapper';
import { toMessagesCall } from './anthropic-request';
import { toChatCompletion } from './anthropic-response';
import { AnthropicSdkLog, fallbackProviderLogger, type ProviderLogger } from './anthropic-sdk-log';
import { AnthropicStreamTranslator } from './anthropic-stream';
import type { AnthropicMessageResponse, AnthropicStreamEvent } from './anthropic-wire.types';

export interface AnthropicProviderOptions {
  /** Backstop for the SDK; the router enforces its own first-byte, idle and total timeouts. */
  timeoutMs: number;
  /** The gateway's structured log, for the SDK's own warnings (deprecated models…). */
  logger?: ProviderLogger;
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
  private readonly sdkLog: AnthropicSdkLog;

  constructor(
    readonly config: ProviderConfig,
    options: AnthropicProviderOptions,
  ) {
    this.id = config.id;
    this.sdkLog = new AnthropicSdkLog(options.logger ?? fallbackProviderLogger(), config.id);
    this.client = new Anthropic({
      apiKey: config.apiKey ?? null,
      baseURL: config.baseUrl ?? null,
      maxRetries: 0,
      timeout: options.timeoutMs,
      defaultHeaders: config.headers,
      logger: this.sdkLog.sdkLogger(),
      logLevel: 'warn',
    });
  }

  assertSupported(request: ChatCompletionRequest): void {
    assertFieldsSupported('anthropic', ANTHROPIC_FIELDS, request);
  }

  async chat(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ChatCompletion> {
    const call = toMessagesCall(request, this.config);
    // Our request type carries temperature/top_p, which the SDK's param types leave out.
    const body = call.body as unknown as SdkParams;
    try {
      const response = await this.sdkLog
        .capture(body.model, () =>
          this.client.messages.create(body, {
            signal: context.signal,
            headers: { 'x-request-id': context.requestId },
          }),
        )
        .asResponse();
      context.markFirstByte?.();
      return toChatCompletion((await response.json()) as AnthropicMessageResponse, call);
    } catch (error) {
      throw toAnthropicProviderError(error, context.signal);
    }
  }

  async *stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    const call = toMessagesCall(request, this.config);
    const body = { ...call.body, stream: true } as unknown as SdkStreamParams;
    const translator = new AnthropicStreamTranslator(request.model, call);
    try {
      const events = await this.sdkLog.capture(body.model, () =>
        this.client.messages.create(body, {
          signal: context.signal,
          headers: { 'x-request-id': context.requestId },
        }),
      );
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
