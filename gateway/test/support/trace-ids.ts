import { randomBytes } from 'node:crypto';
import type { ReceivedSpan } from '@app/testing/otlp/otlp-receiver';
import { waitFor } from '@app/testing/processes/worker-process';

/** A client's W3C trace context: a fresh trace id and the client's own (parent) span id. */
export function clientTraceContext() {
  const traceId = randomBytes(16).toString('hex');
  const parentSpanId = randomBytes(8).toString('hex');
  return {
    traceId,
    parentSpanId,
    headers: { traceparent: `00-${traceId}-${parentSpanId}-01`, tracestate: 'client=probe' },
  };
}

/** The trace and parent span ids of a `traceparent` header a fake upstream received. */
export function parsedTraceparent(value: unknown): { traceId: string; spanId: string } {
  const [, traceId, spanId] = String(value).split('-');
  return { traceId, spanId };
}

/** Waits until `spans` holds spans named every one of `names`, and returns them. */
export function spansNamed(
  spans: () => ReceivedSpan[],
  names: string[],
  timeoutMs = 10_000,
): Promise<ReceivedSpan[]> {
  return waitFor(
    async () => {
      const current = spans();
      return names.every((name) => current.some((span) => span.name === name))
        ? current
        : undefined;
    },
    timeoutMs,
    `spans ${names.join(', ')}`,
  );
}

/** The GenAI attempt spans (client spans with an attempt number), in attempt order. */
export function attemptSpans(spans: ReceivedSpan[]): ReceivedSpan[] {
  return spans
    .filter((span) => span.kind === 3 && span.attributes['gateway.attempt.number'] !== undefined)
    .sort(
      (a, b) =>
        Number(a.attributes['gateway.attempt.number']) -
        Number(b.attributes['gateway.attempt.number']),
    );
}
