import { ProviderError } from '@app/contracts';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const CONNECTION_CODE =
  /^(ECONN|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR|ETIMEDOUT)/;

/**
 * Maps a transport failure (undici, fetch, a JSON or stream decoder) to a `ProviderError` the
 * router understands. Adapters with an SDK map that SDK's errors first; this is the rest.
 */
export function mapTransportError(error: unknown, signal?: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof ProviderError
      ? reason
      : new ProviderError('request aborted', { kind: 'aborted' });
  }
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
  return new ProviderError('upstream call failed', { kind: 'invalid_response' });
}
