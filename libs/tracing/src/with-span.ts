import { NOOP_SPAN } from './noop-tracing';
import type { SpanOptions, TraceSpan } from './tracing';

/**
 * Runs `work` inside a child span of `parent` that ends when the work settles; a thrown error
 * marks the span failed with its `code` (GatewayError, ProviderError), its status, or `_OTHER`.
 * With tracing off `parent` is the no-op span and `work` runs with it directly (no extra promise).
 */
export function withSpan<T>(
  parent: TraceSpan,
  name: string,
  work: (span: TraceSpan) => Promise<T>,
  options?: SpanOptions,
): Promise<T> {
  if (parent === NOOP_SPAN) return work(NOOP_SPAN);
  return runInSpan(parent.child(name, options), work);
}

async function runInSpan<T>(span: TraceSpan, work: (span: TraceSpan) => Promise<T>): Promise<T> {
  try {
    return await work(span);
  } catch (error) {
    const { code, status } = (error ?? {}) as { code?: unknown; status?: unknown };
    span.fail(
      typeof code === 'string' ? code : typeof status === 'number' ? String(status) : '_OTHER',
      (error as Error)?.message,
    );
    throw error;
  } finally {
    span.end();
  }
}
