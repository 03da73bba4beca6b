/**
 * What every provider adapter throws when an upstream call fails, whatever the provider's own
 * error types. The router decides retries, fallback and circuit-breaker outcomes from these
 * fields alone and never looks at provider-specific errors.
 */
export type ProviderErrorKind =
  | 'http' // the upstream answered with an error status
  | 'timeout' // first byte, idle gap or total time exceeded
  | 'connection' // refused, reset, DNS, TLS
  | 'invalid_response' // malformed JSON or a stream that broke protocol
  | 'aborted' // the client went away; not the provider's fault
  | 'invalid_request' // the request cannot be sent as given (e.g. not serializable): the client's fault
  | 'unavailable'; // the provider refused locally (queue full, not configured)

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  status?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  /** The upstream's own error code or type, when it gave one. */
  code?: string;
  /** The upstream's error body, kept for 4xx errors the client must see. Never includes keys. */
  body?: unknown;
}

/** Statuses worth retrying: timeouts, conflicts, rate limits, overloads and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Client errors that another provider would reject too: returned to the client as they are. */
export function isClientFault(status: number | undefined): boolean {
  return status === 400 || status === 404 || status === 413 || status === 422;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly code: string | undefined;
  readonly body: unknown;

  constructor(message: string, init: ProviderErrorInit) {
    super(message);
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
    this.retryable =
      init.retryable ??
      (init.kind === 'http'
        ? isRetryableStatus(init.status ?? 500)
        : init.kind === 'timeout' ||
          init.kind === 'connection' ||
          init.kind === 'invalid_response');
  }

  /** A short reason safe to show to clients: no keys, no prompts. */
  get reason(): string {
    if (this.kind === 'http') return `HTTP ${this.status}${this.code ? ` (${this.code})` : ''}`;
    return this.kind === 'connection' ? 'connection error' : this.kind.replace('_', ' ');
  }

  /** Parses `Retry-After` (seconds or an HTTP date) and `retry-after-ms` headers. */
  static parseRetryAfter(
    headers: { get(name: string): string | null } | undefined,
  ): number | undefined {
    if (!headers) return undefined;
    const milliseconds = headers.get('retry-after-ms');
    if (milliseconds && Number.isFinite(Number(milliseconds))) return Number(milliseconds);
    const value = headers.get('retry-after');
    if (!value) return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
  }
}
