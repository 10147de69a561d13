import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { awarenessOf } from '../incidents/awareness.js';
import { clockStatus, CLOCK_STATES } from '../incidents/clocks-status.js';
import { DEFAULT_INCIDENT_SETTINGS, type IncidentSettings, type IncidentState } from '../incidents/correlate.js';
import { IncidentChangeError, mergeIncidents, splitIncident } from '../incidents/merge-split.js';
import type { ConfiguredTarget } from '../notify/targets.js';
import { summaryOf, timelineOf } from '../incidents/incident-record.js';
import {
  DRAFT_FORMATS,
  DRAFT_LANGUAGES,
  DRAFT_NAMES,
  draftFileName,
  loadDraftTemplates,
  markdownBlocks,
  markdownToPdf,
  renderDraft,
  type DraftTemplates,
} from '../notify/drafts.js';
import { storedDraft, storedDraftIndex } from '../incidents/draft-store.js';
import type { Sql, Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

export interface IncidentsRouteOptions {
  store: Store;
  /** An administrator's draft templates (`LEAKWATCH_DRAFTS_DIR`): each file there replaces the shipped one. */
  draftsDir?: string;
  /** The templates already loaded (the app loads them once for the drafts stored with each revision); else read from `draftsDir`. */
  templates?: DraftTemplates;
  /** The DPO or other contact point written into the GDPR draft; absent: a blank to complete. */
  dpoContact?: string;
  /** The clock the regulatory clocks are read against; default the system clock. */
  now?: () => Date;
  /** For merges and splits: the incident settings (drafts stored with each revision) and the targets to notify. */
  incidents?: IncidentSettings;
  notifyTargets?: readonly ConfiguredTarget[];
  /** After a merge or split queued work: wakes the write-back and notification stages. */
  onChanged?: () => void;
}

/** The list holds the org's newest incidents, at most this many. */
const LIST_LIMIT = 200;

/** The org's newest incidents, without their verdicts (the list does not show them). */
async function incidentsOf(sql: Sql, orgId: string): Promise<Omit<IncidentState, 'verdicts'>[]> {
  const rows = await sql.query<{ state: Omit<IncidentState, 'verdicts'> }>(
    `SELECT state - 'verdicts' AS state FROM incident WHERE org_id = $1 ORDER BY opened_at DESC, incident_key DESC LIMIT $2`,
    [orgId, LIST_LIMIT],
  );
  return rows.map((r) => r.state);
}

/** One incident of the org, or undefined for an unknown key or another org's incident. */
async function incidentOf(sql: Sql, orgId: string, key: string): Promise<IncidentState | undefined> {
  const rows = await sql.query<{ state: IncidentState }>('SELECT state FROM incident WHERE org_id = $1 AND incident_key = $2::uuid', [orgId, key]);
  return rows[0]?.state;
}

const Clock = Type.Object({
  dueAt: Type.String({ format: 'date-time' }),
  elapsedShare: Type.Number({ minimum: 0, description: 'Time gone since awareness over the whole span: 1 at the deadline, above 1 after it.' }),
  state: Type.Enum(CLOCK_STATES, {
    description:
      'running; past50 and past90: a reminder is due (50 % and 90 % of the span gone); overdue: the deadline has passed; met, metLate: its milestone was recorded in the org, in time or late.',
  }),
  metAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the milestone that meets it was recorded in the org.' })),
});

const Clocks = Type.Object(
  {
    gdpr72h: Clock,
    nis2EarlyWarning24h: Clock,
    nis2Notification72h: Clock,
    nis2FinalReport1Month: Clock,
  },
  {
    description:
      "The regulatory clocks, counted from awareness: GDPR Art. 33(1), NIS2 Art. 23(4)(a), (b) and (d). Absent while the incident waits for a DPO's confirmation (LEAKWATCH_AWARENESS=confirmation).",
  },
);

const Awareness = Type.Union(
  [
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      basis: Type.Union([Type.Literal('detection'), Type.Literal('confirmation')], {
        description: "Leakwatch's detection, or a DPO's confirmation in the org.",
      }),
    }),
    Type.Null({ description: 'Waiting for a DPO to confirm the breach in the org.' }),
  ],
  { description: 'When the controller became aware: the moment the clocks count from.' },
);

