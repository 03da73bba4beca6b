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
  FAKE_PROVIDER_DEFAULTS,
  FakeProviderServer,
  type FakeProviderOptions,
} from './fake-provider-server';

/** `safety-block`: the prompt is blocked (promptFeedback.blockReason, no candidates). */
export type GeminiFakeBehaviour = 'ok' | ProviderFakeFailure | 'safety-block';

export interface FakeGeminiOptions extends FakeProviderOptions {
  embeddingDimensions?: number;
}

interface GeminiPart {
  text?: string;
  inlineData?: { mimeType?: string; data?: string };
  functionCall?: unknown;
  functionResponse?: unknown;
}
interface GenerateBody {
  contents?: { role?: string; parts?: GeminiPart[] }[];
  tools?: { functionDeclarations?: { name: string }[] }[];
  toolConfig?: { functionCallingConfig?: { mode?: string } };
  generationConfig?: { candidateCount?: number };
}

const FAILURES: Record<ProviderFakeFailure, { status: number; code: string; message: string }> = {
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
 */
export class FakeGeminiServer extends FakeProviderServer<GeminiFakeBehaviour, FakeGeminiOptions> {
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
      const failure = FAILURES[behaviour];
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
    const problem = findInvalidPart(body);
    if (problem) return this.sendError(response, 400, 'INVALID_ARGUMENT', problem);
    if (behaviour === 'safety-block') return this.sendBlocked(method, body, response);
    const answer = this.answerFor(body);
    if (method === 'generateContent')
      return sendJson(response, 200, this.generateResponse(model, body, answer, true));
    if (method === 'streamGenerateContent') return this.stream(model, body, answer, response);
    return this.sendError(response, 404, 'NOT_FOUND', `unknown method ${method}`);
  }

  private answerFor(body: GenerateBody): FakeAnswer {
    const last = body.contents?.[body.contents.length - 1];
    return decideAnswer(
      {
        toolNames: (body.tools ?? [])
          .flatMap((tool) => tool.functionDeclarations ?? [])
          .map((declaration) => declaration.name),
        lastTurnIsToolResult: (last?.parts ?? []).some((part) => part.functionResponse),
        toolsDisabled: body.toolConfig?.functionCallingConfig?.mode === 'NONE',
      },
      this.options.reply,
    );
  }

  private generateResponse(
    model: string,
    body: GenerateBody,
    answer: FakeAnswer | { kind: 'text'; text: string },
    final: boolean,
  ) {
    const parts =
      answer.kind === 'text'
        ? [{ text: answer.text }]
        : answer.calls.map((call) => ({ functionCall: { name: call.name, args: call.arguments } }));
    const candidateCount = body.generationConfig?.candidateCount ?? 1;
    const candidates = Array.from({ length: candidateCount }, (_, index) => ({
      content: { role: 'model', parts },
      index,
      ...(final ? { finishReason: 'STOP' } : {}),
    }));
    const promptTokens = countTokens(body.contents);
    const outputTokens = countTokens(parts) * candidateCount;
    return {
      candidates,
      modelVersion: model,
      responseId: `fake-${this.http.requests.length}`,
      ...(final
        ? {
            usageMetadata: {
              promptTokenCount: promptTokens,
              candidatesTokenCount: outputTokens,
              totalTokenCount: promptTokens + outputTokens,
            },
          }
        : {}),
    };
  }

  private async stream(
    model: string,
    body: GenerateBody,
    answer: FakeAnswer,
    response: ServerResponse,
  ): Promise<void> {
    startSse(response);
    const pieces = answer.kind === 'text' ? splitReply(answer.text, this.options.chunks) : [];
    const events =
      answer.kind === 'text'
        ? pieces.map((text, index) => ({ text, final: index === pieces.length - 1 }))
        : [];
    for (const event of events) {
      if (this.options.chunkDelayMs) await sleep(this.options.chunkDelayMs);
      if (response.destroyed) return;
      response.write(
        `data: ${JSON.stringify(this.generateResponse(model, body, { kind: 'text', text: event.text }, event.final))}\r\n\r\n`,
      );
    }
    if (answer.kind === 'tools')
      response.write(
        `data: ${JSON.stringify(this.generateResponse(model, body, answer, true))}\r\n\r\n`,
      );
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

/** The 400 the real API gives for inline data without a MIME type or bytes. */
function findInvalidPart(body: GenerateBody): string | undefined {
  for (const content of body.contents ?? []) {
    for (const part of content.parts ?? []) {
      if (part.inlineData && !(part.inlineData.mimeType && part.inlineData.data))
        return 'inline_data requires mime_type and data';
    }
  }
  return undefined;
}
