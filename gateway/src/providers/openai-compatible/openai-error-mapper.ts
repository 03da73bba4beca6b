import OpenAI from 'openai';
import { ProviderError } from '@app/contracts';

/**
 * Maps every failure of the official `openai` SDK (used for OpenAI, Azure, Ollama, Copilot and any
 * OpenAI-compatible server) to a `ProviderError`. The router reads only the mapped fields.
 */
export function toProviderError(error: unknown, signal?: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof ProviderError
      ? reason
      : new ProviderError('request aborted', { kind: 'aborted' });
  }
  if (error instanceof OpenAI.APIUserAbortError) {
    return new ProviderError('request aborted', { kind: 'aborted' });
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderError('upstream timed out', { kind: 'timeout' });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProviderError('cannot connect to upstream', { kind: 'connection' });
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const body = (error.error ?? undefined) as { code?: unknown; type?: unknown } | undefined;
    const code =
      typeof body?.code === 'string'
        ? body.code
        : typeof body?.type === 'string'
          ? body.type
          : undefined;
    return new ProviderError(`upstream answered HTTP ${error.status}`, {
      kind: 'http',
      status: error.status,
      code,
      body: error.error,
      retryAfterMs: ProviderError.parseRetryAfter(error.headers),
    });
  }
  if (error instanceof OpenAI.APIError) {
    // An error event inside an SSE stream: the stream started, then the upstream reported failure.
    return new ProviderError('upstream reported an error in the stream', {
      kind: 'invalid_response',
    });
  }
  if (
    error instanceof SyntaxError ||
    (error instanceof Error && /JSON|parse/i.test(error.message))
  ) {
    return new ProviderError('upstream sent malformed JSON', { kind: 'invalid_response' });
  }
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ??
    (error as { code?: unknown })?.code;
  if (
    typeof code === 'string' &&
    /^(ECONN|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR|ETIMEDOUT)/.test(code)
  ) {
    return new ProviderError('upstream connection failed', { kind: 'connection', code });
  }
  if (error instanceof TypeError && /terminated|fetch failed|network/i.test(error.message)) {
    return new ProviderError('upstream connection failed', { kind: 'connection' });
  }
  return new ProviderError('upstream call failed', { kind: 'invalid_response' });
}