const Severity = Type.Union([Type.Literal('Critical'), Type.Literal('High'), Type.Literal('Medium'), Type.Literal('Low')]);

const summaryProperties = {
  key: Type.String({ description: 'The incident key (Incident__c.IncidentKey__c).' }),
  title: Type.String(),
  severity: Severity,
  revision: Type.Integer(),
  openedAt: Type.String({ format: 'date-time', description: 'When Leakwatch detected it: awareness.' }),
  lastVerdictAt: Type.String({ format: 'date-time' }),
  verdictCount: Type.Integer(),
  dataCategories: Type.Array(Type.String()),
  estimatedSubjects: Type.Integer({ description: 'Records of people in the flagged activity (a floor).' }),
  awareness: Awareness,
  clocks: Type.Optional(Clocks),
  status: Type.Optional(Type.String({ description: 'Incident__c.Status__c as read back from the org.' })),
  mergedInto: Type.Optional(Type.String({ description: 'The incident this one was merged into.' })),
  drill: Type.Optional(Type.Boolean({ description: 'A synthetic breach run by leakwatch drill.' })),
};

const IncidentSummary = Type.Object(summaryProperties);

const IncidentDetail = Type.Object({
  ...summaryProperties,
  firstEventAt: Type.String({ format: 'date-time' }),
  canary: Type.Boolean(),
  estimatedRecords: Type.Integer({ description: 'Records in the flagged activity (a floor).' }),
  actors: Type.Array(Type.String(), { description: 'Accounts that acted, masked.' }),
  objects: Type.Array(Type.String()),
  apps: Type.Array(Type.String()),
  summary: Type.String(),
  timeline: Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), what: Type.String(), who: Type.String() }), { description: 'Oldest first.' }),
  verdicts: Type.Array(
    Type.Object({
      eventId: Type.String({ description: 'Names the verdict in a split.' }),
      severity: Type.String(),
      riskScore: Type.Number(),
      occurredAt: Type.String({ format: 'date-time' }),
      summary: Type.String({ description: 'Its top reasons, users masked.' }),
    }),
    { description: 'The verdicts it holds (at most the newest 500), oldest first.' },
  ),
});

const RequestedBy = Type.Optional(
  Type.String({ pattern: '^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$', description: 'The Salesforce user who asked for it, for the evidence log.' }),
);

const MergeBody = Type.Object(
  {
    incidents: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 20, description: 'The keys of the incidents merged into this one.' }),
    requestedBy: RequestedBy,
  },
  { additionalProperties: false },
);

const SplitBody = Type.Object(
  {
    verdicts: Type.Array(Type.String({ format: 'uuid' }), {
      minItems: 1,
      maxItems: 500,
      description: "Event ids of the verdicts that leave (see the incident's verdicts).",
    }),
    requestedBy: RequestedBy,
  },
  { additionalProperties: false },
);

const IncidentKey = Type.String({ format: 'uuid', description: 'The incident key (Incident__c.IncidentKey__c).' });

const KeyParams = Type.Object({ key: IncidentKey });

const DraftParams = Type.Object({
  key: IncidentKey,
  draft: Type.Enum(DRAFT_NAMES, {
    description: 'gdpr-art33: GDPR Art. 33 notification; nis2-early-warning, nis2-notification, nis2-final-report: NIS2 Art. 23(4)(a), (b), (d).',
  }),
});

const DraftQuery = Type.Object(
  {
    lang: Type.Optional(Type.Enum(DRAFT_LANGUAGES, { description: 'Default en.' })),
    format: Type.Optional(Type.Enum(DRAFT_FORMATS, { description: 'Default md.' })),
    revision: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{0,8}$',
        description: 'The draft as stored with that revision of the incident. Absent: the draft of the current revision (as stored with it, else written now).',
      }),
    ),
  },
  { additionalProperties: false },
);

const notFound = (request: FastifyRequest, reply: FastifyReply, message: string) =>
  reply.code(404).send({ statusCode: 404, error: 'Not Found', message, requestId: request.id });

const NO_INCIDENT = 'No incident of this org has that key. List the incidents with GET /v1/incidents.';

