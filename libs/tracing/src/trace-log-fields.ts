import type { TraceSpan } from './tracing';

/** `trace_id` / `span_id` for a log line written inside a span (nothing when tracing is off). */
export function traceLogFields(span: TraceSpan): { trace_id?: string; span_id?: string } {
  const traceId = span.traceId;
  return traceId === undefined ? {} : { trace_id: traceId, span_id: span.spanId };
}
