import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsResult,
} from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { ChatProvider, ProviderCallContext } from '../chat-provider';
import { toProviderError } from './openai-error-mapper';

export interface OpenAICompatibleOptions {
  /** Backstop for the SDK; the router enforces its own first-byte, idle and total timeouts. */
  timeoutMs: number;
  /** Prebuilt client (Azure and Copilot reuse this adapter with their own clients). */
  client?: OpenAI;
}

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type StreamParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming;

/**
 * OpenAI, Ollama (its /v1 API) and any OpenAI-compatible server, on the official `openai` SDK.
 * The request is already in the provider's format, so every field passes through untouched.
 * The SDK's own retries are off: the router owns retries, backoff and fallback.
 */
export class OpenAICompatibleProvider implements ChatProvider {
  readonly id: string;
  readonly type: ProviderConfig['type'];
  protected readonly client: OpenAI;

  constructor(
    readonly config: ProviderConfig,
    options: OpenAICompatibleOptions,
  ) {
    this.id = config.id;
    this.type = config.type;
    this.client =
      options.client ??
      new OpenAI({
        apiKey: config.apiKey ?? 'not-needed',
        baseURL: config.baseUrl,
        maxRetries: 0,
        timeout: options.timeoutMs,
        defaultHeaders: config.headers,
      });
  }

  assertSupported(_request: ChatCompletionRequest): void {
    // Same wire format: nothing to translate, nothing to reject.
  }

  async chat(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ChatCompletion> {
    try {
      const response = await this.client.chat.completions
        .create({ ...request, stream: false } as unknown as ChatParams, {
          signal: context.signal,
          headers: this.requestHeaders(context),
        })
        .asResponse();
      context.markFirstByte?.();
      return (await response.json()) as ChatCompletion;
    } catch (error) {
      throw toProviderError(error, context.signal);
    }
  }

  async *stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    try {
      const stream = await this.client.chat.completions.create(
        {
          ...request,
          stream: true,
          // Always ask for usage so cost accounting sees streamed tokens; the router removes the
          // usage chunk when the client did not ask for it.
          stream_options: { ...(request.stream_options ?? {}), include_usage: true },
        } as unknown as StreamParams,
        { signal: context.signal, headers: this.requestHeaders(context) },
      );
      for await (const chunk of stream) yield chunk as unknown as ChatCompletionChunk;
    } catch (error) {
      throw toProviderError(error, context.signal);
    }
  }

  async embed(
    request: { model: string; input: string[] | number[][]; dimensions?: number },
    context: ProviderCallContext,
  ): Promise<EmbeddingsResult> {
    try {
      const response = await this.client.embeddings.create(
        {
          model: request.model,
          input: request.input,
          encoding_format: 'float',
          ...(request.dimensions ? { dimensions: request.dimensions } : {}),
        },
        { signal: context.signal, headers: this.requestHeaders(context) },
      );
      const vectors = [...response.data]
        .sort((a, b) => a.index - b.index)
        .map((item) => item.embedding);
      return { model: response.model, vectors, promptTokens: response.usage?.prompt_tokens ?? 0 };
    } catch (error) {
      throw toProviderError(error, context.signal);
    }
  }

  async probe(context: ProviderCallContext): Promise<void> {
    try {
      await this.client.models.list({ signal: context.signal });
    } catch (error) {
      throw toProviderError(error, context.signal);
    }
  }

  /** Hook for subclasses (Copilot adds its editor headers and a fresh token). */
  protected requestHeaders(context: ProviderCallContext): Record<string, string> {
    return { 'x-request-id': context.requestId };
  }
}
