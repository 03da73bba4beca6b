import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsResult,
} from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { ProviderError } from '@app/contracts';
import type { ChatProvider, ProviderCallContext } from '../chat-provider';
import { withPlainToolCallIds } from '../shared/tool-call-id-codec';
import { upstreamHeaders } from '../shared/upstream-headers';
import { ChoicelessChunkFilter } from './choiceless-chunks';
import { OpenAIHttpClient, upstreamBaseUrl, type OpenAIOperation } from './openai-http-client';

export interface OpenAICompatibleOptions {
  /** Backstop for the transport; the router enforces its own first-byte, idle and total timeouts. */
  timeoutMs: number;
  /** Prebuilt client (Azure and Copilot reuse this adapter with their own URLs and headers). */
  client?: OpenAIHttpClient;
  /**
   * False when this upstream has no embeddings endpoint (an Azure resource without an embedding
   * deployment): the router then never sends it embeddings. Default true.
   */
  embeddings?: boolean;
  /**
   * How the upstream lists its models, when the gateway should discover them: `openai`
   * (`GET {base}/models`) or `ollama` (that, or Ollama's own `GET /api/tags` where only it
   * answers). Absent: no discovery (Azure lists base models, not the deployments it routes).
   */
  modelList?: 'openai' | 'ollama';
}

interface ModelListResponse {
  data?: { id?: unknown }[];
}

interface OllamaTagsResponse {
  models?: { name?: unknown; model?: unknown }[];
}

type EmbeddingsRequest = Parameters<NonNullable<ChatProvider['embed']>>[0];

interface EmbeddingsResponse {
  model: string;
  data: { index: number; embedding: number[] }[];
  usage?: { prompt_tokens?: number };
}

/**
 * OpenAI, Ollama (its /v1 API) and any OpenAI-compatible server, over the OpenAI wire contract
 * (see OpenAIHttpClient). The request is already in the provider's format, so every field passes
 * through untouched; only what the gateway itself put in (tool-call ids carrying another
 * provider's data) is taken out again. There are no transport retries: the router owns retries,
 * backoff and fallback.
 */
export class OpenAICompatibleProvider implements ChatProvider {
  readonly id: string;
  readonly type: ProviderConfig['type'];
  readonly embed?: ChatProvider['embed'];
  readonly listModels?: ChatProvider['listModels'];
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
    if (options.embeddings !== false)
      this.embed = (request, context) => this.embedVia(request, context);
    if (options.modelList) {
      const ollama = options.modelList === 'ollama';
      this.listModels = (context) => this.listUpstreamModels(context, ollama);
    }
  }

  assertSupported(_request: ChatCompletionRequest): void {
    // Same wire format: nothing to translate, nothing to reject.
  }

  chat(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ChatCompletion> {
    const body = this.upstreamBody(request, 'chat/completions');
    return this.client.json<ChatCompletion>(
      'chat/completions',
      body.stream ? { ...body, stream: false } : body,
      {
        abort: context.abort,
        headers: this.requestHeaders(context),
        onHeaders: context.markFirstByte,
        // Same wire format: the completion goes to the client as the upstream sent it.
        forwardsAnswer: true,
      },
    );
  }

  stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    const body = {
      ...this.upstreamBody(request, 'chat/completions'),
      stream: true,
      // Always ask for usage so cost accounting sees streamed tokens; the router removes the
      // usage chunk when the client did not ask for it.
      stream_options: { ...(request.stream_options ?? {}), include_usage: true },
    };
    const filter = new ChoicelessChunkFilter();
    return this.client.events<ChatCompletionChunk>(
      'chat/completions',
      body,
      { abort: context.abort, headers: this.requestHeaders(context) },
      (chunk) => filter.accept(chunk),
    );
  }

  private async embedVia(
    request: EmbeddingsRequest,
    context: ProviderCallContext,
  ): Promise<EmbeddingsResult> {
    const response = await this.client.json<EmbeddingsResponse>(
      'embeddings',
      {
        model: this.upstreamModel(request.model, 'embeddings'),
        input: request.input,
        encoding_format: 'float',
        ...(request.dimensions ? { dimensions: request.dimensions } : {}),
      },
      { abort: context.abort, headers: this.requestHeaders(context) },
    );
    const vectors = [...response.data]
      .sort((a, b) => a.index - b.index)
      .map((item) => item.embedding);
    return { model: response.model, vectors, promptTokens: response.usage?.prompt_tokens ?? 0 };
  }

  private async listUpstreamModels(
    context: ProviderCallContext,
    ollama: boolean,
  ): Promise<string[]> {
    const call = { abort: context.abort, headers: this.requestHeaders(context) };
    try {
      const list = await this.client.json<ModelListResponse>('models', undefined, call);
      return namesOf((list.data ?? []).map((model) => model.id));
    } catch (error) {
      // An Ollama without the OpenAI model list (or a proxy that forwards only /api) still
      // answers its own list at the server's root.
      if (!ollama || (error as ProviderError).status !== 404) throw error;
      const origin = this.client.apiPath.replace(/\/v1$/, '');
      const tags = await this.client.getFromOrigin<OllamaTagsResponse>(`${origin}/api/tags`, call);
      return namesOf((tags.models ?? []).map((model) => model.name ?? model.model));
    }
  }

  async probe(context: ProviderCallContext): Promise<void> {
    await this.client.json('models', undefined, {
      abort: context.abort,
      headers: this.requestHeaders(context),
    });
  }

  /** The model name the upstream expects (Azure: a deployment). */
  protected upstreamModel(model: string, _operation: OpenAIOperation): string {
    return model;
  }

  private upstreamBody(
    request: ChatCompletionRequest,
    operation: OpenAIOperation,
  ): ChatCompletionRequest {
    const messages = withPlainToolCallIds(request.messages);
    const model = this.upstreamModel(request.model, operation);
    return messages === request.messages && model === request.model
      ? request
      : { ...request, model, messages };
  }

  /** Hook for subclasses (Copilot adds a fresh token). */
  protected requestHeaders(context: ProviderCallContext): Record<string, string> {
    return upstreamHeaders(context);
  }
}

/** The string names of a model list, without duplicates (upstream lists are not validated). */
function namesOf(values: unknown[]): string[] {
  return [
    ...new Set(
      values.filter((value): value is string => typeof value === 'string' && value !== ''),
    ),
  ];
}
