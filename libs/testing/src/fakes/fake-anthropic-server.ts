import type { ServerResponse } from 'node:http';
import { FakeHttpServer, sendJson, type RecordedRequest } from './fake-http-server';
import {
  countTokens,
  decideAnswer,
  type FakeAnswer,
  type ProviderFakeFailure,
} from './fake-conversation';
import { claudeRequestProblem, claudeThinks, thinkingHistoryProblem } from './fake-claude-rules';
import { fakeInstanceOf, openObjectIn } from './fake-json-schema';
import {
  FAKE_PROVIDER_DEFAULTS,
  FakeProviderServer,
  type FakeProviderOptions,
} from './fake-provider-server';
import { FakeSignatureBook } from './fake-signatures';
import { FakePromptCache } from './fake-anthropic-prompt-cache';
import { streamMessage, streamThenFail } from './fake-anthropic-stream';

/**
 * `overloaded-mid-stream`: a stream that starts (message_start, a first text delta), then ends
 * with Anthropic's `error` event (overloaded_error), as a real overload mid-answer does.
 */
export type AnthropicFakeBehaviour = 'ok' | ProviderFakeFailure | 'overloaded-mid-stream';

export type FakeAnthropicOptions = FakeProviderOptions;

type Block = { type: string; [field: string]: unknown };

interface MessagesBody {
  model?: string;
  system?: string | Block[];
  stream?: boolean;
  max_tokens?: number;
  messages?: { role: string; content: string | Block[] }[];
  tools?: { name: string; input_schema?: Record<string, unknown> }[];
  tool_choice?: { type: string; name?: string };
  thinking?: { type?: string; budget_tokens?: number };
  output_config?: { effort?: string; format?: { type?: string; schema?: Record<string, unknown> } };
}

export const ANTHROPIC_FAKE_FAILURES: Record<
  ProviderFakeFailure,
  { status: number; type: string; message: string }
> = {
  'error-500': { status: 500, type: 'api_error', message: 'Internal server error' },
  'rate-limit': {
    status: 429,
    type: 'rate_limit_error',
    message: 'Number of requests has exceeded your rate limit',
  },
  'bad-request': {
    status: 400,
    type: 'invalid_request_error',
    message: 'messages: field required',
  },
  unauthorized: { status: 401, type: 'authentication_error', message: 'invalid x-api-key' },
  overloaded: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
};

/** The thinking text this fake "thinks" (its signature covers exactly this text). */
export const FAKE_ANTHROPIC_THINKING = 'Let me think about what was asked.';

/**
 * Anthropic's Messages API on 127.0.0.1 (`POST /v1/messages`, JSON and SSE events as documented),
 * behaviour switchable per request. Validates as the real API does, answering 400s in Anthropic's
 * `{type:"error",error:{type,message}}` envelope: malformed image blocks, thinking forms per model
 * generation and budgets, forced tool use with thinking (or from Claude 5.5), open objects in
 * `output_config.format`, and — with thinking on — a tool loop whose last assistant turn lost its
 * signed thinking block, or carries a signature this fake never issued for that text.
 */
export class FakeAnthropicServer extends FakeProviderServer<
  AnthropicFakeBehaviour,
  FakeAnthropicOptions
