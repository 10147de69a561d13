import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Classifier } from '../contract/entities.js';
import { orgKey } from '../contract/salesforce-id.js';
import type { Canary } from '../detect/state.js';
import { DRILL_STATES, DRILL_TARGET_STATES, drillReport } from '../drill/drill-report.js';
import { startDrill } from '../drill/start-drill.js';
import type { ConfiguredTarget } from '../notify/targets.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

interface DrillsRouteOptions {
  store: Store;
  classifier: Classifier;
  /** The configured notification targets; a drill reports on those of the calling org. */
  targets: readonly ConfiguredTarget[];
  /** Whether verdicts become incidents (`LEAKWATCH_INCIDENTS`): without incidents nothing is notified. */
  incidentsOn: boolean;
  /** Registers the drill canary with the detector; absent: the detector takes no canaries, and drills answer 409. */
  register?: (orgId: string, canaries: Canary[]) => Promise<void>;
  /** Called after the drill's events were stored, to score them without waiting for the next poll. */
  onAccepted: () => void;
}

/** How long a drill's report waits for the targets by default, and at most (seconds). */
const DRILL_TIMEOUT_SECONDS = { default: 120, max: 3_600 } as const;

const StartBody = Type.Object(
  {
    timeoutSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: DRILL_TIMEOUT_SECONDS.max,
        description: `How long the report waits for the targets; default ${DRILL_TIMEOUT_SECONDS.default}.`,
      }),
    ),
  },
  { additionalProperties: false },
);

const Started = Type.Object({
  drillId: Type.String({ format: 'uuid' }),
  startedAt: Type.String({ format: 'date-time' }),
  eventIds: Type.Array(Type.String(), { description: 'The synthetic events stored for the drill.' }),
  location: Type.String({ description: 'Where its progress is reported (GET).' }),
});

const TargetReport = Type.Object({
  name: Type.String(),
  kind: Type.String({ description: 'servicenow, jira, webhook, …' }),
  state: Type.Enum(DRILL_TARGET_STATES, {
    description:
      'waiting (no incident or nothing queued yet), queued, retrying, delivered, dead (refused or kept failing), skipped (the target wants more severe incidents).',
  }),
  attempts: Type.Integer(),
  deliveredMs: Type.Optional(Type.Integer({ description: "From the drill's start to the target accepting the incident's first revision." })),
  remoteId: Type.Optional(Type.String({ description: 'The ticket, request or delivery id the target answered.' })),
  remoteUrl: Type.Optional(Type.String()),
  lastError: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
});

const Report = Type.Object({
  drillId: Type.String({ format: 'uuid' }),
  orgId: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  timeoutMs: Type.Integer(),
  elapsedMs: Type.Integer(),
  state: Type.Enum(DRILL_STATES, { description: 'done: every target that should hear it delivered or dead-lettered it.' }),
  events: Type.Object({
    sent: Type.Integer(),
    stored: Type.Integer(),
    pending: Type.Integer(),
    scored: Type.Integer(),
    quiet: Type.Integer({ description: 'Scored without a verdict: the drill canary was not recognised.' }),
    failed: Type.Integer(),
  }),
  verdicts: Type.Array(Type.Object({ eventId: Type.String(), severity: Type.String(), riskScore: Type.Integer(), reasons: Type.Array(Type.String()) })),
  incident: Type.Union([Type.Object({ key: Type.String(), revision: Type.Integer(), title: Type.String(), severity: Type.String() }), Type.Null()]),
  targets: Type.Array(TargetReport),
});

const conflict = (message: string, requestId: string) => ({ statusCode: 409, error: 'Conflict', message, requestId });

/**
 * POST /v1/drills starts a drill for the calling org: synthetic canary events marked as a drill,
 * stored in the ingest queue so they go through scoring, the incident and its notifications as a
 * real breach would. GET /v1/drills/:id reports how far it got, per target.
 */
const drillsRoute: FastifyPluginAsyncTypebox<DrillsRouteOptions> = async (app, options) => {
  app.post(
    '/v1/drills',
    {
      schema: {
        summary: 'Start a notification drill: a synthetic breach of canary data',
        description: 'Answers 202 once the drill events are stored; follow the Location header for progress.',
        security: [{ bearer: [] }],
        body: StartBody,
        response: { 202: Started, 400: ErrorReply, 401: ErrorReply, 409: ErrorReply, 503: ErrorReply },
      },
    },
    async (request, reply) => {
      const orgId = request.orgId as string;
      if (!options.incidentsOn)
        return reply.code(409).send(conflict('Incidents are off (LEAKWATCH_INCIDENTS=off): a drill would open no incident and notify no one.', request.id));
      if (!options.register)
        return reply.code(409).send(conflict('This sidecar runs a detector that takes no canaries, so a drill would raise no verdict.', request.id));
      const org = orgKey(orgId);
      if (!options.targets.some((t) => t.orgs.length === 0 || t.orgs.includes(org)))
        return reply
          .code(409)
          .send(conflict('No notification target is configured for this org (LEAKWATCH_NOTIFY_FILE): a drill would reach no one.', request.id));
      const timeoutMs = (request.body.timeoutSeconds ?? DRILL_TIMEOUT_SECONDS.default) * 1_000;
      let started;
      try {
        started = await startDrill({ store: options.store, classifier: options.classifier, register: options.register }, orgId, timeoutMs);
      } catch (err) {
        request.log.error({ err }, 'drill could not be started');
        throw Object.assign(new Error('store unavailable'), { statusCode: 503 });
      }
      options.onAccepted();
      const location = `/v1/drills/${started.drillId}`;
      return reply
        .code(202)
        .header('location', location)
        .send({ ...started, location });
    },
  );

  app.get(
    '/v1/drills/:id',
    {
      schema: {
        summary: "A drill's progress, per target",
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Report, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const report = await drillReport(options.store, request.orgId as string, request.params.id.toLowerCase(), options.targets);
      if (!report)
        return reply
          .code(404)
          .send({ statusCode: 404, error: 'Not Found', message: 'No drill of this org has that id. Start one with POST /v1/drills.', requestId: request.id });
      return report;
    },
  );
};

export default drillsRoute;
