import type { ServerResponse } from 'node:http';
import { FakeHttpServer, sendJson, startSse, type RecordedRequest } from './fake-http-server';
import { embeddingsResponse } from './fake-embeddings';
import {
  answerText,
  contentFilterResults,
  jsonModeProblem,
  promptFilterFrame,
  promptFilterResults,
  type OpenAIAnswerBody,
} from './fake-openai-answer';
import { unknownParameterProblem } from './fake-openai-parameters';

/** What the fake does with a request. */
export type OpenAIFakeBehaviour =
  | 'ok'
  | 'error-500'
  | 'rate-limit' // 429 with Retry-After
  | 'bad-request' // 400 with an OpenAI error body
  | 'unauthorized'
  | 'hang' // accepts, never answers (a black-holed upstream)
  | 'stall-after-headers' // 200 and headers, then part of the body (or one chunk), then silence
  | 'reset' // destroys the connection without answering
  | 'stream-die-before-first' // SSE headers, then the connection dies
  | 'stream-die-after-first' // one chunk, then the connection dies
  | 'malformed-json';

export interface FakeOpenAIOptions {
  /** Text the fake answers with; split into `chunks` stream chunks. */
  reply?: string;
  chunks?: number;
  chunkDelayMs?: number;
  retryAfterSeconds?: number;
  embeddingDimensions?: number;
  models?: string[];
  /** 'every-tool' answers with one call per declared tool (parallel tool calls). Default 'first-tool'. */
  toolCalls?: 'first-tool' | 'every-tool';
  /** When true, a request whose last message is a tool result gets the text reply. Default false. */
  answerToolResults?: boolean;
  /**
   * Reasoning returned as `reasoning_content` when the request has `reasoning_effort`, as
   * OpenAI-compatible reasoning servers (DeepSeek, vLLM) do. Default: none (OpenAI's own API).
   */
  reasoningContent?: string;
  /** Azure OpenAI's content-filter annotations on answers and streams. Default false. */
  contentFilterAnnotations?: boolean;
  /**
   * How `GET /models` answers: the list, a 500, or never (a black-holed upstream). Chat is not
   * affected. Default 'ok'.
   */
  modelList?: 'ok' | 'error-500' | 'hang';
}

interface ChatBody extends OpenAIAnswerBody {
  model?: string;
  n?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: { function: { name: string } }[];
  tool_choice?: unknown;
  reasoning_effort?: string;
}

