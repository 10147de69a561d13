import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { collectorCoverage } from '../collect/coverage.js';
import { bearerAuth } from '../plugins/auth.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

export interface CoverageRouteOptions {
  store: Store;
  orgSecrets: Map<string, string>;
  /** The sources this sidecar collects for an org with a connection (empty when collection is off). */
  sources: readonly string[];
  /** Whether the org has a connection the collectors can use. */
  connected: (orgId: string) => boolean;
}

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const SourceCoverage = Type.Object({
  source: Type.String({ description: 'SetupAuditTrail, LoginHistory, PermissionSetAssignment, OauthToken, EventLogFile:<type>, …' }),
  state: Type.Union([Type.Literal('collected'), Type.Literal('unavailable'), Type.Literal('failing'), Type.Literal('pending'), Type.Literal('not-collected')], {
    description:
      'collected: read without error last time; unavailable: the org said it cannot provide it (see lastError); failing: the last read failed and is retried; pending: not read yet; not-collected: the org has no connection or collection is off.',
  }),
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
  app.addHook('onRequest', bearerAuth(options.orgSecrets));
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
          if (!r) {
            return {
              source,
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
          const failing = r.lastErrorAt !== null && (r.lastSuccessAt === null || r.lastErrorAt > r.lastSuccessAt);
          const state = r.available === false ? 'unavailable' : failing ? 'failing' : r.lastSuccessAt ? 'collected' : connected ? 'pending' : 'not-collected';
          return { ...r, state: state as 'collected' | 'unavailable' | 'failing' | 'pending' | 'not-collected' };
        }),
      };
    },
  );
};

export default coverageRoute;
