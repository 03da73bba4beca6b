import { ProviderError } from '@app/contracts';
import {
  abortedError,
  connectionError,
  httpProviderError,
  invalidResponseError,
} from '../shared/upstream-error';

export interface CopilotTokenSourceOptions {
  /** The token exchange endpoint (COPILOT_TOKEN_URL). */
  tokenUrl: string;
  /** The long-lived GitHub token (GITHUB_COPILOT_TOKEN). */
  githubToken: string;
  /**
   * Refresh this long before `expires_at`, so a token never expires mid-request.
   * @defaultValue 60_000
   */
  refreshMarginMs?: number;
  /** Extra headers for the exchange (the editor headers Copilot expects). */
  headers?: Record<string, string>;
  /** @defaultValue Date.now */
  now?: () => number;
}

interface CachedToken {
  token: string;
  refreshAtMs: number;
}

/**
 * Exchanges the GitHub token for a short-lived Copilot token and caches it until shortly before
 * it expires. Concurrent callers share one in-flight exchange, so a burst of requests after
 * expiry costs one call to GitHub, not one per request.
 */
export class CopilotTokenSource {
  private cached: CachedToken | undefined;
  private inFlight: Promise<CachedToken> | undefined;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CopilotTokenSourceOptions) {
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  async token(signal: AbortSignal): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAtMs) return this.cached.token;
    // The shared exchange is not tied to one caller's signal: another caller may still need it.
    this.inFlight ??= this.exchange().finally(() => (this.inFlight = undefined));
    const cached = await abortable(this.inFlight, signal);
    this.cached = cached;
    return cached.token;
  }

  /** Drops `token` from the cache (after Copilot rejected it), unless a newer one replaced it. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async exchange(): Promise<CachedToken> {
    let response: Response;
    try {
      response = await fetch(this.options.tokenUrl, {
        headers: {
          ...this.options.headers,
          authorization: `token ${this.options.githubToken}`,
          accept: 'application/json',
        },
      });
    } catch (error) {
      throw connectionError(error) ?? invalidResponseError(error);
    }
    if (!response.ok) {
      // GitHub's error envelope: {"message": "Bad credentials", "documentation_url": …}.
      const failure = (await response.json().catch(() => undefined)) as
        { message?: unknown } | undefined;
      throw httpProviderError({
        status: response.status,
        headers: response.headers,
        code: 'copilot_token_exchange_failed',
        message: typeof failure?.message === 'string' ? failure.message : undefined,
      });
    }
    const body = (await response.json().catch(() => undefined)) as
      { token?: unknown; expires_at?: unknown } | undefined;
    if (typeof body?.token !== 'string' || typeof body.expires_at !== 'number') {
      throw new ProviderError('Copilot token endpoint answered without token/expires_at', {
        kind: 'invalid_response',
      });
    }
    return { token: body.token, refreshAtMs: body.expires_at * 1000 - this.refreshMarginMs };
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortedError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
