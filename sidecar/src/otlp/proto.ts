import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The published OTLP protocol (`opentelemetry-proto`, vendored under `sidecar/proto/opentelemetry/`)
 * and `google.rpc.Status` (googleapis, under `sidecar/proto/google/rpc/`), the body of OTLP/HTTP
 * failure replies. Loaded once, on first use.
 */
const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));
const FILES = ['opentelemetry/proto/collector/trace/v1/trace_service.proto', 'google/rpc/status.proto'];

interface OtlpTypes {
  request: protobuf.Type;
  response: protobuf.Type;
  status: protobuf.Type;
  resourceSpans: protobuf.Type;
  scopeSpans: protobuf.Type;
  resource: protobuf.Type;
  span: protobuf.Type;
  keyValue: protobuf.Type;
  anyValue: protobuf.Type;
  arrayValue: protobuf.Type;
}

let types: OtlpTypes | undefined;

/** The message types of the vendored protos; `google/protobuf/*` imports resolve to protobufjs's bundled copies. */
export function otlpTypes(): OtlpTypes {
  if (types) return types;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  root.loadSync(FILES, { keepCase: false });
  root.resolveAll();
  const t = (name: string) => root.lookupType(name);
  types = {
    request: t('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: t('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    status: t('google.rpc.Status'),
    resourceSpans: t('opentelemetry.proto.trace.v1.ResourceSpans'),
    scopeSpans: t('opentelemetry.proto.trace.v1.ScopeSpans'),
    resource: t('opentelemetry.proto.resource.v1.Resource'),
    span: t('opentelemetry.proto.trace.v1.Span'),
    keyValue: t('opentelemetry.proto.common.v1.KeyValue'),
    anyValue: t('opentelemetry.proto.common.v1.AnyValue'),
    arrayValue: t('opentelemetry.proto.common.v1.ArrayValue'),
  };
  return types;
}

/** The field number of `field` in `type`, read from the proto, so the wire reader never hard-codes one. */
export function fieldId(type: protobuf.Type, field: string): number {
  const f = type.fields[field];
  if (!f) throw new Error(`${type.fullName} has no field ${field}`);
  return f.id;
}

/** The `ExportTraceServiceResponse` body: `partialSuccess` only when spans were rejected or there is a warning. */
export interface ExportReply {
  partialSuccess?: { rejectedSpans: number; errorMessage: string };
}

export function encodeExportReply(reply: ExportReply): Buffer {
  const { response } = otlpTypes();
  return Buffer.from(response.encode(response.fromObject(reply)).finish());
}

/** A `google.rpc.Status` with a message only: OTLP leaves `code` unused. */
export function encodeStatus(message: string): Buffer {
  const { status } = otlpTypes();
  return Buffer.from(status.encode(status.fromObject({ message })).finish());
}
