import type { TracingConfig } from '@app/config';
import { NOOP_SPAN, NOOP_TRACING } from './noop-tracing';
import { createTracing } from './create-tracing';
import { OtelTracing } from './otel-tracing';
import { withSpan } from './with-span';

const CONFIG: TracingConfig = { exporters: [], protocol: 'http/protobuf', captureContent: false };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

describe('the tracing seam', () => {
  it('is the no-op when no exporter is configured: no span, no headers, no ids', () => {
    const tracing = createTracing(CONFIG, 'test');
    expect(tracing).toBe(NOOP_TRACING);
    const span = tracing.startSpan('request', { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` });
    expect(span).toBe(NOOP_SPAN);
    expect(span.child('attempt')).toBe(NOOP_SPAN);
    expect(span.carrier()).toEqual({});
    expect(span.traceId).toBeUndefined();
  });

  describe('with OpenTelemetry', () => {
    const tracing = OtelTracing.create({ ...CONFIG }, 'test');
    afterAll(() => tracing.shutdown());

    it("continues a client's trace and hands each child's own span id on with the trace state", () => {
      const server = tracing.startSpan('request', {
        traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01`,
        tracestate: 'vendor=value',
      });
      const attempt = server.child('chat model', { kind: 'client' });
      expect(server.traceId).toBe(TRACE_ID);
      expect(attempt.traceId).toBe(TRACE_ID);
      expect(attempt.spanId).not.toBe(server.spanId);
      expect(attempt.carrier()).toEqual({
        traceparent: `00-${TRACE_ID}-${attempt.spanId}-01`,
        tracestate: 'vendor=value',
      });
      attempt.end();
      server.end();
    });

    it('starts a new trace without a traceparent, and keeps an unsampled client unsampled', () => {
      const fresh = tracing.startSpan('request', {});
      expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(fresh.traceId).not.toBe(TRACE_ID);
      const unsampled = tracing.startSpan('request', {
        traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-00`,
      });
      expect(unsampled.recording).toBe(false);
      expect(unsampled.carrier().traceparent).toMatch(
        new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`),
      );
    });

    it('ends a withSpan span when the work fails, and passes the error on', async () => {
      const parent = tracing.startSpan('request', undefined);
      const failure = Object.assign(new Error('over budget'), { code: 'budget_exceeded' });
      await expect(
        withSpan(parent, 'gateway.quota_check', () => Promise.reject(failure)),
      ).rejects.toBe(failure);
    });
  });
});
