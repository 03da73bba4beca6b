import { ProviderError } from '@app/contracts';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const CONNECTION_CODE =
  /^(ECONN|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR|ETIMEDOUT)/;

/**
 * True when `error` is what `JSON.stringify` (ours or an SDK's) throws for a value it cannot
 * serialize: nested too deeply for the stack, circular, or holding a BigInt. Such a request
 * never reached the provider, so it says nothing about the provider's health.
 */
export function isUnserializableRequest(error: unknown): boolean {
  if (error instanceof RangeError) return /call stack|string length/i.test(error.message);
  return error instanceof TypeError && /circular|BigInt/i.test(error.message);
}

/** The error for a request body that cannot be serialized: the client's fault, never retried. */
export function unserializableRequestError(): ProviderError {
  return new ProviderError(
    'The request cannot be sent upstream: it cannot be serialized as JSON (nested too deeply?)',
    { kind: 'invalid_request', status: 400, code: 'invalid_body' },
  );
}

/** `JSON.stringify`, failing with a client-fault `ProviderError` instead of a bare RangeError. */
export function serializeRequestBody(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    if (isUnserializableRequest(error)) throw unserializableRequestError();
    throw error;
  }
}

/** Whether a call was aborted and why: an AbortSignal's or an `AbortSource`'s. */
export interface AbortState {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/**
 * The `ProviderError` for a transport failure the gateway recognises (a fired abort, a timeout,
 * a refused or reset connection, malformed JSON from the upstream, a body that cannot be sent),
 * or undefined when `error` is something else (a bug, not the provider's doing).
 */
export function recognizedTransportError(
  error: unknown,
  abort?: AbortState,
): ProviderError | undefined {
  if (error instanceof ProviderError) return error;
  if (abort?.aborted) {
    const reason: unknown = abort.reason;
    return reason instanceof ProviderError
      ? reason
      : new ProviderError('request aborted', { kind: 'aborted' });
  }
  if (isUnserializableRequest(error)) return unserializableRequestError();
  if (error instanceof SyntaxError)
    return new ProviderError('upstream sent malformed JSON', { kind: 'invalid_response' });
  const code =
    (error as { code?: unknown })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code))
    return new ProviderError('upstream timed out', { kind: 'timeout', code });
  if (typeof code === 'string' && CONNECTION_CODE.test(code))
    return new ProviderError('upstream connection failed', { kind: 'connection', code });
  // WHATWG fetch (used by some SDKs) reports a dropped connection as a bare TypeError.
  if (error instanceof TypeError && /terminated|fetch failed|network/i.test(error.message))
    return new ProviderError('upstream connection failed', { kind: 'connection' });
  return undefined;
}

/**
 * Maps a transport failure (undici, fetch, a JSON or stream decoder) to a `ProviderError` the
 * router understands. Adapters with an SDK map that SDK's errors first; this is the rest.
 * Used inside a transport call, where anything unrecognised is the upstream breaking protocol.
 */
export function mapTransportError(error: unknown, abort?: AbortState): ProviderError {
  return (
    recognizedTransportError(error, abort) ??
    new ProviderError('upstream call failed', { kind: 'invalid_response' })
  );
}
