import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind as OtelSpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '@app/config';
import type {
  SpanAttributes,
  SpanAttributeValue,
  SpanKind,
  SpanOptions,
  TraceCarrier,
  Tracing,
  TraceSpan,
} from './tracing';

/**
 * The OpenTelemetry implementation of the seam, loaded only when tracing is on. No global
 * registration (no context manager, no global provider): spans are parented explicitly, and no
 * library the apps use is instrumented behind their back. The SDK reads OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_BSP_*, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and the exporters' OTEL_EXPORTER_OTLP_*
 * variables itself.
 */

const KINDS: Record<SpanKind, OtelSpanKind> = {
  internal: OtelSpanKind.INTERNAL,
  server: OtelSpanKind.SERVER,
  client: OtelSpanKind.CLIENT,
  producer: OtelSpanKind.PRODUCER,
  consumer: OtelSpanKind.CONSUMER,
};

const propagator = new W3CTraceContextPropagator();

/** Longest wait for the last export at shutdown. */
const SHUTDOWN_EXPORT_MS = 500;

function defined(attributes: SpanAttributes | undefined): Record<string, SpanAttributeValue> {
  const result: Record<string, SpanAttributeValue> = {};
  if (!attributes) return result;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}

class OtelSpan implements TraceSpan {
  readonly recording: boolean;

  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
  ) {
    this.recording = span.isRecording();
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  get spanId(): string {
    return this.span.spanContext().spanId;
  }

  child(name: string, options: SpanOptions = {}): TraceSpan {
    return startOtelSpan(this.tracer, name, trace.setSpan(ROOT_CONTEXT, this.span), options);
  }

  set(key: string, value: SpanAttributeValue | undefined): this {
    if (value !== undefined && this.recording) this.span.setAttribute(key, value);
    return this;
  }

  setAll(attributes: SpanAttributes): this {
    if (this.recording) this.span.setAttributes(defined(attributes));
    return this;
  }

  fail(errorType: string, message?: string): this {
    this.span.setAttribute('error.type', errorType);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
    return this;
  }

  carrier(): TraceCarrier {
    const headers: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, this.span), headers, defaultTextMapSetter);
    return headers;
  }

  end(endTime?: number): void {
    this.span.end(endTime);
  }
}

function startOtelSpan(
  tracer: Tracer,
  name: string,
  parent: ReturnType<typeof trace.setSpan>,
  options: SpanOptions,
): OtelSpan {
  const span = tracer.startSpan(
    name,
    {
      kind: KINDS[options.kind ?? 'internal'],
      attributes: defined(options.attributes),
      startTime: options.startTime,
    },
    parent,
  );
  return new OtelSpan(tracer, span);
}

/* eslint-disable @typescript-eslint/no-require-imports -- only the chosen exporter is loaded */
function exporterFor(name: 'otlp' | 'console', protocol: TracingConfig['protocol']): SpanExporter {
  if (name === 'console') return new ConsoleSpanExporter();
  // Each exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, _TIMEOUT, _COMPRESSION.
  // Only the chosen protocol's module is loaded (gRPC pulls in @grpc/grpc-js).
  switch (protocol) {
    case 'grpc': {
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
      return new OTLPTraceExporter();
    }
    case 'http/json': {
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter();
    }
    default: {
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter();
    }
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */

export class OtelTracing implements Tracing {
  readonly enabled = true;
  readonly captureContent: boolean;

  private constructor(
    private readonly provider: BasicTracerProvider,
    private readonly tracer: Tracer,
    config: TracingConfig,
  ) {
    this.captureContent = config.captureContent;
  }

  /** `defaultServiceName` applies unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES names one. */
  static create(config: TracingConfig, defaultServiceName: string): OtelTracing {
    const resource = resourceFromAttributes({ 'service.name': defaultServiceName }).merge(
      detectResources({ detectors: [envDetector] }),
    );
    const exporters = config.exporters.map((name) => exporterFor(name, config.protocol));
    const provider = new BasicTracerProvider({
      resource,
      spanProcessors: exporters.map((exporter) => new BatchSpanProcessor(exporter)),
    });
    return new OtelTracing(provider, provider.getTracer('ai-gateway'), config);
  }

  startSpan(
    name: string,
    carrier: Readonly<Record<string, string | string[] | undefined>> | undefined,
    options: SpanOptions = {},
  ): TraceSpan {
    const parent = carrier
      ? propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter)
      : ROOT_CONTEXT;
    return startOtelSpan(this.tracer, name, parent, options);
  }

  /**
   * Exports what is buffered, for at most `timeoutMs`: an unreachable collector costs spans, never
   * a clean exit (the gateway's shutdown hooks have under a second, see graceful-shutdown.ts).
   */
  async shutdown(timeoutMs = SHUTDOWN_EXPORT_MS): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.provider.shutdown().catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }
}
