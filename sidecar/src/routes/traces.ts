import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Classifier } from '../contract/entities.js';
import type { EgressPolicy } from '../egress/policy.js';
import { decodeJsonTraces, decodeProtobufTraces, UndecodableTraces, type DecodeOptions } from '../otlp/decode-traces.js';
import { FLOW_RESOURCE_ATTRIBUTES, FLOW_SPAN_ATTRIBUTES, FLOW_SPAN_KINDS, flowsOf } from '../otlp/flows.js';
import { encodeExportReply, encodeStatus, type ExportReply } from '../otlp/proto.js';
import { recordFlows } from '../otlp/record-flows.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

interface TracesRouteOptions {
  store: Store;
  classifier: Classifier;
  policyFor: (orgId: string) => EgressPolicy;
  piiObjects: ReadonlySet<string>;
  /** Spans kept per request at most; the rest are rejected with a partial success. */
  maxSpans?: number;
  /** Called after verdict events were stored, to start scoring without waiting for the next poll. */
  onAccepted: () => void;
}

/** The default span budget of one request: ten times the SDKs' default export batch (512). */
const DEFAULT_MAX_SPANS = 50_000;

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const ExportTraceServiceResponse = Type.Object(
  {
    partialSuccess: Type.Optional(
      Type.Object({
        rejectedSpans: Type.String({ description: 'int64 as the proto3 JSON mapping writes it: a decimal string.' }),
        errorMessage: Type.String(),
      }),
    ),
  },
  { description: 'OTLP `ExportTraceServiceResponse`; protobuf-encoded when the request was.' },
);

function mediaType(request: FastifyRequest): string | undefined {
  return request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
}

function badRequest(message: string): Error {
  return Object.assign(new Error(message), { statusCode: 400, code: 'LW_BAD_OTLP_BODY' });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * POST /v1/traces: the OTLP/HTTP trace receiver (binary protobuf or JSON, gzip allowed). Spans
 * are read for data flows only: CLIENT and PRODUCER spans with a destination host, their
 * service, Salesforce objects and fields, and counts. Replies follow OTLP/HTTP: 200 with an
 * `ExportTraceServiceResponse` (partial success when spans were rejected), failures with a
 * `google.rpc.Status` body, each in the encoding of the request.
 */
const tracesRoute: FastifyPluginAsyncTypebox<TracesRouteOptions> = async (app, options) => {
  const decodeOptions: DecodeOptions = {
    kinds: FLOW_SPAN_KINDS,
    attributes: FLOW_SPAN_ATTRIBUTES,
    resourceAttributes: FLOW_RESOURCE_ATTRIBUTES,
    maxSpans: options.maxSpans ?? DEFAULT_MAX_SPANS,
  };
  // Failures of a protobuf request are a protobuf `google.rpc.Status`, as OTLP/HTTP requires.
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (reply.statusCode < 400 || mediaType(request) !== PROTOBUF || typeof payload !== 'string') return payload;
    let message = 'The request failed.';
    try {
      const parsed = JSON.parse(payload) as { message?: unknown; requestId?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
      if (typeof parsed.requestId === 'string') message += ` (request id ${parsed.requestId})`;
    } catch {
      // Not JSON: the generic message stands.
    }
    reply.header('content-type', PROTOBUF);
    return encodeStatus(message);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(PROTOBUF, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.addContentTypeParser(JSON_TYPE, { parseAs: 'buffer' }, (_request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(badRequest('The request body is not valid UTF-8. Send OTLP JSON as UTF-8.'), undefined);
      return;
    }
    if (text.trim() === '') {
      done(null, {});
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(
        badRequest('The request body is not valid JSON. Send an OTLP JSON ExportTraceServiceRequest, or protobuf with Content-Type: application/x-protobuf.'),
        undefined,
      );
    }
  });
  app.addContentTypeParser('*', (request, _payload, done) => {
    const given = mediaType(request);
    done(
      Object.assign(
        new Error(
          `${given ? `The content type ${JSON.stringify(given.slice(0, 100))} is not an OTLP encoding.` : 'The request has no Content-Type header.'} Send Content-Type: application/x-protobuf (OTLP/HTTP protobuf) or application/json (OTLP/HTTP JSON).`,
        ),
        { statusCode: 415, code: 'LW_UNSUPPORTED_OTLP_TYPE' },
      ),
      undefined,
    );
  });

  app.post(
    '/v1/traces',
    {
      schema: {
        summary: 'Receive OTLP/HTTP traces (data flows)',
        description:
          'An OTLP/HTTP trace export (`ExportTraceServiceRequest`), binary protobuf (`application/x-protobuf`) or JSON ' +
          '(`application/json`), optionally gzip-compressed. Only data flows are kept: source service, destination host, ' +
          'Salesforce object and field names, span counts and request bytes per UTC day; no attribute value other than those. ' +
          'The reply is an `ExportTraceServiceResponse` in the encoding of the request, with `partialSuccess` when spans were ' +
          'rejected; an undecodable body gets a 400, failures carry a `google.rpc.Status` (protobuf) or an error object (JSON).',
        consumes: [PROTOBUF, JSON_TYPE],
        produces: [PROTOBUF, JSON_TYPE],
        security: [{ bearer: [] }],
        response: {
          200: Type.Union([
            ExportTraceServiceResponse,
            Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The protobuf-encoded ExportTraceServiceResponse.' }),
          ]),
          400: ErrorReply,
          401: ErrorReply,
          413: ErrorReply,
          415: ErrorReply,
          500: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const protobufRequest = mediaType(request) === PROTOBUF;
      let decoded;
      try {
        decoded = protobufRequest
          ? decodeProtobufTraces((request.body as Buffer | undefined) ?? Buffer.alloc(0), decodeOptions)
          : decodeJsonTraces(request.body ?? {}, decodeOptions);
      } catch (err) {
        if (err instanceof UndecodableTraces) throw badRequest(err.message);
        throw err;
      }
      const samples = flowsOf(decoded.spans, Date.now());
      let recorded;
      try {
        recorded = await recordFlows(options, request.orgId as string, samples);
      } catch (err) {
        request.log.error({ err }, 'flows could not be stored');
        throw Object.assign(new Error('store unavailable'), { statusCode: 503 });
      }
      if (recorded.events > 0) options.onAccepted();
      request.log.info({ spans: decoded.total, rejected: decoded.rejected, flows: recorded.flows, events: recorded.events }, 'traces received');
      const body: ExportReply =
        decoded.rejected > 0
          ? {
              partialSuccess: {
                rejectedSpans: decoded.rejected,
                errorMessage: `${decoded.rejected} of ${decoded.total} spans rejected: ${decoded.problems.join('; ')}.`,
              },
            }
          : {};
      if (protobufRequest) return reply.code(200).type(PROTOBUF).send(encodeExportReply(body));
      return reply
        .code(200)
        .type(JSON_TYPE)
        .send(body.partialSuccess ? { partialSuccess: { ...body.partialSuccess, rejectedSpans: String(body.partialSuccess.rejectedSpans) } } : {});
    },
  );
};

export default tracesRoute;
