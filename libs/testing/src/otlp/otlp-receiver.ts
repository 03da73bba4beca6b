import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { exportTraceServiceRequestType } from './otlp-trace-proto';

/** One received span, the same whichever encoding carried it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  startMs: number;
  endMs: number;
}

type AnyValue = Record<string, unknown> | null | undefined;
interface KeyValue {
  key: string;
  value?: AnyValue;
}

/** OTLP/JSON carries ids as hex; protobuf (decoded to objects) as bytes. */
function hexId(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'string') {
    return /^[0-9a-f]+$/i.test(value)
      ? value.toLowerCase()
      : Buffer.from(value, 'base64').toString('hex');
  }
  return Buffer.from(value as Uint8Array).toString('hex');
}

function valueOf(value: AnyValue): unknown {
  if (!value) return undefined;
  const v = value as Record<string, unknown>;
  const pick = (...names: string[]) =>
    names.find((name) => v[name] !== undefined && v[name] !== null);
  const key = pick(
    'stringValue',
    'boolValue',
    'intValue',
    'doubleValue',
    'arrayValue',
    'bytesValue',
  );
  if (key === 'intValue') return Number(String(v.intValue));
  if (key === 'arrayValue') {
    return ((v.arrayValue as { values?: AnyValue[] }).values ?? []).map(valueOf);
  }
  return key ? v[key] : undefined;
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) attributes[key] = valueOf(value);
  return attributes;
}

function nanosToMs(value: unknown): number {
  return Number(BigInt(String(value ?? 0)) / 1000n) / 1000;
}

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: Record<string, unknown>[] }[];
  }[];
}

function spansOf(request: ExportRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: hexId(span.traceId),
        spanId: hexId(span.spanId),
        parentSpanId: hexId(span.parentSpanId),
        traceState: String(span.traceState ?? ''),
        name: String(span.name),
        kind: Number(span.kind ?? 0),
        service,
        attributes: attributesOf(span.attributes as KeyValue[]),
        statusCode: Number((span.status as { code?: number } | undefined)?.code ?? 0),
        startMs: nanosToMs(span.startTimeUnixNano),
        endMs: nanosToMs(span.endTimeUnixNano),
      })),
    );
  });
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  const body = Buffer.concat(parts);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/**
 * An OTLP/HTTP trace receiver on 127.0.0.1 (what a collector, Tempo or Jaeger accepts on
 * :4318/v1/traces), decoding both encodings the exporters send: `application/json` and
 * `application/x-protobuf`. Tests point OTEL_EXPORTER_OTLP_ENDPOINT at `baseUrl` and read `spans`.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Content types of the export requests received, in order. */
  readonly encodings: string[] = [];

  private readonly server: Server;
  private url = '';

  private constructor() {
    this.server = createServer((request, response) => {
      void this.accept(request).then(
        (contentType) => {
          response.writeHead(200, { 'content-type': contentType });
          response.end(contentType === 'application/json' ? '{}' : undefined);
        },
        (error: unknown) => {
          response.writeHead(400, { 'content-type': 'text/plain' });
          response.end(String((error as Error)?.message ?? error));
        },
      );
    });
  }

  /** Where exporters send (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  get baseUrl(): string {
    return this.url;
  }

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.server.address() as AddressInfo;
    receiver.url = `http://127.0.0.1:${port}`;
    return receiver;
  }

  /** Spans of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  private async accept(request: IncomingMessage): Promise<string> {
    if (request.method !== 'POST' || !request.url?.startsWith('/v1/traces'))
      throw new Error(`unexpected ${request.method} ${request.url}`);
    const contentType = String(request.headers['content-type'] ?? '').split(';')[0];
    const body = await bodyOf(request);
    this.encodings.push(contentType);
    if (contentType === 'application/json') {
      this.spans.push(...spansOf(JSON.parse(body.toString('utf8')) as ExportRequest));
    } else if (contentType === 'application/x-protobuf') {
      const type = exportTraceServiceRequestType();
      const decoded = type.toObject(type.decode(body), { longs: String, bytes: Buffer });
      this.spans.push(...spansOf(decoded as ExportRequest));
    } else {
      throw new Error(`unsupported content type ${contentType}`);
    }
    return contentType;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
