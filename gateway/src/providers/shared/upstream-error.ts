import { ProviderError } from '@app/contracts';
import {
  isUnserializableRequest,
  unserializableRequestError,
  type AbortState,
} from './transport-error';

/** Node and undici error codes that mean the connection itself failed. */
const CONNECTION_CODES =
  /^(ECONN|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)/;

/**
 * The error for a call whose abort fired: the router's own reason (a timeout it raised as a
 * ProviderError) when there is one, otherwise a plain client abort.
 */
export function abortedError(abort: AbortState): ProviderError {
  const reason: unknown = abort.reason;
  return reason instanceof ProviderError
    ? reason
    : new ProviderError('request aborted', { kind: 'aborted' });
}

export interface UpstreamHttpFailure {
  status: number;
  headers?: { get(name: string): string | null };
  /** The provider's own error code or type (`invalid_request_error`, `INVALID_ARGUMENT`, …). */
  code?: string;
  /** The provider's own message, unchanged: clients see it for errors that are theirs to fix. */
  message?: string;
  /** The provider's error type when it gives one beside its code (OpenAI does); else the code. */
  type?: string;
  /** The request field the provider blamed, when it says so (OpenAI-style upstreams do). */
  param?: string;
  /** Forces retryability when the status alone says otherwise (e.g. an "overloaded" 400). */
  retryable?: boolean;
}

/**
 * The error body every adapter puts on an HTTP `ProviderError`: OpenAI's `error` object, filled
 * from the provider's own envelope (Anthropic `{type:"error",error:{type,message}}`, Gemini
 * `{error:{code,message,status}}`, Bedrock `{message}` + `x-amzn-errortype`, OpenAI `{error}`).
 * The router reads only this shape, so it never learns a provider's envelope.
 */
export interface UpstreamErrorBody {
  message: string;
  type: string | null;
  param: string | null;
  code: string | null;
}

export function upstreamErrorBody(failure: UpstreamHttpFailure): UpstreamErrorBody {
  return {
    message: failure.message?.trim() || `upstream answered HTTP ${failure.status}`,
    type: failure.type ?? failure.code ?? null,
    param: failure.param ?? null,
    code: failure.code ?? null,
  };
}

/** An upstream error status, with Retry-After honoured. Retryability follows `isRetryableStatus`. */
export function httpProviderError(failure: UpstreamHttpFailure): ProviderError {
  // The ProviderError's own message stays generic: it is logged, and providers may quote input.
  return new ProviderError(`upstream answered HTTP ${failure.status}`, {
    kind: 'http',
    status: failure.status,
    code: failure.code,
    body: upstreamErrorBody(failure),
    retryable: failure.retryable,
    retryAfterMs: ProviderError.parseRetryAfter(failure.headers),
  });
}

/** Connection failures from fetch/undici/node:http, or undefined when the error is something else. */
export function connectionError(error: unknown): ProviderError | undefined {
  const withCode = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = withCode?.cause?.code ?? withCode?.code;
  if (typeof code === 'string' && CONNECTION_CODES.test(code)) {
    return new ProviderError('upstream connection failed', { kind: 'connection', code });
  }
  if (error instanceof TypeError && /terminated|fetch failed|network|socket/i.test(error.message)) {
    return new ProviderError('upstream connection failed', { kind: 'connection' });
  }
  return undefined;
}

/**
 * Fallback for anything unrecognised: the upstream broke protocol as far as we can tell. A body
 * the SDK could not serialize (it stringifies inside its own call) is the client's fault instead.
 */
export function invalidResponseError(error: unknown): ProviderError {
  if (isUnserializableRequest(error)) return unserializableRequestError();
  const detail = error instanceof Error ? `: ${error.message.slice(0, 200)}` : '';
  return new ProviderError(`upstream call failed${detail}`, { kind: 'invalid_response' });
}
