import type { ServerResponse } from 'node:http';
import { FakeHttpServer, sendJson, startSse, type RecordedRequest } from './fake-http-server';
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

export type AnthropicFakeBehaviour = 'ok' | ProviderFakeFailure;

export type FakeAnthropicOptions = FakeProviderOptions;

interface MessagesBody {
  model?: string;
  stream?: boolean;
  messages?: {
    role: string;
    content: string | { type: string; source?: Record<string, unknown> }[];
  }[];
  tools?: { name: string }[];
  tool_choice?: { type: string };
}

const FAILURES: Record<ProviderFakeFailure, { status: number; type: string; message: string }> = {
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

/**
 * Anthropic's Messages API on 127.0.0.1 (`POST /v1/messages`, JSON and SSE events as documented),
 * behaviour switchable per request. Rejects malformed image blocks with 400 like the real API.
 */
export class FakeAnthropicServer extends FakeProviderServer<
  AnthropicFakeBehaviour,
  FakeAnthropicOptions
> {
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

  get messageRequests(): RecordedRequest[] {
    return this.http.requests.filter((request) => request.path.startsWith('/v1/messages'));
  }

  private async handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    if (!request.path.startsWith('/v1/messages') || request.method !== 'POST') {
      return this.sendError(response, 404, 'not_found_error', 'not found');
    }
    const behaviour = this.behaviours.next();
    if (behaviour !== 'ok') {
      const failure = FAILURES[behaviour];
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
    const problem = findInvalidBlock(body);
    if (problem) return this.sendError(response, 400, 'invalid_request_error', problem);
    const answer = this.answerFor(body);
    return body.stream
      ? this.streamAnswer(body, answer, response)
      : sendJson(response, 200, this.message(body, answer));
  }

  private answerFor(body: MessagesBody): FakeAnswer {
    const last = body.messages?.[body.messages.length - 1];
    const lastTurnIsToolResult =
      Array.isArray(last?.content) && last.content.some((block) => block.type === 'tool_result');
    return decideAnswer(
      {
        toolNames: (body.tools ?? []).map((tool) => tool.name),
        lastTurnIsToolResult,
        toolsDisabled: body.tool_choice?.type === 'none',
      },
      this.options.reply,
      'toolu_fake_',
    );
  }

  private message(body: MessagesBody, answer: FakeAnswer) {
    const content =
      answer.kind === 'text'
        ? [{ type: 'text', text: answer.text }]
        : answer.calls.map((call) => ({
            type: 'tool_use',
            id: call.id,
            name: call.name,
            input: call.arguments,
          }));
    return {
      id: `msg_fake_${this.http.requests.length}`,
      type: 'message',
      role: 'assistant',
      model: body.model ?? 'claude-fake',
      content,
      stop_reason: answer.kind === 'text' ? 'end_turn' : 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: countTokens(body.messages), output_tokens: countTokens(content) },
    };
  }

  private async streamAnswer(
    body: MessagesBody,
    answer: FakeAnswer,
    response: ServerResponse,
  ): Promise<void> {
    const full = this.message(body, answer);
    startSse(response);
    const send = (type: string, data: object) =>
      response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    send('message_start', {
      message: {
        ...full,
        content: [],
        stop_reason: null,
        usage: { input_tokens: full.usage.input_tokens, output_tokens: 1 },
      },
    });
    send('ping', {});
    if (answer.kind === 'text') {
      send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      for (const piece of splitReply(answer.text, this.options.chunks)) {
        if (this.options.chunkDelayMs) await sleep(this.options.chunkDelayMs);
        if (response.destroyed) return;
        send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } });
      }
      send('content_block_stop', { index: 0 });
    } else {
      answer.calls.forEach((call, index) => {
        const json = JSON.stringify(call.arguments);
        send('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
        });
        // Split the JSON in two so clients must concatenate input_json_delta fragments.
        const middle = Math.floor(json.length / 2);
        for (const part of [json.slice(0, middle), json.slice(middle)]) {
          send('content_block_delta', {
            index,
            delta: { type: 'input_json_delta', partial_json: part },
          });
        }
        send('content_block_stop', { index });
      });
    }
    send('message_delta', {
      delta: { stop_reason: full.stop_reason, stop_sequence: null },
      usage: { output_tokens: full.usage.output_tokens },
    });
    send('message_stop', {});
    response.end();
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
      const source = block.source ?? {};
      const valid =
        source.type === 'base64'
          ? Boolean(source.media_type && source.data)
          : source.type === 'url' && Boolean(source.url);
      if (!valid) return 'messages: image source must be base64 (media_type, data) or url';
    }
  }
  return undefined;
}
