import { ProviderError } from '@app/contracts';
import { isUnserializableRequest, unserializableRequestError } from './transport-error';

/** Node and undici error codes that mean the connection itself failed. */
const CONNECTION_CODES =
  /^(ECONN|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)/;

/**
 * The error for a call whose signal fired: the router's own reason (a timeout it raised as a
 * ProviderError) when there is one, otherwise a plain client abort.
 */
export function abortedError(signal: AbortSignal): ProviderError {
  const reason: unknown = signal.reason;
  return reason instanceof ProviderError
    ? reason
    : new ProviderError('request aborted', { kind: 'aborted' });
}

export interface UpstreamHttpFailure {
  status: number;
  headers?: { get(name: string): string | null };
  code?: string;
  body?: unknown;
  /** Forces retryability when the status alone says otherwise (e.g. an "overloaded" 400). */
  retryable?: boolean;
}

/** An upstream error status, with Retry-After honoured. Retryability follows `isRetryableStatus`. */
export function httpProviderError(failure: UpstreamHttpFailure): ProviderError {
  return new ProviderError(`upstream answered HTTP ${failure.status}`, {
    kind: 'http',
    status: failure.status,
    code: failure.code,
    body: failure.body,
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
