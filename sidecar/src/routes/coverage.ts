import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { collectorCoverage } from '../collect/coverage.js';
import { coverageState } from '../collect/publish-coverage.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

interface CoverageRouteOptions {
  store: Store;
  /** The sources this sidecar collects for an org with a connection (empty when collection is off). */
  sources: readonly string[];
  /** Whether the org has a connection the collectors can use. */
  connected: (orgId: string) => boolean;
  /** A topic's subscription on this replica (`subscribed`, `standby`, …); undefined when it has none. */
  subscription?: (orgId: string, topic: string) => string | undefined;
}

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const SourceCoverage = Type.Object({
  source: Type.String({ description: 'SetupAuditTrail, LoginHistory, PermissionSetAssignment, OauthToken, EventLogFile:<type>, …' }),
  kind: Type.Union([Type.Literal('poll'), Type.Literal('stream')], {
    description: 'poll: read over the REST API on a schedule; stream: a Real-Time Event Monitoring topic (`/event/…`) subscribed over the Pub/Sub API.',
  }),
  state: Type.Union(
    [
      Type.Literal('collected'),
      Type.Literal('subscribed'),
      Type.Literal('lagging'),
      Type.Literal('unavailable'),
      Type.Literal('failing'),
      Type.Literal('pending'),
      Type.Literal('not-collected'),
    ],
    {
      description:
        'collected: read without error last time; subscribed: a stream whose events are stored as they come; lagging: a stream whose last events were stored more than five minutes after they happened (catching up); unavailable: the org said it cannot provide it (for a stream: not licensed, or the user lacks View Real-Time Event Monitoring Data; see lastError); failing: the last read failed and is retried; pending: not read yet; not-collected: the org has no connection or collection is off.',
    },
  ),
  subscription: Type.Optional(
    Type.String({
      description: "Streams only: this replica's subscriber (subscribed, standby while another replica holds it, retrying, unavailable, gap, stopped).",
    }),
  ),
  lastReplayAt: Type.Optional(
    nullable(Type.String({ format: 'date-time', description: 'Streams only: when the subscription last stored events with their replay id, or opened.' })),
  ),
  available: nullable(Type.Boolean()),
  lastRowAt: nullable(Type.String({ format: 'date-time' })),
  lagSeconds: nullable(Type.Integer({ description: 'now − lastRowAt' })),
  rows24h: Type.Integer(),
  rowsTotal: Type.Integer(),
  lastSuccessAt: nullable(Type.String({ format: 'date-time' })),
  lastError: nullable(Type.String()),
  lastErrorAt: nullable(Type.String({ format: 'date-time' })),
  errorsTotal: Type.Integer(),
  eventLogTypes: Type.Optional(
    Type.Array(
      Type.Object({ eventType: Type.String(), interval: Type.String({ description: 'Hourly or Daily' }), lastFileAt: Type.String({ format: 'date-time' }) }),
      {
        description:
          'EventLogFile only: the event types and intervals the org has produced files of. Hourly files and most types come only with Event Monitoring; without it an org still has a few types (Login, Logout, ApiTotalUsage among them) daily, kept one day.',
      },
    ),
  ),
});

const CoverageReply = Type.Object({
  orgId: Type.String(),
  sources: Type.Array(SourceCoverage),
});

/**
 * GET /v1/coverage: for the calling org, what each collector has actually read — last row, lag,
 * rows in 24 hours, errors — and whether the org can provide the source at all. The package's
 * coverage panel shows this instead of a fixed table.
 */
const coverageRoute: FastifyPluginAsyncTypebox<CoverageRouteOptions> = async (app, options) => {
  app.get(
    '/v1/coverage',
    {
      schema: {
        summary: "What the collectors read from the org's own records and logs",
        security: [{ bearer: [] }],
        response: { 200: CoverageReply, 401: ErrorReply },
      },
    },
    async (request) => {
      const orgId = request.orgId as string;
      const read = await collectorCoverage(options.store, orgId);
      const connected = options.connected(orgId);
      const byName = new Map(read.map((r) => [r.source, r]));
      const names = [...new Set([...options.sources, ...read.map((r) => r.source)])].sort();
      return {
        orgId,
        sources: names.map((source) => {
          const r = byName.get(source);
          const kind = source.startsWith('/event/') ? ('stream' as const) : ('poll' as const);
          const subscription = kind === 'stream' ? options.subscription?.(orgId, source) : undefined;
          const extra = subscription ? { subscription } : {};
          if (!r) {
            return {
              source,
              kind,
              ...extra,
              state: connected ? ('pending' as const) : ('not-collected' as const),
              available: null,
              lastRowAt: null,
              lagSeconds: null,
              rows24h: 0,
              rowsTotal: 0,
              lastSuccessAt: null,
              lastError: null,
              lastErrorAt: null,
              errorsTotal: 0,
            };
          }
          const state = coverageState(r);
          return {
            ...r,
            kind,
            ...extra,
            ...(kind === 'stream' ? { lastReplayAt: r.lastSuccessAt } : {}),
            state: state === 'pending' && !connected ? 'not-collected' : state,
          };
        }),
      };
    },
  );
};

export default coverageRoute;