/** The 400 the fake answers for 'bad-request', in OpenAI's error envelope. */
export const OPENAI_FAKE_BAD_REQUEST = {
  message: "Invalid value for 'temperature'",
  type: 'invalid_request_error',
  param: 'temperature',
  code: 'invalid_value',
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An OpenAI-compatible upstream on 127.0.0.1 (chat completions, streaming, embeddings, models)
 * whose behaviour is switchable per request: `enqueue()` one-shot behaviours, `behaviour` for
 * the rest. Deterministic answers: "<reply>" split into chunks, usage from word counts.
 */
export class FakeOpenAIServer {
  behaviour: OpenAIFakeBehaviour = 'ok';
  private readonly queue: OpenAIFakeBehaviour[] = [];
  private readonly hanging = new Set<ServerResponse>();
  readonly options: Required<FakeOpenAIOptions>;

  private constructor(
    readonly http: FakeHttpServer,
    options: FakeOpenAIOptions,
  ) {
    this.options = {
      reply: 'Hello from the fake upstream',
      chunks: 5,
      chunkDelayMs: 0,
      retryAfterSeconds: 0,
      embeddingDimensions: 8,
      models: ['gpt-4o-mini', 'text-embedding-3-small'],
      toolCalls: 'first-tool',
      answerToolResults: false,
      reasoningContent: '',
      contentFilterAnnotations: false,
      modelList: 'ok',
      ...options,
    };
  }

  static async start(options: FakeOpenAIOptions = {}, port = 0): Promise<FakeOpenAIServer> {
    return FakeHttpServer.host((http) => {
      const fake = new FakeOpenAIServer(http, options);
      return { fake, handle: (request, response) => fake.handle(request, response) };
    }, port);
  }

  /** Base URL for the `openai` SDK / the gateway's OPENAI_BASE_URL. */
  get baseUrl(): string {
    return `${this.http.origin}/v1`;
  }

  get requests(): RecordedRequest[] {
    return this.http.requests;
  }

  /** Chat completion calls only. */
  get chatRequests(): RecordedRequest[] {
    return this.http.requests.filter((request) => request.path.endsWith('/chat/completions'));
  }

  enqueue(...behaviours: OpenAIFakeBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    await this.http.stop();
  }

  private next(): OpenAIFakeBehaviour {
    return this.queue.shift() ?? this.behaviour;
  }

  private async handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    const path = request.path.split('?')[0];
    if (request.method === 'GET' && path.endsWith('/models')) {
      if (this.options.modelList === 'hang') return void this.hanging.add(response);
      if (this.options.modelList === 'error-500')
        return sendJson(response, 500, {
          error: {
            message: 'The fake upstream failed',
            type: 'server_error',
            param: null,
            code: null,
          },
        });
      return sendJson(response, 200, {
        object: 'list',
        data: this.options.models.map((id) => ({
          id,
          object: 'model',
          created: 0,
          owned_by: 'fake',
        })),
      });
    }
    const behaviour = this.next();
    if (await this.misbehave(behaviour, request, response)) return;
    if (path.endsWith('/chat/completions'))
      return this.chat(request.body as ChatBody, behaviour, response);
    if (path.endsWith('/embeddings'))
      return this.embeddings(
        request.body as { input: unknown; model: string; encoding_format?: string },
        response,
      );
    sendJson(response, 404, {
      error: { message: 'not found', type: 'invalid_request_error', param: null, code: null },
    });
  }

  /** Handles the failure behaviours; returns true when the response is taken care of. */
  private async misbehave(
    behaviour: OpenAIFakeBehaviour,
    request: RecordedRequest,
    response: ServerResponse,
  ): Promise<boolean> {
    const error = (
      status: number,
      type: string,
      message: string,
      headers: Record<string, string> = {},
    ) => sendJson(response, status, { error: { message, type, param: null, code: type } }, headers);
    switch (behaviour) {
      case 'error-500':
        error(500, 'server_error', 'The fake upstream failed');
        return true;
      case 'rate-limit':
        error(429, 'rate_limit_exceeded', 'Slow down', {
          'retry-after': String(this.options.retryAfterSeconds),
        });
        return true;
      case 'bad-request':
        sendJson(response, 400, { error: OPENAI_FAKE_BAD_REQUEST });
        return true;
      case 'unauthorized':
        error(401, 'invalid_api_key', 'Incorrect API key provided');
        return true;
      case 'hang':
        this.hanging.add(response);
        response.on('close', () => this.hanging.delete(response));
        return true;
      case 'stall-after-headers':
        this.hanging.add(response);
        response.on('close', () => this.hanging.delete(response));
        if ((request.body as ChatBody | undefined)?.stream) {
          startSse(response);
          response.write(
            `data: ${JSON.stringify({ id: 'chatcmpl-stall', object: 'chat.completion.chunk', created: 0, model: 'stall', choices: [{ index: 0, delta: { role: 'assistant', content: 'partial' }, finish_reason: null }] })}\n\n`,
          );
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.flushHeaders();
          response.write('{"id": "chatcmpl-stall", ');
        }
        return true;
      case 'reset':
        response.socket?.destroy();
        return true;
      case 'stream-die-before-first':
        startSse(response);
        setTimeout(() => response.socket?.destroy(), 10);
        return true;
      case 'malformed-json':
        if ((request.body as ChatBody | undefined)?.stream) {
          startSse(response);
          response.end('data: {"id": "broken", "choices": [\n\n');
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"id": "broken", "choices": [');
        }
        return true;
      default:
        return false;
    }
  }

  private completionBase(body: ChatBody) {
    return {
      id: `chatcmpl-fake-${this.http.requests.length}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? 'unknown',
    };
  }

  private usage(body: ChatBody) {
    const promptTokens = JSON.stringify(body.messages ?? []).split(/\s+/).length;
    const completionTokens = this.options.reply.split(/\s+/).length * (body.n ?? 1);
    return {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
  }

  private toolCalls(body: ChatBody) {
    const lastIsToolResult = body.messages?.[body.messages.length - 1]?.role === 'tool';
    if (
      !body.tools?.length ||
      body.tool_choice === 'none' ||
      (this.options.answerToolResults && lastIsToolResult)
    )
      return [];
    const tools = this.options.toolCalls === 'every-tool' ? body.tools : body.tools.slice(0, 1);
    return tools.map((tool, index) => ({
      id: `call_fake_${index + 1}`,
      type: 'function' as const,
      function: { name: tool.function.name, arguments: '{"city":"Paris"}' },
    }));
  }

  private async chat(
    body: ChatBody,
    behaviour: OpenAIFakeBehaviour,
    response: ServerResponse,
  ): Promise<void> {
    const invalid = unknownParameterProblem(body) ?? jsonModeProblem(body);
    if (invalid) return sendJson(response, 400, invalid);
    const toolCalls = this.toolCalls(body);
    const toolCall = toolCalls[0];
    const text = answerText(body, this.options.reply);
    const reasoning = body.reasoning_effort ? this.options.reasoningContent : '';
    const filtered = this.options.contentFilterAnnotations;
    const annotate = (choice: object) =>
      filtered ? { ...choice, content_filter_results: contentFilterResults() } : choice;
    if (!body.stream) {
      const choices = Array.from({ length: body.n ?? 1 }, (_, index) =>
        annotate({
          index,
          message: {
            role: 'assistant',
            content: toolCall ? null : text,
            ...(toolCall ? { tool_calls: toolCalls } : {}),
            ...(reasoning ? { reasoning_content: reasoning } : {}),
            refusal: null,
            // OpenAI's current messages carry their URL citations, an empty list by default.
            annotations: [],
          },
          logprobs: null,
          finish_reason: toolCall ? 'tool_calls' : 'stop',
        }),
      );
      return sendJson(response, 200, {
        ...this.completionBase(body),
        object: 'chat.completion',
        ...(filtered ? { prompt_filter_results: promptFilterResults() } : {}),
        choices,
        usage: this.usage(body),
        system_fingerprint: 'fp_fake',
      });
    }
    startSse(response);
    if (filtered) response.write(`data: ${JSON.stringify(promptFilterFrame())}\n\n`);
    const base = { ...this.completionBase(body), object: 'chat.completion.chunk' };
    const write = (chunk: object) =>
      response.write(`data: ${JSON.stringify({ ...base, ...chunk })}\n\n`);
    const pieces = toolCall ? [] : this.splitReply(text);
    write({
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', content: '' },
          logprobs: null,
          finish_reason: null,
        },
      ],
    });
    if (behaviour === 'stream-die-after-first') {
      await sleep(20);
      response.socket?.destroy();
      return;
    }
    if (reasoning)
      write({
        choices: [{ index: 0, delta: { reasoning_content: reasoning }, finish_reason: null }],
      });
    toolCalls.forEach((call, index) => {
      write({
        choices: [{ index: 0, delta: { tool_calls: [{ index, ...call }] }, finish_reason: null }],
      });
    });
    for (const piece of pieces) {
      if (this.options.chunkDelayMs) await sleep(this.options.chunkDelayMs);
      if (response.destroyed) return;
      write({
        choices: [
          annotate({ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }),
        ],
      });
    }
    write({
      choices: [
        { index: 0, delta: {}, logprobs: null, finish_reason: toolCall ? 'tool_calls' : 'stop' },
      ],
    });
    if (body.stream_options?.include_usage) write({ choices: [], usage: this.usage(body) });
    response.end('data: [DONE]\n\n');
  }

  private splitReply(text: string): string[] {
    const words = text.split(' ');
    const count = Math.max(1, Math.min(this.options.chunks, words.length));
    const size = Math.ceil(words.length / count);
    const pieces: string[] = [];
    for (let index = 0; index < words.length; index += size) {
      pieces.push((index > 0 ? ' ' : '') + words.slice(index, index + size).join(' '));
    }
    return pieces;
  }

  private embeddings(
    body: { input: unknown; model: string; encoding_format?: string },
    response: ServerResponse,
  ): void {
    sendJson(response, 200, embeddingsResponse(body, this.options.embeddingDimensions));
  }
}

export { fakeEmbedding } from './fake-embeddings';