/** What the list shows of an incident, with its clocks at `at`; the detail adds to it. */
const listed = (s: Omit<IncidentState, 'verdicts'>, at: Date) => ({
  key: s.key,
  title: s.title,
  severity: s.severity,
  revision: s.revision,
  openedAt: s.openedAt,
  lastVerdictAt: s.lastVerdictAt,
  verdictCount: s.verdictCount,
  dataCategories: s.dataCategories,
  estimatedSubjects: s.estimatedSubjects,
  awareness: awarenessOf(s) ?? null,
  ...optional('clocks', clockStatus(s, at)),
  ...optional('status', s.org?.status),
  ...optional('mergedInto', s.mergedInto),
  ...optional('drill', s.drill),
});

/** One incident in full: the list's fields, its actors, objects, apps, verdicts' summary and timeline. */
const detailOf = (s: IncidentState, at: Date) => ({
  ...listed(s, at),
  firstEventAt: s.firstEventAt,
  canary: s.canary,
  estimatedRecords: s.estimatedRecords,
  actors: s.actorNames,
  objects: s.objects,
  apps: s.apps,
  verdicts: s.verdicts.map((v) => ({ eventId: v.eventId, severity: v.severity, riskScore: v.riskScore, occurredAt: v.occurredAt, summary: v.summary })),
  summary: summaryOf(s),
  timeline: timelineOf(s),
});

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

/**
 * The calling org's incidents with their regulatory clocks, one incident with its timeline, and
 * drafts of the GDPR and NIS2 reports about it, as Markdown or PDF. Templates are read once, here:
 * an administrator's template with an unknown placeholder stops the sidecar at start-up.
 */
