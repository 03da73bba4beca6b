import type {
  SpanAttributes,
  SpanAttributeValue,
  TraceCarrier,
  Tracing,
  TraceSpan,
} from './tracing';

const NO_HEADERS: TraceCarrier = Object.freeze({});

/** Tracing off: one shared span whose every method does nothing (no allocation per request). */
class NoopSpan implements TraceSpan {
  readonly recording = false;
  readonly traceId = undefined;
  readonly spanId = undefined;

  child(): TraceSpan {
    return this;
  }

  set(_key: string, _value: SpanAttributeValue | undefined): this {
    return this;
  }

  setAll(_attributes: SpanAttributes): this {
    return this;
  }

  fail(): this {
    return this;
  }

  carrier(): TraceCarrier {
    return NO_HEADERS;
  }

  end(): void {}
}

export const NOOP_SPAN: TraceSpan = new NoopSpan();

export const NOOP_TRACING: Tracing = {
  enabled: false,
  captureContent: false,
  startSpan: () => NOOP_SPAN,
  shutdown: () => Promise.resolve(),
};
