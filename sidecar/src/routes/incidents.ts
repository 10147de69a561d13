import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { clockStatus, CLOCK_STATES } from '../incidents/clocks-status.js';
import type { IncidentState } from '../incidents/correlate.js';
import { summaryOf, timelineOf } from '../incidents/incident-record.js';
import { DRAFT_FORMATS, DRAFT_LANGUAGES, DRAFT_NAMES, draftFileName, loadDraftTemplates, markdownBlocks, markdownToPdf, renderDraft } from '../notify/drafts.js';
import { bearerAuth } from '../plugins/auth.js';
import type { Sql, Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

export interface IncidentsRouteOptions {
  store: Store;
  orgSecrets: Map<string, string>;
  /** An administrator's draft templates (`LEAKWATCH_DRAFTS_DIR`): each file there replaces the shipped one. */
  draftsDir?: string;
  /** The DPO or other contact point written into the GDPR draft; absent: a blank to complete. */
  dpoContact?: string;
  /** The clock the regulatory clocks are read against; default the system clock. */
  now?: () => Date;
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
    description: 'running; past50 and past90: a reminder is due (50 % and 90 % of the span gone); overdue: the deadline has passed.',
  }),
});

const Clocks = Type.Object(
  {
    gdpr72h: Clock,
    nis2EarlyWarning24h: Clock,
    nis2Notification72h: Clock,
    nis2FinalReport1Month: Clock,
  },
  { description: 'The regulatory clocks, counted from awareness (detection by Leakwatch): GDPR Art. 33(1), NIS2 Art. 23(4)(a), (b) and (d).' },
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
  clocks: Clocks,
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
});

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
  clocks: clockStatus(s, at),
});

/**
 * The calling org's incidents with their regulatory clocks, one incident with its timeline, and
 * drafts of the GDPR and NIS2 reports about it, as Markdown or PDF. Templates are read once, here:
 * an administrator's template with an unknown placeholder stops the sidecar at start-up.
 */
const incidentsRoute: FastifyPluginAsyncTypebox<IncidentsRouteOptions> = async (app, options) => {
  const templates = await loadDraftTemplates({ dir: options.draftsDir });
  const now = options.now ?? (() => new Date());
  app.addHook('onRequest', bearerAuth(options.orgSecrets));

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
      return {
        ...listed(s, now()),
        firstEventAt: s.firstEventAt,
        canary: s.canary,
        estimatedRecords: s.estimatedRecords,
        actors: s.actorNames,
        objects: s.objects,
        apps: s.apps,
        summary: summaryOf(s),
        timeline: timelineOf(s),
      };
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
          200: Type.Union([Type.String({ description: 'The draft as Markdown.' }), Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The draft as PDF.' })]),
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
      const state = await incidentOf(options.store, request.orgId as string, request.params.key.toLowerCase());
      if (!state) return notFound(request, reply, NO_INCIDENT);
      const at = now();
      const markdown = renderDraft(templates, draft, state, { lang, now: at, dpoContact: options.dpoContact });
      if (markdown === undefined) return notFound(request, reply, `There is no ${lang} template of the ${draft} draft; ask for lang=en.`);
      reply.header('content-disposition', `attachment; filename="${draftFileName(draft, state.key, lang, format)}"`);
      if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(markdown);
      const heading = markdownBlocks(markdown).find((b) => b.kind === 'heading');
      const title = heading?.kind === 'heading' ? heading.text : draft;
      return reply.type('application/pdf').send(await markdownToPdf(markdown, { title, lang, createdAt: at }));
    },
  );
};

export default incidentsRoute;
