import type { ProviderError } from '@app/contracts';
import { httpProviderError } from '../shared/upstream-error';
import {
  END_OF_STREAM,
  UpstreamPool,
  type HeaderReader,
  type UpstreamCall,
} from '../shared/upstream-pool';

/** The OpenAI REST operations the gateway calls. */
export type OpenAIOperation = 'chat/completions' | 'embeddings' | 'models';

export interface OpenAIHttpClientOptions {
  /** e.g. `https://api.openai.com/v1`; operations are appended to its path. */
  baseUrl: string;
  /** Sent on every call (authorization, api-key, editor headers…). */
  headers: Record<string, string>;
  /** Backstop for headers and body gaps; the router enforces its own timeouts. */
  timeoutMs: number;
  /**
   * Path and query of an operation, for servers that do not use `{baseUrl}/{operation}` (Azure,
   * whose dated API puts the model's deployment in the path).
   */
  pathFor?: (operation: OpenAIOperation, model: string | undefined) => string;
}

/** Per-call signal, headers (request id, a fresh token) and first-byte callback. */
export type OpenAICallOptions = UpstreamCall;

/**
 * The OpenAI wire contract over HTTP/1.1 keep-alive, on one undici connection pool per upstream.
 * This replaces the `openai` SDK on the request path: the SDK runs each call through WHATWG
 * fetch and web streams, which cost ~0.3 ms of CPU per request in our profiles, and its request
 * builder re-walks headers and options the gateway already holds. The contract is small (a JSON
 * POST, an SSE stream, a GET) and the conformance suite pins it against the wire-format fakes.
 */
export class OpenAIHttpClient {
  private readonly pool: UpstreamPool;
  private readonly basePath: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: OpenAIHttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new UpstreamPool(url.origin, options.timeoutMs, openAIStatusError);
    this.headers = { accept: 'application/json', ...options.headers };
  }

  /** POSTs (or GETs, without a body) and parses the JSON answer. */
  async json<T>(operation: OpenAIOperation, body: unknown, call: OpenAICallOptions): Promise<T> {
    return this.pool.requestJson<T>(this.pathOf(operation, body), this.headers, body, call);
  }

  /**
   * POSTs with `stream: true` and yields each `data:` payload, parsed, as it arrives; `accept`
   * may rewrite a payload or drop it (undefined), in the same loop (no extra generator per chunk).
   */
  async *events<T = unknown>(
    operation: OpenAIOperation,
    body: unknown,
    call: OpenAICallOptions,
    accept: (payload: T) => T | undefined = (payload) => payload,
  ): AsyncGenerator<T> {
    const response = await this.send(operation, body, {
      ...call,
      headers: { ...call.headers, accept: 'text/event-stream' },
    });
    yield* this.pool.readEvents(response, call.abort, (message) => {
      if (message.data.startsWith('[DONE]')) return END_OF_STREAM;
      const payload = JSON.parse(message.data) as { error?: unknown };
      // Like the SDK: an `error` event, or an error object in a data line, fails the stream.
      if (message.event === 'error' || (payload && payload.error !== undefined))
        throw streamError(payload);
      return accept(payload as T);
    });
  }

  /**
   * GETs a path of the upstream's origin outside the OpenAI API (Ollama's own `/api/tags`) and
   * parses the JSON answer.
   */
  async getFromOrigin<T>(path: string, call: OpenAICallOptions): Promise<T> {
    return this.pool.requestJson<T>(path, this.headers, undefined, call);
  }

  /** The path of the base URL (`/v1`), which the operations are appended to. */
  get apiPath(): string {
    return this.basePath;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private send(operation: OpenAIOperation, body: unknown, call: OpenAICallOptions) {
    return this.pool.send(this.pathOf(operation, body), this.headers, body, call);
  }

  private pathOf(operation: OpenAIOperation, body: unknown): string {
    return this.options.pathFor?.(operation, modelOf(body)) ?? `${this.basePath}/${operation}`;
  }
}

/** An error status, with the upstream's `error` object (code or type) and its Retry-After. */
function openAIStatusError(status: number, body: unknown, headers: HeaderReader): ProviderError {
  return httpProviderError({ status, ...errorFields(errorObjectOf(body)), headers });
}

/** OpenAI error types that name the status a mid-stream error would have had. */
const STREAM_ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
};

/**
 * An error inside a stream (`event: error`, or `{"error": {...}}` in a data line) has no status of
 * its own: one is read from its type, a server error when unknown (so the router may fail over).
 */
function streamError(payload: unknown): ProviderError {
  const error = errorObjectOf(payload) ?? (payload as Record<string, unknown> | undefined);
  const fields = errorFields(error);
  const status =
    (fields.type && STREAM_ERROR_STATUS[fields.type]) ||
    (fields.code && STREAM_ERROR_STATUS[fields.code]) ||
    500;
  return httpProviderError({ status, ...fields });
}

/** OpenAI's `{"error": {message, type, param, code}}` (Azure and Copilot speak it too). */
function errorFields(error: Record<string, unknown> | undefined): {
  code?: string;
  type?: string;
  message?: string;
  param?: string;
} {
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  return {
    code: text(error?.code) ?? text(error?.type),
    type: text(error?.type),
    message: text(error?.message),
    param: text(error?.param),
  };
}

function errorObjectOf(parsed: unknown): Record<string, unknown> | undefined {
  const error = (parsed as { error?: unknown } | undefined)?.error;
  return error && typeof error === 'object' ? (error as Record<string, unknown>) : undefined;
}

function modelOf(body: unknown): string | undefined {
  const model = (body as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : undefined;
}

/** The provider's base URL; only OpenAI itself has a default. A missing one fails at boot. */
export function upstreamBaseUrl(config: { id: string; type: string; baseUrl?: string }): string {
  if (config.baseUrl) return config.baseUrl;
  if (config.type === 'openai') return 'https://api.openai.com/v1';
  throw new Error(`Provider "${config.id}" needs a base URL (base_url in GATEWAY_CONFIG)`);
}
