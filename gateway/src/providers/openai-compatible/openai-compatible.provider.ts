import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsResult,
} from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { ChatProvider, ProviderCallContext } from '../chat-provider';
import { OpenAIHttpClient, upstreamBaseUrl } from './openai-http-client';

export interface OpenAICompatibleOptions {
  /** Backstop for the transport; the router enforces its own first-byte, idle and total timeouts. */
  timeoutMs: number;
  /** Prebuilt client (Azure and Copilot reuse this adapter with their own URLs and headers). */
  client?: OpenAIHttpClient;
}

interface EmbeddingsResponse {
  model: string;
  data: { index: number; embedding: number[] }[];
  usage?: { prompt_tokens?: number };
}

/**
 * OpenAI, Ollama (its /v1 API) and any OpenAI-compatible server, over the OpenAI wire contract
 * (see OpenAIHttpClient). The request is already in the provider's format, so every field passes
 * through untouched. There are no transport retries: the router owns retries, backoff, fallback.
 */
export class OpenAICompatibleProvider implements ChatProvider {
  readonly id: string;
  readonly type: ProviderConfig['type'];
  protected readonly client: OpenAIHttpClient;

  constructor(
    readonly config: ProviderConfig,
    options: OpenAICompatibleOptions,
  ) {
    this.id = config.id;
    this.type = config.type;
    this.client =
      options.client ??
      new OpenAIHttpClient({
        baseUrl: upstreamBaseUrl(config),
        timeoutMs: options.timeoutMs,
        headers: {
          ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
          ...config.headers,
        },
      });
  }

  assertSupported(_request: ChatCompletionRequest): void {
    // Same wire format: nothing to translate, nothing to reject.
  }

  chat(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ChatCompletion> {
    return this.client.json<ChatCompletion>(
      'chat/completions',
      request.stream ? { ...request, stream: false } : request,
      {
        signal: context.signal,
        headers: this.requestHeaders(context),
        onHeaders: context.markFirstByte,
      },
    );
  }

  stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    const body = {
      ...request,
      stream: true,
      // Always ask for usage so cost accounting sees streamed tokens; the router removes the
      // usage chunk when the client did not ask for it.
      stream_options: { ...(request.stream_options ?? {}), include_usage: true },
    };
    return this.client.events('chat/completions', body, {
      signal: context.signal,
      headers: this.requestHeaders(context),
    }) as AsyncIterable<ChatCompletionChunk>;
  }

  async embed(
    request: { model: string; input: string[] | number[][]; dimensions?: number },
    context: ProviderCallContext,
  ): Promise<EmbeddingsResult> {
    const response = await this.client.json<EmbeddingsResponse>(
      'embeddings',
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
  }

  async probe(context: ProviderCallContext): Promise<void> {
    await this.client.json('models', undefined, {
      signal: context.signal,
      headers: this.requestHeaders(context),
    });
  }

  /** Hook for subclasses (Copilot adds a fresh token). */
  protected requestHeaders(context: ProviderCallContext): Record<string, string> {
    return { 'x-request-id': context.requestId };
  }
}
