import { ProviderError } from '@app/contracts';
import {
  abortedError,
  connectionError,
  httpProviderError,
  invalidResponseError,
} from '../shared/upstream-error';
import type { AbortState } from '../shared/transport-error';

/**
 * A `fetch` for the Gemini SDK that turns error statuses into ProviderError itself: the SDK's
 * ApiError keeps only status and message, dropping Retry-After. It also reports the first byte.
 */
export function geminiFetch(
  markFirstByte?: () => void,
  extraHeaders?: Readonly<Record<string, string>>,
): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, withHeaders(init, extraHeaders));
    markFirstByte?.();
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    // Google's envelope: {"error": {"code": 400, "message": "…", "status": "INVALID_ARGUMENT"}}.
    const error = (safeJson(text) as { error?: { status?: unknown; message?: unknown } })?.error;
    throw httpProviderError({
      status: response.status,
      headers: response.headers,
      code: typeof error?.status === 'string' ? error.status : undefined,
      message: typeof error?.message === 'string' ? error.message : undefined,
    });
  };
}

/** The call's own headers (the attempt's trace context) on top of the SDK's. */
function withHeaders(
  init: RequestInit | undefined,
  extra: Readonly<Record<string, string>> | undefined,
): RequestInit | undefined {
  if (!extra) return init;
  const names = Object.keys(extra);
  if (names.length === 0) return init;
  const headers = new Headers(init?.headers);
  for (const name of names) headers.set(name, extra[name]);
  return { ...init, headers };
}

/** The SDK's ApiError message is the response body as JSON text; its inner message is Google's. */
function apiErrorMessage(error: Error): string | undefined {
  const body = safeJson(error.message) as { error?: { message?: unknown } } | undefined;
  return typeof body?.error?.message === 'string' ? body.error.message : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text || undefined;
  }
}

/** Every failure of `@google/genai` (and of `geminiFetch`) → ProviderError. */
export function toGeminiProviderError(error: unknown, abort?: AbortState): ProviderError {
  if (error instanceof ProviderError) return error;
  if (abort?.aborted) return abortedError(abort);
  // The SDK's ApiError (matched by shape: the SDK is loaded lazily as ESM). geminiFetch pre-empts it.
  const status = (error as { name?: unknown; status?: unknown })?.status;
  if ((error as Error)?.name === 'ApiError' && typeof status === 'number')
    return httpProviderError({ status, message: apiErrorMessage(error as Error) });
  if ((error as { name?: unknown })?.name === 'AbortError')
    return new ProviderError('request aborted', { kind: 'aborted' });
  return connectionError(error) ?? invalidResponseError(error);
}
