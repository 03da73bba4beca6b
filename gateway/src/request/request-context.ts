import { randomUUID } from 'node:crypto';
import { AbortSource } from '@app/http';
import { NOOP_SPAN, type TraceSpan } from '@app/tracing';
import { ANONYMOUS, type Principal } from './principal';
import type { ApiDialect, ApiKind } from './api-kind';

export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

/** `Cache-Control: no-cache` (skip the lookup) and `no-store` (do not store the answer). */
export interface ClientCacheDirectives {
  noCache: boolean;
  noStore: boolean;
}

const NO_DIRECTIVES: ClientCacheDirectives = { noCache: false, noStore: false };

function cacheDirectives(header: string | string[] | undefined): ClientCacheDirectives {
  if (header === undefined) return NO_DIRECTIVES;
  const value = (Array.isArray(header) ? header.join(',') : header).toLowerCase();
  return { noCache: value.includes('no-cache'), noStore: value.includes('no-store') };
}

export interface RequestContextInit {
  requestId: string;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  api: ApiKind;
  /** @defaultValue 'openai' */
  dialect?: ApiDialect;
  /** Creates the client-disconnect abort source on first use. */
  abort?: () => AbortSource;
  /** The request's `Cache-Control` header. */
  cacheControl?: string | string[];
  /** The request's server span (continuing the client's `traceparent`); no-op when tracing is off. */
  span?: TraceSpan;
}

/**
 * Everything one client request carries through the gateway: who is calling, the signal that
 * ends upstream work when the client goes away, and what happened (provider, tokens, cost, cache),
 * which becomes the request's one log line. Created for every request before routing (so even a
 * 401 or a 413 has one) and reached by controllers through `@Ctx()`: it is always there.
 */
export class RequestContext {
  principal: Principal = ANONYMOUS;
  provider: string | undefined = undefined;
  model: string | undefined = undefined;
  cache: CacheStatus | undefined = undefined;
  promptTokens = 0;
  completionTokens = 0;
  costUsd = 0;
  /** Time spent waiting on upstreams; the rest of the request's time is gateway overhead. */
  upstreamMs = 0;
  /** Prompt and completion, kept only when LOG_PAYLOADS=true. */
  payload: { messages: unknown; completion: unknown } | undefined = undefined;

  readonly requestId: string;
  /** Parent of every span this request records; the no-op span when tracing is off. */
  readonly span: TraceSpan;
  readonly startedAt: number;
  readonly api: ApiKind;
  readonly dialect: ApiDialect;
  private readonly createAbort: (() => AbortSource) | undefined;
  private readonly cacheControl: string | string[] | undefined;
  private directives: ClientCacheDirectives | undefined;
  /** The source of a request that no client can abort (an admin or ops call): never fired. */
  private unattended: AbortSource | undefined;
  /** Settles when the stream being accounted has recorded its usage (see `startAccounting`). */
  private accounting: Promise<void> | undefined;

  constructor(init: RequestContextInit) {
    this.requestId = init.requestId;
    this.span = init.span ?? NOOP_SPAN;
    this.startedAt = init.startedAt;
    this.api = init.api;
    this.dialect = init.dialect ?? 'openai';
    this.createAbort = init.abort;
    this.cacheControl = init.cacheControl;
  }

  /**
   * Aborts when the client disconnects before its response is complete (or a shutdown ends the
   * request). The router listens to it; `signal` is the same as an AbortSignal, for APIs that
   * take one.
   */
  get abort(): AbortSource {
    return this.createAbort ? this.createAbort() : (this.unattended ??= new AbortSource());
  }

  /** `abort` as an AbortSignal (made on first use). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /**
   * Marks a stream's usage as not recorded yet, until the returned function is called (once the
   * stream ends, however it ends). A client that goes away mid-stream closes the response before
   * that: `whenAccounted` holds its request line until the usage it was charged is in it.
   */
  startAccounting(): () => void {
    let settle!: () => void;
    const accounting = new Promise<void>((resolve) => (settle = resolve));
    this.accounting = accounting;
    return () => {
      if (this.accounting === accounting) this.accounting = undefined;
      settle();
    };
  }

  /**
   * Runs `report` now, or once the stream being accounted has recorded its usage (at most
   * `maxWaitMs` later: the line is never lost to a stream that fails to end).
   */
  whenAccounted(report: () => void, maxWaitMs = ACCOUNTING_WAIT_MS): void {
    const accounting = this.accounting;
    if (!accounting) return report();
    let reported = false;
    const once = () => {
      if (reported) return;
      reported = true;
      clearTimeout(timer);
      report();
    };
    const timer = setTimeout(once, maxWaitMs).unref();
    void accounting.then(once);
  }

  get cacheDirectives(): ClientCacheDirectives {
    return (this.directives ??= cacheDirectives(this.cacheControl));
  }
}

/** How long a request line waits for its abandoned stream's usage (see `whenAccounted`). */
const ACCOUNTING_WAIT_MS = 10_000;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** A client-supplied `x-request-id` is kept when it is sane; otherwise a new one is made. */
export function requestIdFrom(supplied: string | string[] | undefined): string {
  return typeof supplied === 'string' && REQUEST_ID.test(supplied) ? supplied : randomUUID();
}
