import Anthropic from '@anthropic-ai/sdk';
import { ProviderError } from '@app/contracts';
import {
  abortedError,
  connectionError,
  httpProviderError,
  invalidResponseError,
} from '../shared/upstream-error';

/** Anthropic's "overloaded" status: retryable like a 503. */
export const ANTHROPIC_OVERLOADED_STATUS = 529;

/** Every failure of `@anthropic-ai/sdk` → ProviderError; the router reads only the mapped fields. */
export function toAnthropicProviderError(error: unknown, signal?: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal?.aborted) return abortedError(signal);
  if (error instanceof Anthropic.APIUserAbortError)
    return new ProviderError('request aborted', { kind: 'aborted' });
  if (error instanceof Anthropic.APIConnectionTimeoutError)
    return new ProviderError('upstream timed out', { kind: 'timeout' });
  if (error instanceof Anthropic.APIConnectionError)
    return new ProviderError('cannot connect to upstream', { kind: 'connection' });
  if (error instanceof Anthropic.APIError) return fromApiError(error);
  return connectionError(error) ?? invalidResponseError(error);
}

function fromApiError(error: InstanceType<typeof Anthropic.APIError>): ProviderError {
  const errorType = error.type ?? undefined;
  if (error.status !== undefined) {
    return httpProviderError({
      status: error.status,
      headers: error.headers,
      code: errorType,
      body: error.error,
    });
  }
  // An `error` event inside an SSE stream: no status, only Anthropic's error type.
  if (errorType === 'overloaded_error') {
    return httpProviderError({
      status: ANTHROPIC_OVERLOADED_STATUS,
      code: errorType,
      body: error.error,
    });
  }
  return new ProviderError('upstream reported an error in the stream', {
    kind: 'invalid_response',
    code: errorType,
  });
}
