import type { ServerResponse } from 'node:http';
import { FakeHttpServer, sendJson, startSse, type RecordedRequest } from './fake-http-server';
import { fakeEmbedding } from './fake-openai-server';
import {
  countTokens,
  decideAnswer,
  sleep,
  splitReply,
  type FakeAnswer,
  type ProviderFakeFailure,
} from './fake-conversation';
import {
  findInvalidPart,
  isGemini3,
  signatureProblem,
  thinkingConfigProblem,
  type GeminiPart,
  type GenerateBody,
} from './fake-gemini-rules';
import { fakeInstanceOf } from './fake-json-schema';

export { GEMINI_SKIP_SIGNATURE } from './fake-gemini-rules';
import {
  FAKE_PROVIDER_DEFAULTS,
  FakeProviderServer,
  type FakeProviderOptions,
} from './fake-provider-server';
import { FakeSignatureBook } from './fake-signatures';

/** The thought summary this fake returns when asked to include thoughts. */
export const FAKE_GEMINI_THOUGHT = 'Thinking about the question first.';

/** `safety-block`: the prompt is blocked (promptFeedback.blockReason, no candidates). */
export type GeminiFakeBehaviour = 'ok' | ProviderFakeFailure | 'safety-block';

export interface FakeGeminiOptions extends FakeProviderOptions {
  embeddingDimensions?: number;
}

export const GEMINI_FAKE_FAILURES: Record<
  ProviderFakeFailure,
  { status: number; code: string; message: string }
> = {
  'error-500': { status: 500, code: 'INTERNAL', message: 'An internal error has occurred' },
  'rate-limit': { status: 429, code: 'RESOURCE_EXHAUSTED', message: 'Resource has been exhausted' },
  'bad-request': {
    status: 400,
    code: 'INVALID_ARGUMENT',
    message: 'Invalid JSON payload received',
  },
  unauthorized: { status: 403, code: 'PERMISSION_DENIED', message: 'API key not valid' },
  overloaded: {
    status: 503,
    code: 'UNAVAILABLE',
    message: 'The model is overloaded. Please try again later.',
  },
};

/**
 * The Gemini API on 127.0.0.1: `models/{model}:generateContent`, `:streamGenerateContent?alt=sse`,
 * `:embedContent` and `:batchEmbedContents` under /v1beta, API key in `x-goog-api-key`.
 *
 * Models named `gemini-3…` (or with no version) behave as Gemini 3 documents: the first function
 * call of each answer carries a `thoughtSignature`, and a request whose current turn holds a model
 * step without its signature (or with one this fake never issued for that call) is refused with
 * Google's 400. A stream sends parallel function calls one event each, as Gemini does.
 * `thinkingConfig` is validated per generation (`thinkingLevel` from Gemini 3, `thinkingBudget`
 * before, never both) and `includeThoughts` returns a thought part. Errors use Google's envelope.
 */
export class FakeGeminiServer extends FakeProviderServer<GeminiFakeBehaviour, FakeGeminiOptions> {
  private readonly signatures = new FakeSignatureBook();

  private constructor(http: FakeHttpServer, options: FakeGeminiOptions) {
    super(
      http,
      { ...FAKE_PROVIDER_DEFAULTS, reply: 'Hello from the fake Gemini', embeddingDimensions: 8 },
      options,
      'ok',
    );
  }

  static async start(options: FakeGeminiOptions = {}): Promise<FakeGeminiServer> {
    return FakeHttpServer.host((http) => {
      const fake = new FakeGeminiServer(http, options);
      return { fake, handle: (request, response) => fake.handle(request, response) };
    });
  }

  /** Base URL for `@google/genai` (`httpOptions.baseUrl`); the SDK appends `/v1beta/models/…`. */
  get baseUrl(): string {
    return this.http.origin;
  }

  get generateRequests(): RecordedRequest[] {
    return this.http.requests.filter((request) =>
      /:(stream)?[gG]enerateContent/.test(request.path),
    );
  }

