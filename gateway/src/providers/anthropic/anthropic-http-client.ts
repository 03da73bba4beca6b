import { Pool, type Dispatcher } from 'undici';
import type { ProviderError } from '@app/contracts';
import { decodeServerSentEvents } from '../shared/sse-decoder';
import { mapTransportError, serializeRequestBody } from '../shared/transport-error';
import { anthropicHttpError, anthropicStreamError } from './anthropic-error-mapper';

/** The API version the gateway speaks when the client names none (the SDK's own default). */
export const ANTHROPIC_VERSION = '2023-06-01';
const DEFAULT_BASE_URL = 'https://api.anthropic.com';

export interface AnthropicHttpClientOptions {
  /** e.g. `https://api.anthropic.com`; `/v1/messages` is appended to its path. */
  baseUrl?: string;
  apiKey?: string;
  /** The provider's configured headers, sent on every call. */
  headers?: Record<string, string>;
  /** Backstop for headers and body gaps; the router enforces its own timeouts. */
  timeoutMs: number;
}

export interface AnthropicCallOptions {
  signal: AbortSignal;
  /** Per-call headers (the client's `anthropic-version` / `anthropic-beta`, `traceparent`). */
  headers?: Record<string, string>;
  /** Called when response headers arrive (stops the router's first-byte timer). */
  onHeaders?: () => void;
}

/**
 * `POST /v1/messages` as Anthropic documents it, over HTTP/1.1 keep-alive on one undici pool per
 * upstream. Written by hand for the request path only: `@anthropic-ai/sdk` runs each call through
 * WHATWG fetch and web streams, which cost ~0.7 ms of CPU per request in `bench:overhead` (2.8× a
 * whole chat completion through the gateway). The contract is small (a JSON POST and an SSE
 * stream of named events) and the conformance suite pins it against the wire-format fake.
 */
export class AnthropicHttpClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;

  constructor(options: AnthropicHttpClientOptions) {
    const url = new URL(options.baseUrl ?? DEFAULT_BASE_URL);
    this.path = `${url.pathname.replace(/\/+$/, '')}/v1/messages`;
    this.pool = new Pool(url.origin, {
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    this.headers = {
      accept: 'application/json',
      'content-type': 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
      ...options.headers,
    };
  }

  /** A non-streamed message: the parsed answer. */
  async message<T>(body: unknown, call: AnthropicCallOptions): Promise<T> {
    const response = await this.send(body, call);
    try {
      return (await response.body.json()) as T;
    } catch (error) {
      throw mapTransportError(error, call.signal);
    }
  }

  /** A streamed message: each event's parsed `data`, as it arrives (`ping` included). */
  async *events<T = unknown>(body: unknown, call: AnthropicCallOptions): AsyncGenerator<T> {
    const response = await this.send(body, {
      ...call,
      headers: { ...call.headers, accept: 'text/event-stream' },
    });
    response.body.setEncoding('utf8');
    try {
      for await (const event of decodeServerSentEvents(response.body)) {
        if (!event.data) continue;
        const payload = JSON.parse(event.data) as { type?: string };
        if (event.event === 'error' || payload?.type === 'error')
          throw anthropicStreamError(payload);
        yield payload as T;
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

  private async send(body: unknown, call: AnthropicCallOptions): Promise<Dispatcher.ResponseData> {
    // Serialized outside the call's try: a body that cannot be serialized is the client's fault,
    // not a failure of the upstream.
    const payload = serializeRequestBody(body);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: { ...this.headers, ...call.headers },
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const headers = response.headers;
  return anthropicHttpError(response.statusCode, parsed, {
    get: (name) => {
      const value = headers[name];
      return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
    },
  });
}
