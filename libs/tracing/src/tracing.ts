/**
 * The one tracing seam. Everything that records spans or carries a trace across a wire talks to
 * these two interfaces; the OpenTelemetry SDK sits behind them and is loaded only when tracing is
 * on (`createTracing`). Spans are parented explicitly (`span.child(...)`), never through an
 * async-local "current span": the gateway already carries its `RequestContext` to every step, and
 * explicit parents cost nothing when tracing is off.
 */

export type SpanAttributeValue = string | number | boolean | string[];

/** Attribute values may be undefined: such keys are left out. */
export type SpanAttributes = Readonly<Record<string, SpanAttributeValue | undefined>>;

/** W3C trace context headers (`traceparent`, `tracestate`), as sent on a wire or kept in job data. */
export type TraceCarrier = Readonly<Record<string, string>>;

export type SpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export interface SpanOptions {
  attributes?: SpanAttributes;
  /** @defaultValue 'internal' */
  kind?: SpanKind;
  /** Epoch milliseconds, for a span that started before it could be created (queue wait). */
  startTime?: number;
}

export interface TraceSpan {
  /** False for the no-op span (tracing off) and for spans the sampler dropped. */
  readonly recording: boolean;
  /** For log lines; undefined when tracing is off. */
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  child(name: string, options?: SpanOptions): TraceSpan;
  set(key: string, value: SpanAttributeValue | undefined): this;
  setAll(attributes: SpanAttributes): this;
  /** Marks the span failed: `error.type` (a low-cardinality class) and an error status. */
  fail(errorType: string, message?: string): this;
  /** The W3C headers that continue this span's trace on an outgoing call; empty when off. */
  carrier(): TraceCarrier;
  end(endTime?: number): void;
}

export interface Tracing {
  readonly enabled: boolean;
  /** Prompt and completion text may go into spans (LOG_PAYLOADS=true). */
  readonly captureContent: boolean;
  /**
   * A span that continues the trace in `carrier` (a client's `traceparent`/`tracestate`
   * headers, or a job's carried context), or starts a new trace when it holds none.
   */
  startSpan(
    name: string,
    carrier: Readonly<Record<string, string | string[] | undefined>> | undefined,
    options?: SpanOptions,
  ): TraceSpan;
  /** Exports what is buffered (best effort, bounded in time; never rejects) and stops. */
  shutdown(timeoutMs?: number): Promise<void>;
}