  private async handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    const match = /^\/v1beta\/models\/([^:?]+):(\w+)/.exec(request.path);
    if (!match) return this.sendError(response, 404, 'NOT_FOUND', 'not found');
    if (!request.headers['x-goog-api-key'])
      return this.sendError(response, 403, 'PERMISSION_DENIED', 'API key missing');
    const [, model, method] = match;
    const behaviour = this.behaviours.next();
    if (behaviour !== 'ok' && behaviour !== 'safety-block') {
      const failure = GEMINI_FAKE_FAILURES[behaviour];
      const headers: Record<string, string> =
        behaviour === 'rate-limit' ? { 'retry-after': String(this.options.retryAfterSeconds) } : {};
      return this.sendError(response, failure.status, failure.code, failure.message, headers);
    }
    const body = request.body as GenerateBody & Record<string, unknown>;
    if (method === 'embedContent')
      return sendJson(response, 200, { embedding: this.embedding(body.content) });
    if (method === 'batchEmbedContents') {
      const requests = (body.requests as { content?: unknown }[] | undefined) ?? [];
      return sendJson(response, 200, {
        embeddings: requests.map((item) => this.embedding(item.content)),
      });
    }
    const problem =
      findInvalidPart(body) ??
      thinkingConfigProblem(model, body) ??
      signatureProblem(model, body, this.signatures);
    if (problem) return this.sendError(response, 400, 'INVALID_ARGUMENT', problem);
    if (behaviour === 'safety-block') return this.sendBlocked(method, body, response);
    const parts = this.answerParts(model, body);
    if (method === 'generateContent')
      return sendJson(response, 200, this.generateResponse(model, body, parts, true));
    if (method === 'streamGenerateContent') return this.stream(model, body, parts, response);
    return this.sendError(response, 404, 'NOT_FOUND', `unknown method ${method}`);
  }

  private answerFor(body: GenerateBody): FakeAnswer {
    const last = body.contents?.[body.contents.length - 1];
    const calling = body.toolConfig?.functionCallingConfig;
    const allowed = calling?.mode === 'ANY' ? calling.allowedFunctionNames : undefined;
    return decideAnswer(
      {
        tools: (body.tools ?? [])
          .flatMap((tool) => tool.functionDeclarations ?? [])
          .map((declaration) => ({
            name: declaration.name,
            schema: declaration.parametersJsonSchema,
          })),
        lastTurnIsToolResult: (last?.parts ?? []).some((part) => part.functionResponse),
        toolsDisabled: calling?.mode === 'NONE',
        forcedTool: allowed?.length === 1 ? allowed[0] : undefined,
      },
      this.options.reply,
    );
  }

  /** The answer's parts: an optional thought, then text (JSON under structured output) or calls. */
  private answerParts(model: string, body: GenerateBody): GeminiPart[] {
    const answer = this.answerFor(body);
    const config = body.generationConfig;
    const thought = config?.thinkingConfig?.includeThoughts
      ? [{ text: FAKE_GEMINI_THOUGHT, thought: true }]
      : [];
    if (answer.kind === 'text') {
      const json = config?.responseMimeType === 'application/json';
      const text = json
        ? JSON.stringify(fakeInstanceOf(config?.responseJsonSchema, answer.text))
        : answer.text;
      return [...thought, { text }];
    }
    const calls: GeminiPart[] = answer.calls.map((call, index) => {
      const functionCall = { name: call.name, args: call.arguments };
      // Gemini 3 signs the first call of a step; parallel calls after it carry none.
      const signed = index === 0 && isGemini3(model);
      return signed
        ? { functionCall, thoughtSignature: this.signatures.issue(JSON.stringify(functionCall)) }
        : { functionCall };
    });
    return [...thought, ...calls];
  }

  private generateResponse(model: string, body: GenerateBody, parts: GeminiPart[], final: boolean) {
    const candidateCount = body.generationConfig?.candidateCount ?? 1;
    const candidates = Array.from({ length: candidateCount }, (_, index) => ({
      content: { role: 'model', parts },
      index,
      ...(final ? { finishReason: 'STOP' } : {}),
    }));
    const promptTokens = countTokens(body.contents);
    const thoughts = parts.filter((part) => part.thought);
    const thoughtTokens = thoughts.length > 0 ? countTokens(thoughts) : 0;
    const outputTokens = countTokens(parts.filter((part) => !part.thought)) * candidateCount;
    return {
      candidates,
      modelVersion: model,
      responseId: `fake-${this.http.requests.length}`,
      ...(final
        ? {
            usageMetadata: {
              promptTokenCount: promptTokens,
              candidatesTokenCount: outputTokens,
              ...(thoughtTokens > 0 ? { thoughtsTokenCount: thoughtTokens } : {}),
              totalTokenCount: promptTokens + outputTokens + thoughtTokens,
            },
          }
        : {}),
    };
  }

  /** One event per text piece (after the thought), or one event per function call. */
  private async stream(
    model: string,
    body: GenerateBody,
    parts: GeminiPart[],
    response: ServerResponse,
  ): Promise<void> {
    startSse(response);
    const events: GeminiPart[][] = [];
    for (const part of parts) {
      if (typeof part.text === 'string' && !part.thought)
        events.push(...splitReply(part.text, this.options.chunks).map((text) => [{ text }]));
      else events.push([part]);
    }
    for (const [index, event] of events.entries()) {
      if (this.options.chunkDelayMs) await sleep(this.options.chunkDelayMs);
      if (response.destroyed) return;
      const final = index === events.length - 1;
      response.write(
        `data: ${JSON.stringify(this.generateResponse(model, body, event, final))}\r\n\r\n`,
      );
    }
    response.end();
  }

  private sendBlocked(method: string, body: GenerateBody, response: ServerResponse): void {
    const promptTokens = countTokens(body.contents);
    const blocked = {
      promptFeedback: { blockReason: 'SAFETY' },
      usageMetadata: { promptTokenCount: promptTokens, totalTokenCount: promptTokens },
    };
    if (method !== 'streamGenerateContent') return sendJson(response, 200, blocked);
    startSse(response);
    response.end(`data: ${JSON.stringify(blocked)}\r\n\r\n`);
  }

  private embedding(content: unknown) {
    return { values: fakeEmbedding(JSON.stringify(content), this.options.embeddingDimensions) };
  }

  private sendError(
    response: ServerResponse,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    sendJson(response, status, { error: { code: status, message, status: code } }, headers);
  }
}
