import type { ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { FakeHttpServer, sendJson, type RecordedRequest } from './fake-http-server';
import {
  countTokens,
  decideAnswer,
  sleep,
  type FakeAnswer,
  type ProviderFakeFailure,
} from './fake-conversation';
import {
  claudeRequestProblem,
  claudeThinks,
  thinkingHistoryProblem,
  type ClaudeRequestView,
} from './fake-claude-rules';
import { converseStreamEvents, type ConverseBlock } from './fake-bedrock-stream';
import {
  FAKE_PROVIDER_DEFAULTS,
  FakeProviderServer,
  type FakeProviderOptions,
} from './fake-provider-server';
import { FakeSignatureBook } from './fake-signatures';

/** The reasoning text this fake's Claude models return (their signature covers exactly it). */
export const FAKE_BEDROCK_REASONING = 'Reasoning about the request.';

export type BedrockFakeBehaviour = 'ok' | ProviderFakeFailure;

export type FakeBedrockOptions = FakeProviderOptions;

type Block = Record<string, unknown>;

interface ConverseBody {
  messages?: { role: string; content: Block[] }[];
  toolConfig?: {
    tools?: { toolSpec?: { name: string; inputSchema?: { json?: Record<string, unknown> } } }[];
    toolChoice?: { auto?: object; any?: object; tool?: { name: string } };
  };
  inferenceConfig?: { maxTokens?: number };
  additionalModelRequestFields?: { thinking?: { type?: string; budget_tokens?: number } };
  outputConfig?: { effort?: string };
}

export const BEDROCK_FAKE_FAILURES: Record<
  ProviderFakeFailure,
  { status: number; type: string; message: string }
> = {
  'error-500': { status: 500, type: 'InternalServerException', message: 'Internal server error' },
  'rate-limit': {
    status: 429,
    type: 'ThrottlingException',
    message: 'Too many requests, please wait before trying again.',
  },
  'bad-request': {
    status: 400,
    type: 'ValidationException',
    message: 'Malformed input request, please reformat your input and try again.',
  },
  unauthorized: {
    status: 403,
    type: 'AccessDeniedException',
    message: 'You do not have access to the model with the specified model ID.',
  },
  overloaded: {
    status: 503,
    type: 'ServiceUnavailableException',
    message: 'The service is temporarily unable to handle the request.',
  },
};

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream)$/;

/**
 * Bedrock Runtime's Converse API on 127.0.0.1: `POST /model/{modelId}/converse` (JSON) and
 * `/model/{modelId}/converse-stream` (AWS event-stream binary frames), behaviour switchable per
 * request. Errors carry `x-amzn-errortype` and a JSON `{ message }` like the real service, and
 * unsigned requests (no SigV4 Authorization header) get a 403.
 *
 * Claude models (`anthropic.claude-…`) take Anthropic's request fields through
 * `additionalModelRequestFields` and are validated by Anthropic's rules (thinking form, budget,
 * forced tools); with thinking on they answer with a signed `reasoningContent` block first, and
 * refuse a tool loop whose last assistant turn lost it (a `ValidationException` quoting the model's
 * error, as Bedrock relays Anthropic's 400s).
 */
export class FakeBedrockServer extends FakeProviderServer<
  BedrockFakeBehaviour,
  FakeBedrockOptions
