import Anthropic from '@anthropic-ai/sdk';
import {
  anthropicRequestOf,
  type AnthropicMessage,
  type AnthropicRequestAttachment,
  type AnthropicStreamEvent as NativeEvent,
  type AnthropicTokenCount,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
} from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { ChatProvider, ProviderCallContext } from '../chat-provider';
import { assertFieldsSupported } from '../shared/field-support';
import { upstreamHeaders } from '../shared/upstream-headers';
import { ANTHROPIC_FIELDS } from './anthropic-fields';
import { toAnthropicProviderError } from './anthropic-error-mapper';
import { AnthropicHttpClient } from './anthropic-http-client';
import { toMessagesCall } from './anthropic-request';
import { toChatCompletion } from './anthropic-response';
import {
  nativeBody,
  nativeCompletion,
  nativeHeaders,
  NativeStreamRelay,
} from './anthropic-native-call';
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
 * retries, backoff and fallback. A request from an Anthropic client (`/v1/messages`) carries the
 * client's own body, which is sent as it is (see anthropic-native-call.ts); every other request
 * is translated from OpenAI's format.
 */
export class AnthropicProvider implements ChatProvider {
  readonly id: string;
  readonly type = 'anthropic' as const;
  readonly nativeDialects = ['anthropic'] as const;
  private readonly client: Anthropic;
  /** The pass-through path (`/v1/messages` clients): Anthropic's HTTP contract, no SDK. */
  private readonly http: AnthropicHttpClient;
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
    this.http = new AnthropicHttpClient({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      headers: config.headers,
      timeoutMs: options.timeoutMs,
    });
  }

  assertSupported(request: ChatCompletionRequest): void {
    // The client's own Anthropic body goes upstream: every field in it is Anthropic's to judge.
    if (anthropicRequestOf(request)) return;
    assertFieldsSupported('anthropic', ANTHROPIC_FIELDS, request);
  }

  async chat(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ChatCompletion> {
    const native = anthropicRequestOf(request);
    if (native) return this.chatNative(request.model, native, context);
    const call = toMessagesCall(request, this.config);
    // Our request type carries temperature/top_p, which the SDK's param types leave out.
    const body = call.body as unknown as SdkParams;
    try {
      const response = await this.sdkLog
        .capture(body.model, () =>
          this.client.messages.create(body, {
            signal: context.abort.signal,
            headers: upstreamHeaders(context),
          }),
        )
        .asResponse();
      context.markFirstByte?.();
      return toChatCompletion((await response.json()) as AnthropicMessageResponse, call);
    } catch (error) {
      throw toAnthropicProviderError(error, context.abort);
    }
  }

  async *stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    const native = anthropicRequestOf(request);
    if (native) {
      yield* this.streamNative(request.model, native, context);
      return;
    }
    const call = toMessagesCall(request, this.config);
    const body = { ...call.body, stream: true } as unknown as SdkStreamParams;
    const translator = new AnthropicStreamTranslator(request.model, call);
    try {
      const events = await this.sdkLog.capture(body.model, () =>
        this.client.messages.create(body, {
          signal: context.abort.signal,
          headers: upstreamHeaders(context),
        }),
      );
      for await (const event of events) {
        yield* translator.translate(event as unknown as AnthropicStreamEvent);
      }
    } catch (error) {
      throw toAnthropicProviderError(error, context.abort);
    }
  }

  /**
   * Anthropic's `count_tokens` on the client's own body when it is an Anthropic client's, else on
   * the translated request.
   */
  async countTokens(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<AnthropicTokenCount> {
    const native = anthropicRequestOf(request);
    const body = native ? nativeBody(native, request.model, false) : this.countBody(request);
    try {
      const response = await this.client.messages
        .countTokens(body as unknown as Anthropic.MessageCountTokensParams, {
          signal: context.abort.signal,
          headers: native ? nativeHeaders(native, context) : upstreamHeaders(context),
        })
        .asResponse();
      context.markFirstByte?.();
      return (await response.json()) as AnthropicTokenCount;
    } catch (error) {
      throw toAnthropicProviderError(error, context.abort);
    }
  }

  async probe(context: ProviderCallContext): Promise<void> {
    try {
      await this.client.models.list({ limit: 1 }, { signal: context.abort.signal });
    } catch (error) {
      throw toAnthropicProviderError(error, context.abort);
    }
  }

  /** `count_tokens` takes a Messages body without the sampling fields. */
  private countBody(request: ChatCompletionRequest): Record<string, unknown> {
    const {
      max_tokens: _limit,
      temperature: _t,
      top_p: _p,
      stop_sequences: _s,
      metadata: _m,
      ...body
    } = toMessagesCall(request, this.config).body;
    return body;
  }

  /**
   * An Anthropic client's own request, on the HTTP client: its SDK already told its user about a
   * deprecated model, so the gateway's SDK (whose notices are all it would add) stays off this path.
   */
  private async chatNative(
    model: string,
    native: AnthropicRequestAttachment,
    context: ProviderCallContext,
  ): Promise<ChatCompletion> {
    try {
      const message = await this.http.message<AnthropicMessage>(nativeBody(native, model, false), {
        abort: context.abort,
        headers: nativeHeaders(native, context),
        onHeaders: context.markFirstByte,
      });
      return nativeCompletion(message);
    } catch (error) {
      throw toAnthropicProviderError(error, context.abort);
    }
  }

  private async *streamNative(
    model: string,
    native: AnthropicRequestAttachment,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    const relay = new NativeStreamRelay(model);
    try {
      const events = this.http.events<NativeEvent>(nativeBody(native, model, true), {
        abort: context.abort,
        headers: nativeHeaders(native, context),
      });
      for await (const event of events) yield* relay.relay(event);
    } catch (error) {
      throw toAnthropicProviderError(error, context.abort);
    }
  }
}
