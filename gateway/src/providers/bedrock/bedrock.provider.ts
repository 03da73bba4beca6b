import { randomUUID } from 'node:crypto';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type BedrockRuntimeClientConfig,
} from '@aws-sdk/client-bedrock-runtime';
// Installed with the client (its own HTTP layer); imported to pin HTTP/1.1, see `bedrockClientConfig`.
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  GatewayError,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
} from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { ChatProvider, ProviderCallContext } from '../chat-provider';
import { assertFieldsSupported } from '../shared/field-support';
import { BEDROCK_FIELDS } from './bedrock-fields';
import { toBedrockProviderError } from './bedrock-error-mapper';
import { reasoningEffortOf } from '../shared/reasoning-effort';
import { isClaudeModel, toConverseCall } from './bedrock-request';
import { toChatCompletion } from './bedrock-response';
import { BedrockStreamTranslator } from './bedrock-stream';

export interface BedrockProviderOptions {
  /** Backstop for the SDK's HTTP handler; the router enforces its own first-byte, idle and total timeouts. */
  timeoutMs: number;
}

/**
 * AWS Bedrock's Converse / ConverseStream API on `@aws-sdk/client-bedrock-runtime`. `region`
 * comes from `options.region`, the endpoint override from `baseUrl`, and credentials from the
 * SDK's standard chain unless `options.accessKeyId`/`options.secretAccessKey` are given. The SDK's
 * retries are off: the router owns retries, backoff and fallback.
 */
export class BedrockProvider implements ChatProvider {
  readonly id: string;
  readonly type = 'bedrock' as const;
  private readonly client: BedrockRuntimeClient;

  constructor(
    readonly config: ProviderConfig,
    options: BedrockProviderOptions,
  ) {
    this.id = config.id;
    this.client = new BedrockRuntimeClient(bedrockClientConfig(config, options));
    const headers = config.headers ?? {};
    if (Object.keys(headers).length > 0) {
      this.client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { headers?: Record<string, string> };
          if (request.headers) Object.assign(request.headers, headers);
          return next(args);
        },
        { step: 'build', name: 'gatewayConfiguredHeaders' },
      );
    }
  }

  assertSupported(request: ChatCompletionRequest): void {
    assertFieldsSupported('bedrock', BEDROCK_FIELDS, request);
    // Reasoning has no portable Converse field: it is translated for Claude models only.
    if (reasoningEffortOf(request) !== undefined && !isClaudeModel(request.model))
      throw GatewayError.unsupportedField('bedrock', 'reasoning_effort');
  }

  async chat(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ChatCompletion> {
    const call = toConverseCall(request, this.config);
    try {
      if (context.abort.signal.aborted) throw context.abort.signal.reason;
      const response = await this.client.send(
        withTraceHeaders(new ConverseCommand(call.input), context),
        { abortSignal: context.abort.signal },
      );
      context.markFirstByte?.();
      return toChatCompletion(
        response,
        request.model,
        completionId(response.$metadata.requestId),
        call,
      );
    } catch (error) {
      throw toBedrockProviderError(error, context.abort);
    }
  }

  async *stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    const call = toConverseCall(request, this.config);
    try {
      if (context.abort.signal.aborted) throw context.abort.signal.reason;
      const response = await this.client.send(
        withTraceHeaders(new ConverseStreamCommand(call.input), context),
        { abortSignal: context.abort.signal },
      );
      const translator = new BedrockStreamTranslator(
        completionId(response.$metadata.requestId),
        request.model,
        call,
      );
      if (!response.stream) throw new Error('ConverseStream answered without a stream');
      for await (const event of response.stream) {
        yield* translator.translate(event);
      }
    } catch (error) {
      throw toBedrockProviderError(error, context.abort);
    }
  }
}

/**
 * The attempt's trace context (`traceparent`, `tracestate`) on this one command's HTTP request:
 * the SDK takes no per-call headers, but each command has its own middleware stack.
 */
function withTraceHeaders<Command extends ConverseCommand | ConverseStreamCommand>(
  command: Command,
  context: ProviderCallContext,
): Command {
  const headers = context.traceHeaders;
  if (!headers || Object.keys(headers).length === 0) return command;
  // Both commands' stacks take the same build-step middleware; one type keeps TypeScript's overloads apart.
  (command.middlewareStack as ConverseCommand['middlewareStack']).add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) Object.assign(request.headers, headers);
      return next(args);
    },
    { step: 'build', name: 'gatewayTraceContext' },
  );
  return command;
}

function completionId(requestId: string | undefined): string {
  return `chatcmpl-${requestId ?? randomUUID()}`;
}

/** SDK client settings from the provider config; exported for tests. Never reads process.env. */
export function bedrockClientConfig(
  config: ProviderConfig,
  options: BedrockProviderOptions,
): BedrockRuntimeClientConfig {
  const { region, accessKeyId, secretAccessKey, sessionToken } = config.options;
  return {
    region: typeof region === 'string' && region ? region : undefined,
    ...(config.baseUrl ? { endpoint: config.baseUrl } : {}),
    ...(typeof accessKeyId === 'string' && typeof secretAccessKey === 'string'
      ? {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(typeof sessionToken === 'string' ? { sessionToken } : {}),
          },
        }
      : {}),
    maxAttempts: 1,
    // The client defaults to HTTP/2, which Converse does not need (only bidirectional streams do);
    // HTTP/1.1 works with proxies and plain endpoint overrides such as BEDROCK_ENDPOINT fakes.
    requestHandler: new NodeHttpHandler({
      requestTimeout: options.timeoutMs,
      connectionTimeout: options.timeoutMs,
    }),
  };
}
