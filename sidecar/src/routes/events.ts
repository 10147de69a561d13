import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Classifier } from '../contract/entities.js';
import { hasValidSuffix, orgKey } from '../contract/salesforce-id.js';
import { ingestBatch } from '../ingest/ingest-batch.js';
import type { TrackedRequestLoad } from '../pipeline/request-load.js';
import { withoutDrillMark } from '../drill/mark.js';
import type { Store } from '../store/store.js';
import { TELEMETRY_OFF, type StageTracer } from '../telemetry/stage-tracer.js';
import { ErrorReply } from './error-reply.js';
import { EventEnvelopeBody, IngestRejectedReply, IngestReply } from './events.schema.js';

interface EventsRouteOptions {
  store: Store;
  classifier: Classifier;
  /** The span of each batch (`leakwatch.ingest`, a child of the request's `traceparent` when it has one); default none. */
  stages?: StageTracer;
  /** Called after events were stored, to start scoring without waiting for the next poll. */
  onAccepted: () => void;
  /** Counts each batch in flight, from validation until it is stored (the background stages give way to it). */
  load: TrackedRequestLoad;
}

/** POST /v1/events: the package's batches of events, acknowledged once durable. */
const eventsRoute: FastifyPluginAsyncTypebox<EventsRouteOptions> = async (app, options) => {
  app.addHook('onResponse', async (_request, reply) => {
    app.metrics.ingestRequests.inc({ status: String(reply.statusCode) });
  });
  app.post(
    '/v1/events',
    {
      schema: {
        summary: 'Send a batch of events from the org',
        description:
          'The batch is stored before the 202 reply. Field values are classified in memory and never stored. ' +
          'Events already received are acknowledged as duplicates; events that break the schema are listed in `rejected`. ' +
          'Another content type than application/json (or none), malformed JSON and an envelope that breaks the schema ' +
          'get a 400 whose message says what to fix.',
        security: [{ bearer: [] }],
        body: EventEnvelopeBody,
        response: {
          202: IngestReply,
          400: IngestRejectedReply,
          401: ErrorReply,
          403: ErrorReply,
          413: ErrorReply,
          415: ErrorReply,
          500: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const envelope = request.body;
      if (!hasValidSuffix(envelope.orgId)) {
        return reply.code(400).send({
          statusCode: 400,
          error: 'Bad Request',
          message:
            'The orgId is 18 characters but its last three are not the case-safe checksum of the first 15: it was ' +
            "changed or mistyped. Send the org's id as UserInfo.getOrganizationId() returns it.",
          requestId: request.id,
        });
      }
      if (orgKey(envelope.orgId) !== request.orgId) {
        return reply.code(403).send({
          statusCode: 403,
          error: 'Forbidden',
          message:
            `The orgId in the envelope is not the org this bearer secret belongs to (it is the secret of org ${request.orgId}). ` +
            "Give the org's LeakwatchSidecar External Credential the secret configured for that org in the sidecar.",
          requestId: request.id,
        });
      }
      const { traceparent } = request.headers;
      const span = (options.stages ?? TELEMETRY_OFF).start('ingest', typeof traceparent === 'string' ? traceparent : undefined, {
        'leakwatch.org_id': request.orgId as string,
        'leakwatch.events': envelope.events.length,
        'http.request.method': 'POST',
        'http.route': '/v1/events',
      });
      let outcome;
      try {
        outcome = await options.load.track(() =>
          ingestBatch(options, {
            ...envelope,
            orgId: request.orgId as string,
            events: envelope.events.map(withoutDrillMark),
            traceParent: span.traceParent,
          }),
        );
      } catch (err) {
        span.set({ 'http.response.status_code': 503 });
        span.end(err);
        request.log.error({ err }, 'batch could not be stored');
        throw Object.assign(new Error('store unavailable'), { statusCode: 503 });
      }
      const allRejected = outcome.rejected.length === envelope.events.length;
      span.set({
        'leakwatch.events.accepted': outcome.accepted,
        'leakwatch.events.duplicate': outcome.duplicates,
        'leakwatch.events.rejected': outcome.rejected.length,
        'http.response.status_code': allRejected ? 400 : 202,
      });
      span.end();
      const { metrics } = app;
      metrics.classifyDuration.observe(outcome.classifySeconds);
      metrics.ingestEvents.inc({ outcome: 'accepted' }, outcome.accepted);
      metrics.ingestEvents.inc({ outcome: 'duplicate' }, outcome.duplicates);
      metrics.ingestEvents.inc({ outcome: 'rejected' }, outcome.rejected.length);
      if (outcome.accepted > 0) options.onAccepted();
      if (allRejected) {
        return reply.code(400).send({
          statusCode: 400,
          error: 'Bad Request',
          message: `None of the ${envelope.events.length} events matches the event schema; see rejected for the reasons.`,
          requestId: request.id,
          rejected: outcome.rejected,
        });
      }
      return reply.code(202).send({
        batchId: envelope.batchId,
        accepted: outcome.accepted,
        duplicates: outcome.duplicates,
        rejected: outcome.rejected,
      });
    },
  );
};

export default eventsRoute;