const incidentsRoute: FastifyPluginAsyncTypebox<IncidentsRouteOptions> = async (app, options) => {
  const templates = options.templates ?? (await loadDraftTemplates({ dir: options.draftsDir }));
  const now = options.now ?? (() => new Date());

  app.get(
    '/v1/incidents',
    {
      schema: {
        summary: "The org's incidents, newest first",
        description: `At most the ${LIST_LIMIT} newest by detection, each with its regulatory clocks now.`,
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ incidents: Type.Array(IncidentSummary) }), 401: ErrorReply },
      },
    },
    async (request) => {
      const at = now();
      const states = await incidentsOf(options.store, request.orgId as string);
      return { incidents: states.map((s) => listed(s, at)) };
    },
  );

  app.get(
    '/v1/incidents/:key',
    {
      schema: {
        summary: 'One incident with its timeline',
        security: [{ bearer: [] }],
        params: KeyParams,
        response: { 200: IncidentDetail, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const s = await incidentOf(options.store, request.orgId as string, request.params.key.toLowerCase());
      if (!s) return notFound(request, reply, NO_INCIDENT);
      return detailOf(s, now());
    },
  );

  const changeOptions = (requestedBy: string | undefined) => ({
    settings: options.incidents ?? DEFAULT_INCIDENT_SETTINGS,
    ...(options.notifyTargets ? { notifyTargets: options.notifyTargets } : {}),
    ...(requestedBy ? { requestedBy } : {}),
  });
  const refused = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (!(error instanceof IncidentChangeError)) throw error;
    const names = { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict' } as const;
    return reply.code(error.statusCode).send({ statusCode: error.statusCode, error: names[error.statusCode], message: error.message, requestId: request.id });
  };

  app.post(
    '/v1/incidents/:key/merge',
    {
      schema: {
        summary: 'Merge other incidents into this one',
        description:
          'The others are closed as merged (Incident__c Status__c Merged, linked to this one) and their verdicts move here. This incident gets a new revision: written back, notified, recorded in the evidence log with who asked.',
        security: [{ bearer: [] }],
        params: KeyParams,
        body: MergeBody,
        response: { 200: IncidentDetail, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const orgId = request.orgId as string;
      try {
        const merged = await options.store.transaction((tx) =>
          mergeIncidents(tx, orgId, request.params.key.toLowerCase(), request.body.incidents, changeOptions(request.body.requestedBy)),
        );
        options.onChanged?.();
        return detailOf(merged, now());
      } catch (error) {
        return refused(request, reply, error);
      }
    },
  );

  app.post(
    '/v1/incidents/:key/split',
    {
      schema: {
        summary: 'Split verdicts out of this incident into a new one',
        description:
          'The verdicts named (by event id) leave this incident for a new one, which keeps its awareness: a split restarts no clock. Both get a revision: written back, notified, recorded in the evidence log with who asked.',
        security: [{ bearer: [] }],
        params: KeyParams,
        body: SplitBody,
        response: {
          200: Type.Object({ remaining: IncidentDetail, split: IncidentDetail }),
          400: ErrorReply,
          401: ErrorReply,
          404: ErrorReply,
          409: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const orgId = request.orgId as string;
      try {
        const { remaining, split } = await options.store.transaction((tx) =>
          splitIncident(tx, orgId, request.params.key.toLowerCase(), request.body.verdicts, changeOptions(request.body.requestedBy)),
        );
        options.onChanged?.();
        const at = now();
        return { remaining: detailOf(remaining, at), split: detailOf(split, at) };
      } catch (error) {
        return refused(request, reply, error);
      }
    },
  );

  app.get(
    '/v1/incidents/:key/drafts',
    {
      schema: {
        summary: 'The drafts stored with each revision of the incident',
        description: 'Each revision the sidecar made stores every draft in every language with a template, as it read then. Fetch one with ?revision=N.',
        security: [{ bearer: [] }],
        params: KeyParams,
        response: {
          200: Type.Object({
            revisions: Type.Array(
              Type.Object({
                revision: Type.Integer(),
                createdAt: Type.String({ format: 'date-time' }),
                drafts: Type.Array(Type.Object({ draft: Type.Enum(DRAFT_NAMES), lang: Type.Enum(DRAFT_LANGUAGES) })),
              }),
              { description: 'Newest first.' },
            ),
          }),
          400: ErrorReply,
          401: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const orgId = request.orgId as string;
      const state = await incidentOf(options.store, orgId, request.params.key.toLowerCase());
      if (!state) return notFound(request, reply, NO_INCIDENT);
      return { revisions: await storedDraftIndex(options.store, orgId, state.key) };
    },
  );

  app.get(
    '/v1/incidents/:key/drafts/:draft',
    {
      schema: {
        summary: 'A draft of a GDPR or NIS2 report about the incident',
        description:
          'Written from the incident as stored (masked, no field value). Parts the sidecar cannot know are blanks marked [to be completed: ...] ([zu ergänzen: ...] in German).',
        produces: ['text/markdown', 'application/pdf'],
        security: [{ bearer: [] }],
        params: DraftParams,
        querystring: DraftQuery,
        response: {
          200: Type.Union([
            Type.String({ description: 'The draft as Markdown.' }),
            Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The draft as PDF.' }),
          ]),
          400: ErrorReply,
          401: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const { draft } = request.params;
      const lang = request.query.lang ?? 'en';
      const format = request.query.format ?? 'md';
      const orgId = request.orgId as string;
      const state = await incidentOf(options.store, orgId, request.params.key.toLowerCase());
      if (!state) return notFound(request, reply, NO_INCIDENT);
      const revision = request.query.revision === undefined ? undefined : Number(request.query.revision);
      const stored = await storedDraft(options.store, orgId, state.key, draft, lang, revision ?? state.revision);
      if (revision !== undefined && !stored)
        return notFound(
          request,
          reply,
          `No ${lang} ${draft} draft is stored for revision ${revision}; GET /v1/incidents/${state.key}/drafts lists those that are.`,
        );
      const at = stored ? new Date(stored.createdAt) : now();
      const markdown = stored?.markdown ?? renderDraft(templates, draft, state, { lang, now: at, dpoContact: options.dpoContact });
      if (markdown === undefined) return notFound(request, reply, `There is no ${lang} template of the ${draft} draft; ask for lang=en.`);
      reply.header('x-leakwatch-revision', String(stored?.revision ?? state.revision));
      reply.header('content-disposition', `attachment; filename="${draftFileName(draft, state.key, lang, format)}"`);
      if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(markdown);
      const heading = markdownBlocks(markdown).find((b) => b.kind === 'heading');
      const title = heading?.kind === 'heading' ? heading.text : draft;
      return reply.type('application/pdf').send(await markdownToPdf(markdown, { title, lang, createdAt: at }));
    },
  );
};

export default incidentsRoute;
