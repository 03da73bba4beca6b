import { z } from 'zod';
import { envBoolean, envInt, envNumber, envString, envUrl } from './env-parsers';

/**
 * OpenTelemetry's standard variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
 * validated here so a typo fails at boot naming the variable. The SDK and its exporters read
 * them again themselves (endpoints, headers, sampler, batch settings): the values are checked,
 * never re-implemented.
 */
const blank = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export type OtlpProtocol = (typeof PROTOCOLS)[number];

const protocol = () =>
  z.preprocess(
    blank,
    z.enum(PROTOCOLS, { message: `must be one of ${PROTOCOLS.join(', ')}` }).optional(),
  );

const EXPORTERS = new Set(['otlp', 'console', 'none']);

/** `otlp`, `console`, `none` or a comma list of them (the spec's OTEL_TRACES_EXPORTER). */
const exporterList = () =>
  z.preprocess(
    blank,
    z
      .string()
      .optional()
      .transform((value, context) => {
        if (value === undefined) return undefined;
        const names = value
          .split(',')
          .map((name) => name.trim().toLowerCase())
          .filter(Boolean);
        const unknown = names.filter((name) => !EXPORTERS.has(name));
        if (unknown.length > 0) {
          context.addIssue({
            code: 'custom',
            message: `unknown exporter ${unknown.join(', ')} (use otlp, console or none)`,
          });
          return z.NEVER;
        }
        return names;
      }),
  );

/** `key=value,key2=value2` with percent-encoded values (the W3C Baggage octet rules). */
const resourceAttributes = () =>
  envString().refine(
    (value) =>
      value === undefined ||
      value.split(',').every((pair) => pair.trim() === '' || /^[^=\s]+=.*$/.test(pair.trim())),
    'must be key=value pairs separated by commas',
  );

export const otelEnvShape = {
  OTEL_SDK_DISABLED: envBoolean(false),
  OTEL_TRACES_EXPORTER: exporterList(),
  OTEL_EXPORTER_OTLP_ENDPOINT: envUrl(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: envUrl(),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol(),
  OTEL_SERVICE_NAME: envString(),
  OTEL_RESOURCE_ATTRIBUTES: resourceAttributes(),
  OTEL_TRACES_SAMPLER: z.preprocess(
    (value) => (typeof blank(value) === 'string' ? (value as string).toLowerCase() : undefined),
    z.enum(SAMPLERS, { message: `must be one of ${SAMPLERS.join(', ')}` }).optional(),
  ),
  OTEL_TRACES_SAMPLER_ARG: z.preprocess(
    blank,
    z.coerce
      .number({ message: 'must be a number between 0 and 1' })
      .min(0, 'must be at least 0')
      .max(1, 'must be at most 1')
      .optional(),
  ),
  OTEL_BSP_SCHEDULE_DELAY: envInt(5000, { min: 0 }),
  OTEL_BSP_EXPORT_TIMEOUT: envInt(30_000, { min: 0 }),
  OTEL_BSP_MAX_QUEUE_SIZE: envInt(2048, { min: 1 }),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: envInt(512, { min: 1 }),
  OTEL_EXPORTER_OTLP_TIMEOUT: envNumber(10_000, { min: 0 }),
};

export interface OtelEnv {
  OTEL_SDK_DISABLED?: boolean;
  OTEL_TRACES_EXPORTER?: string[];
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_PROTOCOL?: OtlpProtocol;
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: OtlpProtocol;
  OTEL_SERVICE_NAME?: string;
}

/** Where traces go: nothing (the default), an OTLP endpoint, the console, or both. */
export type TraceExporterName = 'otlp' | 'console';

/**
 * Tracing is on when an exporter is asked for: OTEL_TRACES_EXPORTER names one, or (unset) an OTLP
 * endpoint is given. OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turns it off. Off means
 * the SDK is never loaded.
 */
export function traceExportersOf(env: OtelEnv): TraceExporterName[] {
  if (env.OTEL_SDK_DISABLED) return [];
  const named = env.OTEL_TRACES_EXPORTER;
  if (named) {
    if (named.includes('none')) return [];
    return [...new Set(named)] as TraceExporterName[];
  }
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint ? ['otlp'] : [];
}
