import { ProviderError } from '@app/contracts';
import {
  abortedError,
  connectionError,
  httpProviderError,
  invalidResponseError,
} from '../shared/upstream-error';

/**
 * A `fetch` for the Gemini SDK that turns error statuses into ProviderError itself: the SDK's
 * ApiError keeps only status and message, dropping Retry-After. It also reports the first byte.
 */
export function geminiFetch(markFirstByte?: () => void): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    markFirstByte?.();
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    const body = safeJson(text) as { error?: { status?: string } } | undefined;
    throw httpProviderError({
      status: response.status,
      headers: response.headers,
      code: body?.error?.status,
      body,
    });
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text || undefined;
  }
}

/** Every failure of `@google/genai` (and of `geminiFetch`) → ProviderError. */
export function toGeminiProviderError(error: unknown, signal?: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal?.aborted) return abortedError(signal);
  // The SDK's ApiError (matched by shape: the SDK is loaded lazily as ESM). geminiFetch pre-empts it.
  const status = (error as { name?: unknown; status?: unknown })?.status;
  if ((error as Error)?.name === 'ApiError' && typeof status === 'number')
    return httpProviderError({ status });
  if ((error as { name?: unknown })?.name === 'AbortError')
    return new ProviderError('request aborted', { kind: 'aborted' });
  return connectionError(error) ?? invalidResponseError(error);
}