> {
  private readonly signatures = new FakeSignatureBook();
  private readonly promptCache = new FakePromptCache();

  private constructor(http: FakeHttpServer, options: FakeAnthropicOptions) {
    super(
      http,
      { ...FAKE_PROVIDER_DEFAULTS, reply: 'Hello from the fake Anthropic' },
      options,
      'ok',
    );
  }

  static async start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropicServer> {
    return FakeHttpServer.host((http) => {
      const fake = new FakeAnthropicServer(http, options);
      return { fake, handle: (request, response) => fake.handle(request, response) };
    });
  }

  /** Base URL for the Anthropic SDK (it appends `/v1/messages`). */
  get baseUrl(): string {
    return this.http.origin;
  }

  /** `POST /v1/messages` calls (count_tokens calls excluded). */
  get messageRequests(): RecordedRequest[] {
    return this.http.requests.filter((request) => request.path.split('?')[0] === '/v1/messages');
  }

  get countTokensRequests(): RecordedRequest[] {
    return this.http.requests.filter(
      (request) => request.path.split('?')[0] === '/v1/messages/count_tokens',
    );
  }

  private async handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    if (!request.path.startsWith('/v1/messages') || request.method !== 'POST') {
      return this.sendError(response, 404, 'not_found_error', 'not found');
    }
    const behaviour = this.behaviours.next();
    if (behaviour !== 'ok' && behaviour !== 'overloaded-mid-stream') {
      const failure = ANTHROPIC_FAKE_FAILURES[behaviour];
      const headers: Record<string, string> =
        behaviour === 'rate-limit' ? { 'retry-after': String(this.options.retryAfterSeconds) } : {};
      return this.sendError(response, failure.status, failure.type, failure.message, headers);
    }
    const body = request.body as MessagesBody;
    // SDK 1.x sends the key as a bearer token; older clients use x-api-key. Either is accepted.
    const hasKey =
      Boolean(request.headers['x-api-key']) ||
      /^Bearer \S+/.test(request.headers.authorization ?? '');
    if (!hasKey || !request.headers['anthropic-version']) {
      return this.sendError(
        response,
        401,
        'authentication_error',
        'an API key and the anthropic-version header are required',
      );
    }
    const problem = findInvalidBlock(body) ?? this.requestProblem(body);
    if (problem) return this.sendError(response, 400, 'invalid_request_error', problem);
    if (request.path.split('?')[0] === '/v1/messages/count_tokens')
      return sendJson(response, 200, { input_tokens: this.promptCache.usage(body).input_tokens });
    const answer = this.answerFor(body);
    const thinking = claudeThinks(this.claudeView(body)) ? this.thinkingBlock() : undefined;
    const message = this.message(body, answer, thinking);
    if (!body.stream) return sendJson(response, 200, message);
    return behaviour === 'overloaded-mid-stream'
      ? streamThenFail(response, message, ANTHROPIC_FAKE_FAILURES.overloaded)
      : streamMessage(response, message, this.options);
  }

  private claudeView(body: MessagesBody) {
    return {
      model: body.model ?? '',
      thinking: body.thinking,
      maxTokens: body.max_tokens,
      effort: body.output_config?.effort,
      toolChoiceType: body.tool_choice?.type,
    };
  }

  private requestProblem(body: MessagesBody): string | undefined {
    const claude = claudeRequestProblem(this.claudeView(body));
    if (claude) return claude;
    const format = body.output_config?.format;
    if (format) {
      const open = openObjectIn(format.schema);
      if (open)
        return `output_config.format.${open}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
    }
    const turns = (body.messages ?? []).map((message) => ({
      role: message.role,
      blocks: (Array.isArray(message.content) ? message.content : []).map((block) => ({
        kind:
          block.type === 'thinking'
            ? ('thinking' as const)
            : block.type === 'redacted_thinking'
              ? ('redacted' as const)
              : block.type === 'tool_result'
                ? ('tool_result' as const)
                : ('other' as const),
        thinking: String(block.thinking ?? ''),
        signature: String(block.signature ?? ''),
      })),
    }));
    return thinkingHistoryProblem(turns, claudeThinks(this.claudeView(body)), this.signatures);
  }

  private thinkingBlock(): Block {
    const thinking = `${FAKE_ANTHROPIC_THINKING} (${this.http.requests.length})`;
    return { type: 'thinking', thinking, signature: this.signatures.issue(thinking) };
  }

  private answerFor(body: MessagesBody): FakeAnswer {
    const last = body.messages?.[body.messages.length - 1];
    const lastTurnIsToolResult =
      Array.isArray(last?.content) && last.content.some((block) => block.type === 'tool_result');
    const format = body.output_config?.format;
    if (format?.type === 'json_schema' && !(body.tools ?? []).length)
      return {
        kind: 'text',
        text: JSON.stringify(fakeInstanceOf(format.schema, this.options.reply)),
      };
    return decideAnswer(
      {
        tools: (body.tools ?? []).map((tool) => ({ name: tool.name, schema: tool.input_schema })),
        lastTurnIsToolResult,
        toolsDisabled: body.tool_choice?.type === 'none',
        forcedTool: body.tool_choice?.type === 'tool' ? body.tool_choice.name : undefined,
      },
      this.options.reply,
      'toolu_fake_',
    );
  }

  private message(body: MessagesBody, answer: FakeAnswer, thinking: Block | undefined) {
    const answerBlocks: Block[] =
      answer.kind === 'text'
        ? [{ type: 'text', text: answer.text }]
        : answer.calls.map((call) => ({
            type: 'tool_use',
            id: `${call.id}_${this.http.requests.length}`,
            name: call.name,
            input: call.arguments,
          }));
    const content = thinking ? [thinking, ...answerBlocks] : answerBlocks;
    return {
      id: `msg_fake_${this.http.requests.length}`,
      type: 'message',
      role: 'assistant',
      model: body.model ?? 'claude-fake',
      content,
      stop_reason: answer.kind === 'text' ? 'end_turn' : 'tool_use',
      stop_sequence: null,
      usage: { ...this.promptCache.usage(body), output_tokens: countTokens(content) },
    };
  }

  private sendError(
    response: ServerResponse,
    status: number,
    type: string,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    sendJson(response, status, { type: 'error', error: { type, message } }, headers);
  }
}

/** The 400 message the real API gives for an image block without a usable source, if any. */
function findInvalidBlock(body: MessagesBody): string | undefined {
  for (const message of body.messages ?? []) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (block.type !== 'image') continue;
      const source = (block.source ?? {}) as Record<string, unknown>;
      const valid =
        source.type === 'base64'
          ? Boolean(source.media_type && source.data)
          : source.type === 'url' && Boolean(source.url);
      if (!valid) return 'messages: image source must be base64 (media_type, data) or url';
    }
  }
  return undefined;
}
