import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  GatewayError,
  ProviderError,
  type AnthropicErrorBody,
  type OpenAIErrorBody,
} from '@app/contracts';
import { registerErrorRenderer, toErrorResponse, type ErrorResponse } from '@app/http';
import { ANTHROPIC_NAME_OF_INTERNAL_FIELD } from './anthropic-request-fields';

/**
 * Anthropic's error type for each status the gateway answers (Anthropic's "API errors" page).
 * The gateway's own failures keep their status, so proxies and dashboards read them right, and
 * get the Anthropic type that means the same: 502 (every provider failed) `api_error`, 503
 * (every circuit open, a store or the server shutting down) `overloaded_error`, 504
 * `timeout_error`. Anthropic's SDKs and Claude Code retry all three, as they do 500 and 529.
 */
const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/**
 * An error in OpenAI's shape → Anthropic's `{"type":"error","error":{"type","message"}}`, same
 * status and headers (`retry-after` on 429 included). The message is the gateway's, already free
 * of keys and prompts.
 */
export function renderAnthropicError(openai: {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
}): ErrorResponse {
  const body: AnthropicErrorBody = {
    type: 'error',
    error: { type: anthropicErrorType(openai.status), message: openai.body.error.message },
  };
  return { status: openai.status, body, headers: openai.headers };
}

/**
 * The `error` event that ends a stream which failed after its first event: Anthropic's own type
 * for an upstream's overload or rate limit, `api_error` for anything else.
 */
export function anthropicStreamError(error: unknown, provider: string): AnthropicErrorBody {
  if (error instanceof ProviderError) {
    const type =
      error.status === 529 || error.code === 'overloaded_error'
        ? 'overloaded_error'
        : error.status === 429
          ? 'rate_limit_error'
          : 'api_error';
    return {
      type: 'error',
      error: { type, message: `Provider '${provider}' failed mid-stream: ${error.reason}` },
    };
  }
  return renderAnthropicError(toErrorResponse(error)).body as AnthropicErrorBody;
}

/**
 * A field an adapter rejected, named as the Anthropic client wrote it: `reasoning_effort` is the
 * client's `thinking`, `stop` its `stop_sequences`.
 */
export function withAnthropicFieldNames(error: unknown): unknown {
  if (!(error instanceof GatewayError) || error.code !== 'unsupported_parameter' || !error.param)
    return error;
  const name = ANTHROPIC_NAME_OF_INTERNAL_FIELD[error.param];
  if (!name) return error;
  return new GatewayError(
    error.status,
    error.message.replace(`'${error.param}'`, `'${name}'`),
    error.type,
    error.code,
    name,
    error.details,
    error.headers,
  );
}

/** Registers Anthropic's error shape for `@ClientApi({ dialect: 'anthropic' })` routes at boot. */
@Injectable()
export class AnthropicErrorShape implements OnModuleInit {
  onModuleInit(): void {
    registerErrorRenderer('anthropic', renderAnthropicError);
  }
}
