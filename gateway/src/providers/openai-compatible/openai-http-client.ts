import { Pool, type Dispatcher } from 'undici';
import { ProviderError } from '@app/contracts';
import { decodeServerSentEvents } from '../shared/sse-decoder';
import { mapTransportError, serializeRequestBody } from '../shared/transport-error';

/** The OpenAI REST operations the gateway calls. */
export type OpenAIOperation = 'chat/completions' | 'embeddings' | 'models';

export interface OpenAIHttpClientOptions {
  /** e.g. `https://api.openai.com/v1`; operations are appended to its path. */
  baseUrl: string;
  /** Sent on every call (authorization, api-key, editor headers…). */
  headers: Record<string, string>;
  /** Backstop for headers and body gaps; the router enforces its own timeouts. */
  timeoutMs: number;
  /** Path and query of an operation, for servers that do not use `{baseUrl}/{operation}` (Azure). */
  pathFor?: (operation: OpenAIOperation) => string;
}

export interface OpenAICallOptions {
  signal: AbortSignal;
  /** Per-call headers (request id, a fresh token), over the client's own. */
  headers?: Record<string, string>;
  /** Called when response headers arrive (stops the router's first-byte timer). */
  onHeaders?: () => void;
}

/**
 * The OpenAI wire contract over HTTP/1.1 keep-alive, on one undici connection pool per upstream.
 * This replaces the `openai` SDK on the request path: the SDK runs each call through WHATWG
 * fetch and web streams, which cost ~0.3 ms of CPU per request in our profiles, and its request
 * builder re-walks headers and options the gateway already holds. The contract is small (a JSON
 * POST, an SSE stream, a GET) and the conformance suite pins it against the wire-format fakes.
 */
export class OpenAIHttpClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: OpenAIHttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    this.headers = { accept: 'application/json', ...options.headers };
  }

  /** POSTs (or GETs, without a body) and parses the JSON answer. */
  async json<T>(operation: OpenAIOperation, body: unknown, call: OpenAICallOptions): Promise<T> {
    const response = await this.send(operation, body, call);
    try {
      return (await response.body.json()) as T;
    } catch (error) {
      throw mapTransportError(error, call.signal);
    }
  }

  /** POSTs with `stream: true` and yields each `data:` payload, parsed, as it arrives. */
  async *events(
    operation: OpenAIOperation,
    body: unknown,
    call: OpenAICallOptions,
  ): AsyncGenerator<unknown> {
    const response = await this.send(operation, body, {
      ...call,
      headers: { ...call.headers, accept: 'text/event-stream' },
    });
    response.body.setEncoding('utf8');
    try {
      for await (const message of decodeServerSentEvents(response.body)) {
        if (message.data.startsWith('[DONE]')) return;
        const payload = JSON.parse(message.data) as { error?: unknown };
        // Like the SDK: an `error` event, or an error object in a data line, fails the stream.
        if (message.event === 'error' || (payload && payload.error !== undefined))
          throw new ProviderError('upstream reported an error in the stream', {
            kind: 'invalid_response',
          });
        yield payload;
      }
    } catch (error) {
      throw mapTransportError(error, call.signal);
    } finally {
      // An early exit (client gone, router timeout) must release the connection now.
      if (!response.body.readableEnded) response.body.destroy();
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async send(
    operation: OpenAIOperation,
    body: unknown,
    call: OpenAICallOptions,
  ): Promise<Dispatcher.ResponseData> {
    // Serialized before the call, outside its try: a body that cannot be serialized is the
    // client's fault and must not be reported as a failure of the upstream.
    const payload = body === undefined ? undefined : serializeRequestBody(body);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method: body === undefined ? 'GET' : 'POST',
        path: this.options.pathFor?.(operation) ?? `${this.basePath}/${operation}`,
        headers:
          body === undefined
            ? { ...this.headers, ...call.headers }
            : { ...this.headers, 'content-type': 'application/json', ...call.headers },
        body: payload,
        signal: call.signal,
      });
    } catch (error) {
      throw mapTransportError(error, call.signal);
    }
    call.onHeaders?.();
    if (response.statusCode >= 400) throw await statusError(response, call.signal);
    return response;
  }
}

/** An error status, with the upstream's `error` object (code or type) and its Retry-After. */
async function statusError(
  response: Dispatcher.ResponseData,
  signal: AbortSignal,
): Promise<ProviderError> {
  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    return mapTransportError(error, signal);
  }
  const error = parseErrorBody(text);
  const code =
    typeof error?.code === 'string'
      ? error.code
      : typeof error?.type === 'string'
        ? error.type
        : undefined;
  const headers = response.headers;
  return new ProviderError(`upstream answered HTTP ${response.statusCode}`, {
    kind: 'http',
    status: response.statusCode,
    code,
    body: error,
    retryAfterMs: ProviderError.parseRetryAfter({
      get: (name) => {
        const value = headers[name];
        return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
      },
    }),
  });
}

function parseErrorBody(text: string): { code?: unknown; type?: unknown } | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: unknown } | null;
    const error = parsed && typeof parsed === 'object' ? parsed.error : undefined;
    return error && typeof error === 'object' ? (error as { code?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** The provider's base URL; only OpenAI itself has a default. A missing one fails at boot. */
export function upstreamBaseUrl(config: { id: string; type: string; baseUrl?: string }): string {
  if (config.baseUrl) return config.baseUrl;
  if (config.type === 'openai') return 'https://api.openai.com/v1';
  throw new Error(`Provider "${config.id}" needs a base URL (base_url in GATEWAY_CONFIG)`);
}
