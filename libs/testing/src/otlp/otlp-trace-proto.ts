import { parse, type Type } from 'protobufjs';

/**
 * The part of OTLP's trace protos (opentelemetry-proto, `collector/trace/v1`, `trace/v1`,
 * `common/v1`, `resource/v1`) a test receiver needs to decode an export request: field numbers
 * and types as published; fields a test never reads (events, links, dropped counts) are left out,
 * which protobuf decoding skips.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
`;

let requestType: Type | undefined;

/** The protobuf type of an OTLP/HTTP protobuf trace export body. */
export function exportTraceServiceRequestType(): Type {
  requestType ??= parse(OTLP_TRACE_PROTO, { keepCase: false }).root.lookupType(
    'otlp.ExportTraceServiceRequest',
  );
  return requestType;
}
