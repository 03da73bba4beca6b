import Anthropic from '@anthropic-ai/sdk';
import { ProviderError } from '@app/contracts';
import {
  abortedError,
  connectionError,
  httpProviderError,
  invalidResponseError,
} from '../shared/upstream-error';
import type { AbortState } from '../shared/transport-error';
import type { HeaderReader } from '../shared/upstream-pool';

/** Anthropic's "overloaded" status: retryable like a 503. */
export const ANTHROPIC_OVERLOADED_STATUS = 529;

/**
 * Anthropic's error types and the HTTP status each comes with (docs: "API errors"). An `error`
 * event inside an SSE stream carries only the type, so the status is read from here.
 */
export const ANTHROPIC_ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: ANTHROPIC_OVERLOADED_STATUS,
};

/** Every failure of `@anthropic-ai/sdk` → ProviderError; the router reads only the mapped fields. */
export function toAnthropicProviderError(error: unknown, abort?: AbortState): ProviderError {
  if (error instanceof ProviderError) return error;
  if (abort?.aborted) return abortedError(abort);
  if (error instanceof Anthropic.APIUserAbortError)
    return new ProviderError('request aborted', { kind: 'aborted' });
  if (error instanceof Anthropic.APIConnectionTimeoutError)
    return new ProviderError('upstream timed out', { kind: 'timeout' });
  if (error instanceof Anthropic.APIConnectionError)
    return new ProviderError('cannot connect to upstream', { kind: 'connection' });
  if (error instanceof Anthropic.APIError) return fromApiError(error);
  return connectionError(error) ?? invalidResponseError(error);
}

/**
 * The SDK keeps the parsed body as `error.error`: Anthropic's envelope
 * `{type: "error", error: {type, message}}`. Its inner object is what the client must see.
 */
function fromApiError(error: InstanceType<typeof Anthropic.APIError>): ProviderError {
  const inner = innerError(error.error);
  const errorType = inner?.type ?? error.type ?? undefined;
  const status = error.status ?? (errorType ? ANTHROPIC_ERROR_STATUS[errorType] : undefined);
  if (status === undefined) {
    return new ProviderError('upstream reported an error in the stream', {
      kind: 'invalid_response',
      code: errorType,
    });
  }
  return httpProviderError({
    status,
    headers: error.headers,
    code: errorType,
    message: inner?.message,
  });
}

/** An error status from `POST /v1/messages` (the HTTP client): Anthropic's envelope, read. */
export function anthropicHttpError(
  status: number,
  body: unknown,
  headers: HeaderReader,
): ProviderError {
  const inner = innerError(body);
  return httpProviderError({ status, headers, code: inner?.type, message: inner?.message });
}

/**
 * An `error` event inside a stream has no status of its own: it is read from the error's type, a
 * server error when unknown (so the router may fail over).
 */
export function anthropicStreamError(payload: unknown): ProviderError {
  const inner = innerError(payload);
  const status = (inner?.type && ANTHROPIC_ERROR_STATUS[inner.type]) || 500;
  return httpProviderError({ status, code: inner?.type, message: inner?.message });
}

function innerError(body: unknown): { type?: string; message?: string } | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const envelope = body as { error?: unknown; type?: unknown; message?: unknown };
  const inner = (
    envelope.error && typeof envelope.error === 'object' ? envelope.error : envelope
  ) as { type?: unknown; message?: unknown };
  return {
    type: typeof inner.type === 'string' && inner.type !== 'error' ? inner.type : undefined,
    message: typeof inner.message === 'string' ? inner.message : undefined,
  };
}
