import type { Dispatcher } from 'undici';
import type { ProviderError } from '@app/contracts';
import { parseKeepingJsonText, type AbortSource } from '@app/http';
import { headerList } from './header-list';
import { exchangeJson } from './json-exchange';
import { decodeServerSentEvents, type ServerSentEvent } from './sse-decoder';
import { mapTransportError, serializeRequestBody, type AbortState } from './transport-error';
import { Pool, requestOn } from './undici-pool';

/** Reads one response header (the first value of a repeated one). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** An upstream's error status → ProviderError, from its parsed body (undefined if not JSON). */
export type StatusErrorMapper = (
  status: number,
  body: unknown,
  headers: HeaderReader,
) => ProviderError;

export interface UpstreamCall {
  /** Ends the call when it fires (the router's attempt: client gone, timeout). */
  abort: AbortSource;
  /** Per-call headers, over the client's own. */
  headers?: Record<string, string>;
  /** Called when response headers arrive (stops the router's first-byte timer). */
  onHeaders?: () => void;
  /**
   * The answer is passed on unchanged (a chat completion): keep its text as its JSON
   * (`parseKeepingJsonText`), so the client is sent that text instead of a re-serialization.
   */
  forwardsAnswer?: boolean;
}

/** What `readEvents`' callback returns to end the stream early (OpenAI's `[DONE]`). */
export const END_OF_STREAM = Symbol('end of stream');

/**
 * The transport under the hand-written provider clients (OpenAI wire, Anthropic pass-through):
 * one undici keep-alive pool per upstream origin, JSON bodies, error statuses mapped by the
 * provider's own envelope reader, SSE bodies read event by event. The SDKs' fetch and web
 * streams cost ~0.3–0.7 ms of CPU per request in `bench:overhead`; this is the request path.
 */
export class UpstreamPool {
  private readonly pool: Pool;

  constructor(
    origin: string,
    timeoutMs: number,
    private readonly statusError: StatusErrorMapper,
  ) {
    this.pool = new Pool(origin, {
      keepAliveTimeout: 30_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  /**
   * POSTs `body` as JSON (or GETs without one) and parses the JSON answer; an error status throws
   * the mapped error. The non-streamed call: the body is read whole, with no stream around it.
   */
  async requestJson<T>(
    path: string,
    headers: Record<string, string>,
    body: unknown,
    call: UpstreamCall,
  ): Promise<T> {
    const request = this.requestOf(path, headers, body, call);
    let answer;
    try {
      answer = await exchangeJson(this.pool, request, call.abort, call.onHeaders);
    } catch (error) {
      throw mapTransportError(error, call.abort);
    }
    if (answer.statusCode >= 400)
      throw this.statusError(answer.statusCode, parseOrUndefined(answer.text), answer.headers);
    try {
      return call.forwardsAnswer
        ? parseKeepingJsonText<T>(answer.text)
        : (JSON.parse(answer.text) as T);
    } catch (error) {
      throw mapTransportError(error, call.abort);
    }
  }

  /** POSTs `body` as JSON (or GETs without one); an error status throws the mapped error. */
  async send(
    path: string,
    headers: Record<string, string>,
    body: unknown,
    call: UpstreamCall,
  ): Promise<Dispatcher.ResponseData> {
    const request = this.requestOf(path, headers, body, call);
    let response: Dispatcher.ResponseData;
    try {
      response = await requestOn(this.pool, { ...request, signal: call.abort.signal });
    } catch (error) {
      throw mapTransportError(error, call.abort);
    }
    call.onHeaders?.();
    if (response.statusCode >= 400) throw await this.errorOf(response, call.abort);
    return response;
  }

  /**
   * The response's server-sent events, each passed to `onEvent` in the same loop (no extra
   * generator per chunk): it returns what to yield, undefined to skip, END_OF_STREAM to stop,
   * or throws. The connection is released at once on an early exit (client gone, timeout).
   */
  async *readEvents<T>(
    response: Dispatcher.ResponseData,
    abort: AbortState,
    onEvent: (event: ServerSentEvent) => T | undefined | typeof END_OF_STREAM,
  ): AsyncGenerator<T> {
    response.body.setEncoding('utf8');
    try {
      for await (const event of decodeServerSentEvents(response.body)) {
        const value = onEvent(event);
        if (value === END_OF_STREAM) return;
        if (value !== undefined) yield value;
      }
    } catch (error) {
      throw mapTransportError(error, abort);
    } finally {
      if (!response.body.readableEnded) response.body.destroy();
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * A JSON POST of `body`, or a GET without one. Called before the call, outside its try: a body
   * that cannot be serialized is the client's fault, not a failure of the upstream.
   */
  private requestOf(
    path: string,
    headers: Record<string, string>,
    body: unknown,
    call: UpstreamCall,
  ): Dispatcher.DispatchOptions {
    if (body === undefined)
      return { method: 'GET', path, headers: headerList(headers, call.headers) };
    return {
      method: 'POST',
      path,
      headers: headerList(headers, call.headers, 'application/json'),
      body: serializeRequestBody(body),
    };
  }

  private async errorOf(
    response: Dispatcher.ResponseData,
    abort: AbortState,
  ): Promise<ProviderError> {
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      return mapTransportError(error, abort);
    }
    const headers = response.headers;
    return this.statusError(response.statusCode, parseOrUndefined(text), {
      get: (name) => {
        const value = headers[name];
        return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
      },
    });
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
