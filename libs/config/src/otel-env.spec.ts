import { ConfigError } from './config-error';
import { loadCoreConfig } from './load-config';

describe('OpenTelemetry configuration', () => {
  it('is off when no OTEL_* variable asks for an exporter', () => {
    expect(loadCoreConfig({}).tracing).toEqual({
      exporters: [],
      protocol: 'http/protobuf',
      captureContent: false,
    });
  });

  it('turns on with an OTLP endpoint, and takes the traces protocol over the general one', () => {
    const config = loadCoreConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    });
    expect(config.tracing.exporters).toEqual(['otlp']);
    expect(config.tracing.protocol).toBe('http/json');
  });

  it('stays off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, even with an endpoint', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(loadCoreConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).tracing.exporters).toEqual(
      [],
    );
    expect(loadCoreConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).tracing.exporters).toEqual(
      [],
    );
    expect(loadCoreConfig({ OTEL_TRACES_EXPORTER: 'console' }).tracing.exporters).toEqual([
      'console',
    ]);
  });

  it('captures prompt text in spans only with LOG_PAYLOADS=true', () => {
    expect(loadCoreConfig({ LOG_PAYLOADS: 'true' }).tracing.captureContent).toBe(true);
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'http'],
    ['OTEL_TRACES_EXPORTER', 'zipkin'],
    ['OTEL_TRACES_SAMPLER', 'sometimes'],
    ['OTEL_TRACES_SAMPLER_ARG', '2'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url'],
    ['OTEL_RESOURCE_ATTRIBUTES', 'no-equals-sign'],
    ['OTEL_BSP_SCHEDULE_DELAY', 'soon'],
  ])('fails at boot naming %s=%s', (name, value) => {
    expect(() => loadCoreConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadCoreConfig({ [name]: value })).toThrow(name);
  });
});
