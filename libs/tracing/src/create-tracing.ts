import type { TracingConfig } from '@app/config';
import { NOOP_TRACING } from './noop-tracing';
import type { Tracing } from './tracing';

/**
 * The app's tracing, chosen once at boot: the no-op when no exporter is configured (the
 * OpenTelemetry SDK is then never loaded, so it costs neither start-up time nor memory), else the
 * OpenTelemetry SDK with the configured exporters.
 */
export function createTracing(config: TracingConfig, defaultServiceName: string): Tracing {
  if (config.exporters.length === 0) return NOOP_TRACING;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK loads only when on
  const { OtelTracing } = require('./otel-tracing') as typeof import('./otel-tracing');
  return OtelTracing.create(config, defaultServiceName);
}