> {
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  private readonly signatures = new FakeSignatureBook();

  private constructor(http: FakeHttpServer, options: FakeBedrockOptions) {
    super(http, { ...FAKE_PROVIDER_DEFAULTS, reply: 'Hello from the fake Bedrock' }, options, 'ok');
  }

  static async start(options: FakeBedrockOptions = {}): Promise<FakeBedrockServer> {
    return FakeHttpServer.host((http) => {
      const fake = new FakeBedrockServer(http, options);
      return { fake, handle: (request, response) => fake.handle(request, response) };
    });
  }

  /** Endpoint override for the SDK (`endpoint` / BEDROCK_ENDPOINT). */
  get baseUrl(): string {
    return this.http.origin;
  }

  get converseRequests(): RecordedRequest[] {
    return this.http.requests.filter((request) => ROUTE.test(request.path.split('?')[0]));
  }

  private async handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    const route = ROUTE.exec(request.path.split('?')[0]);
    if (!route || request.method !== 'POST')
      return this.sendError(response, 404, 'ResourceNotFoundException', 'not found');
    const behaviour = this.behaviours.next();
    if (behaviour !== 'ok') {
      const failure = BEDROCK_FAKE_FAILURES[behaviour];
      const headers: Record<string, string> =
        behaviour === 'rate-limit' ? { 'retry-after': String(this.options.retryAfterSeconds) } : {};
      return this.sendError(response, failure.status, failure.type, failure.message, headers);
    }
    if (!/^AWS4-HMAC-SHA256 /.test(request.headers.authorization ?? '')) {
      return this.sendError(
        response,
        403,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    }
    const body = (request.body ?? {}) as ConverseBody;
    const modelId = decodeURIComponent(route[1]);
    const claude = isClaude(modelId) ? this.claudeView(modelId, body) : undefined;
    const problem = findInvalidBlock(body) ?? (claude && this.claudeProblem(claude, body));
    if (problem) return this.sendError(response, 400, 'ValidationException', problem);
    const answer = this.answerFor(body);
    const thinks = claude !== undefined && claudeThinks(claude);
    if (route[2] === 'converse')
      return sendJson(response, 200, this.converseResponse(body, answer, thinks));
    return this.streamAnswer(body, answer, thinks, response);
  }

  private claudeView(model: string, body: ConverseBody): ClaudeRequestView {
    const choice = body.toolConfig?.toolChoice;
    return {
      model,
      thinking: body.additionalModelRequestFields?.thinking,
      maxTokens: body.inferenceConfig?.maxTokens,
      effort: body.outputConfig?.effort,
      toolChoiceType: choice?.tool
        ? 'tool'
        : choice?.any
          ? 'any'
          : choice?.auto
            ? 'auto'
            : undefined,
    };
  }

  /** Anthropic's rules, and its check of signed thinking in a tool loop, relayed by Bedrock. */
  private claudeProblem(view: ClaudeRequestView, body: ConverseBody): string | undefined {
    const turns = (body.messages ?? []).map((message) => ({
      role: message.role,
      blocks: (message.content ?? []).map((block) => {
        const reasoning = block.reasoningContent as
          | { reasoningText?: { text?: string; signature?: string }; redactedContent?: unknown }
          | undefined;
        if (reasoning?.reasoningText)
          return {
            kind: 'thinking' as const,
            thinking: reasoning.reasoningText.text,
            signature: reasoning.reasoningText.signature,
          };
        if (reasoning?.redactedContent) return { kind: 'redacted' as const };
        return { kind: 'toolResult' in block ? ('tool_result' as const) : ('other' as const) };
      }),
    }));
    const problem =
      claudeRequestProblem(view) ??
      thinkingHistoryProblem(turns, claudeThinks(view), this.signatures);
    return problem && `The model returned the following errors: ${problem}`;
  }

  private answerFor(body: ConverseBody): FakeAnswer {
    const last = body.messages?.[body.messages.length - 1];
    const lastTurnIsToolResult =
      Array.isArray(last?.content) && last.content.some((block) => 'toolResult' in block);
    return decideAnswer(
      {
        tools: (body.toolConfig?.tools ?? []).map((tool) => ({
          name: tool.toolSpec?.name ?? '',
          schema: tool.toolSpec?.inputSchema?.json,
        })),
        lastTurnIsToolResult,
        forcedTool: body.toolConfig?.toolChoice?.tool?.name,
      },
      this.options.reply,
      'tooluse_fake_',
    );
  }

  private reasoning(): { text: string; signature: string } {
    const text = `${FAKE_BEDROCK_REASONING} (${this.http.requests.length})`;
    return { text, signature: this.signatures.issue(text) };
  }

  private converseResponse(body: ConverseBody, answer: FakeAnswer, thinks = false) {
    const answerBlocks: Block[] =
      answer.kind === 'text'
        ? [{ text: answer.text }]
        : answer.calls.map((call) => ({
            toolUse: {
              toolUseId: `${call.id}_${this.http.requests.length}`,
              name: call.name,
              input: call.arguments,
            },
          }));
    const reasoning = thinks ? this.reasoning() : undefined;
    const content = reasoning
      ? [{ reasoningContent: { reasoningText: reasoning } }, ...answerBlocks]
      : answerBlocks;
    const inputTokens = countTokens(body.messages);
    const outputTokens = countTokens(content);
    return {
      output: { message: { role: 'assistant', content } },
      stopReason: answer.kind === 'text' ? 'end_turn' : 'tool_use',
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      metrics: { latencyMs: 1 },
    };
  }

  private async streamAnswer(
    body: ConverseBody,
    answer: FakeAnswer,
    thinks: boolean,
    response: ServerResponse,
  ): Promise<void> {
    const full = this.converseResponse(body, answer, thinks);
    response.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': `fake-${this.http.requests.length}`,
    });
    response.flushHeaders();
    const events = converseStreamEvents({
      content: full.output.message.content as ConverseBlock[],
      stopReason: full.stopReason,
      usage: full.usage,
      metrics: full.metrics,
      chunks: this.options.chunks,
    });
    for (const [type, payload] of events) {
      if (type === 'contentBlockDelta' && this.options.chunkDelayMs)
        await sleep(this.options.chunkDelayMs);
      if (response.destroyed) return;
      response.write(this.encodeEvent(type, payload));
    }
    response.end();
  }

  /** One AWS event-stream frame, as ConverseStream sends it. */
  encodeEvent(eventType: string, payload: object): Uint8Array {
    return this.codec.encode({
      headers: {
        ':event-type': { type: 'string', value: eventType },
        ':content-type': { type: 'string', value: 'application/json' },
        ':message-type': { type: 'string', value: 'event' },
      },
      body: fromUtf8(JSON.stringify(payload)),
    });
  }

  private sendError(
    response: ServerResponse,
    status: number,
    type: string,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    sendJson(
      response,
      status,
      { message },
      {
        'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
        ...headers,
      },
    );
  }
}

function isClaude(modelId: string): boolean {
  return /(^|[.:/])anthropic\.claude-|^claude-/.test(modelId);
}

/** The 400 the real API gives for an image block without format and bytes, if any. */
function findInvalidBlock(body: ConverseBody): string | undefined {
  for (const message of body.messages ?? []) {
    for (const block of message.content ?? []) {
      if (!('image' in block)) continue;
      const image = block.image as { format?: string; source?: { bytes?: string } } | undefined;
      if (!image?.format || !image.source?.bytes)
        return 'The model returned the following errors: image block needs format and source.bytes';
    }
  }
  return undefined;
}
