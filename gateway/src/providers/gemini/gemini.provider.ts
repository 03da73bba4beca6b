import type { GoogleGenAI, GenerateContentResponse } from '@google/genai' with {
  'resolution-mode': 'import',
};
import {
  GatewayError,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type EmbeddingsResult,
} from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { ChatProvider, ProviderCallContext } from '../chat-provider';
import { assertFieldsSupported } from '../shared/field-support';
import { GEMINI_FIELDS } from './gemini-fields';
import { geminiFetch, toGeminiProviderError } from './gemini-error-mapper';
import { toGenerateContentParameters } from './gemini-request';
import { toChatCompletion } from './gemini-response';
import { GeminiStreamTranslator } from './gemini-stream';

export interface GeminiProviderOptions {
  /** Backstop for the SDK; the router enforces its own first-byte, idle and total timeouts. */
  timeoutMs: number;
}

/**
 * Google's Gemini API on `@google/genai`. No SDK retries (none are configured): the router owns
 * retries, backoff and fallback.
 */
export class GeminiProvider implements ChatProvider {
  readonly id: string;
  readonly type = 'gemini' as const;
  private clientPromise: Promise<GoogleGenAI> | undefined;

  constructor(
    readonly config: ProviderConfig,
    private readonly options: GeminiProviderOptions,
  ) {
    this.id = config.id;
  }

  /** `@google/genai` is ESM for TypeScript under `module: node16`; a dynamic import loads it once. */
  private client(): Promise<GoogleGenAI> {
    this.clientPromise ??= import('@google/genai').then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          apiKey: this.config.apiKey,
          httpOptions: {
            baseUrl: this.config.baseUrl,
            timeout: this.options.timeoutMs,
            headers: this.config.headers,
          },
        }),
    );
    return this.clientPromise;
  }

  assertSupported(request: ChatCompletionRequest): void {
    assertFieldsSupported('gemini', GEMINI_FIELDS, request);
  }

  async chat(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ChatCompletion> {
    const parameters = this.withCallOptions(toGenerateContentParameters(request), context);
    try {
      const { models } = await this.client();
      return toChatCompletion(await models.generateContent(parameters), request.model);
    } catch (error) {
      throw toGeminiProviderError(error, context.abort);
    }
  }

  async *stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    const parameters = this.withCallOptions(toGenerateContentParameters(request), context);
    const translator = new GeminiStreamTranslator(request.model);
    try {
      const { models } = await this.client();
      const responses: AsyncIterable<GenerateContentResponse> =
        await models.generateContentStream(parameters);
      for await (const response of responses) yield* translator.translate(response);
    } catch (error) {
      throw toGeminiProviderError(error, context.abort);
    }
    yield translator.finish();
  }

  async embed(
    request: { model: string; input: string[] | number[][]; dimensions?: number },
    context: ProviderCallContext,
  ): Promise<EmbeddingsResult> {
    if (request.input.some((item) => typeof item !== 'string')) {
      throw GatewayError.unsupportedField('gemini', 'input (token ids; send strings)');
    }
    try {
      // For the Gemini API the SDK sends every input in one batchEmbedContents call.
      const { models } = await this.client();
      const response = await models.embedContent({
        model: request.model,
        contents: (request.input as string[]).map((text) => ({ parts: [{ text }] })),
        config: {
          abortSignal: context.abort.signal,
          httpOptions: { fetch: geminiFetch(context.markFirstByte, context.traceHeaders) },
          ...(request.dimensions ? { outputDimensionality: request.dimensions } : {}),
        },
      });
      const vectors = (response.embeddings ?? []).map((embedding) => embedding.values ?? []);
      // The Gemini API reports no token counts for embeddings.
      return { model: request.model, vectors, promptTokens: 0 };
    } catch (error) {
      throw toGeminiProviderError(error, context.abort);
    }
  }

  async probe(context: ProviderCallContext): Promise<void> {
    try {
      const { models } = await this.client();
      await models.get({
        model: this.config.defaultModel,
        config: { abortSignal: context.abort.signal, httpOptions: { fetch: geminiFetch() } },
      });
    } catch (error) {
      throw toGeminiProviderError(error, context.abort);
    }
  }

  private withCallOptions<T extends { config?: object }>(
    parameters: T,
    context: ProviderCallContext,
  ): T {
    return {
      ...parameters,
      config: {
        ...parameters.config,
        abortSignal: context.abort.signal,
        httpOptions: { fetch: geminiFetch(context.markFirstByte, context.traceHeaders) },
      },
    };
  }
}
