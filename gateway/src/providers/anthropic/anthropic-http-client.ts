import { UpstreamPool, type UpstreamCall } from '../shared/upstream-pool';
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

/** Per-call signal, headers (the client's `anthropic-version` / `anthropic-beta`, `traceparent`). */
export type AnthropicCallOptions = UpstreamCall;

/**
 * `POST /v1/messages` as Anthropic documents it, on the shared undici transport (UpstreamPool).
 * Written by hand for the pass-through path only: `@anthropic-ai/sdk` runs each call through
 * WHATWG fetch and web streams, which cost ~0.7 ms of CPU per request in `bench:overhead` (2.8× a
 * whole chat completion through the gateway). The contract is small (a JSON POST and an SSE
 * stream of named events) and the conformance suite pins it against the wire-format fake.
 */
export class AnthropicHttpClient {
  private readonly pool: UpstreamPool;
  private readonly path: string;
  private readonly headers: Record<string, string>;

  constructor(options: AnthropicHttpClientOptions) {
    const url = new URL(options.baseUrl ?? DEFAULT_BASE_URL);
    this.path = `${url.pathname.replace(/\/+$/, '')}/v1/messages`;
    this.pool = new UpstreamPool(url.origin, options.timeoutMs, anthropicHttpError);
    this.headers = {
      accept: 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
      ...options.headers,
    };
  }

  /** A non-streamed message: the parsed answer. */
  async message<T>(body: unknown, call: AnthropicCallOptions): Promise<T> {
    return this.pool.requestJson<T>(this.path, this.headers, body, call);
  }

  /** A streamed message: each event's parsed `data`, as it arrives (`ping` included). */
  async *events<T = unknown>(body: unknown, call: AnthropicCallOptions): AsyncGenerator<T> {
    const response = await this.pool.send(this.path, this.headers, body, {
      ...call,
      headers: { ...call.headers, accept: 'text/event-stream' },
    });
    yield* this.pool.readEvents(response, call.abort, (event) => {
      if (!event.data) return undefined;
      const payload = JSON.parse(event.data) as { type?: string };
      if (event.event === 'error' || payload?.type === 'error') throw anthropicStreamError(payload);
      return payload as T;
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
