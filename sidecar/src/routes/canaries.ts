import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CANARY_OBJECTS, planCanaries, seedCanaries, type CanaryOrgClient } from '../collect/canaries.js';
import { isSalesforceId, toId18 } from '../contract/salesforce-id.js';
import { DRILL_CANARY_LABEL } from '../drill/drill-events.js';
import type { Canary } from '../detect/state.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

export interface CanariesRouteOptions {
  store: Store;
  /** The org's client that creates the canary records; undefined for an org without a connection. */
  clientFor: (orgId: string) => CanaryOrgClient | undefined;
  /** Registers canaries with the detector and persists them. */
  register: (orgId: string, canaries: Canary[]) => Promise<void>;
}

const SeedBody = Type.Object(
  {
    object: Type.Union(
      CANARY_OBJECTS.map((o) => Type.Literal(o)),
      { description: 'Where the canary records are planted.' },
    ),
    count: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  },
  { additionalProperties: false },
);

const Seeded = Type.Object({
  object: Type.String(),
  recordId: Type.String(),
  label: Type.String(),
  markers: Type.Array(Type.String(), { description: 'Synthetic marker values (e-mail on a reserved .invalid domain, a name token).' }),
});

const CanaryList = Type.Object({
  orgId: Type.String(),
  records: Type.Array(Type.Object({ recordId: Type.String(), label: Type.Union([Type.String(), Type.Null()]) })),
  markers: Type.Integer({ description: 'Marker values registered.' }),
});

/**
 * POST /v1/canaries: plants synthetic canary records (honeytokens) in the calling org through the
 * sidecar's connection and registers their ids and marker values, so that reading, changing or
 * copying them anywhere raises `canary_touched` / `canary_value_seen`. GET lists what is registered.
 */
const canariesRoute: FastifyPluginAsyncTypebox<CanariesRouteOptions> = async (app, options) => {
  app.post(
    '/v1/canaries',
    {
      schema: {
        summary: 'Plant canary records in the org and register them',
        security: [{ bearer: [] }],
        body: SeedBody,
        response: {
          201: Type.Object({ orgId: Type.String(), seeded: Type.Array(Seeded) }),
          400: ErrorReply,
          401: ErrorReply,
          409: ErrorReply,
          502: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const orgId = request.orgId as string;
      const client = options.clientFor(orgId);
      if (!client) {
        return reply.code(409).send({
          statusCode: 409,
          error: 'Conflict',
          message: 'This org has no connection (SF_* or its entry in LEAKWATCH_ORGS_FILE): the sidecar cannot plant records there.',
          requestId: request.id,
        });
      }
      try {
        const seeded = await seedCanaries(client, (canaries) => options.register(orgId, canaries), planCanaries(request.body.object, request.body.count));
        return reply.code(201).send({ orgId, seeded });
      } catch (err) {
        request.log.warn({ err }, 'planting canary records failed');
        return reply.code(502).send({
          statusCode: 502,
          error: 'Bad Gateway',
          message: `The org did not take the canary records: ${(err as Error).message}`,
          requestId: request.id,
        });
      }
    },
  );
  app.get(
    '/v1/canaries',
    { schema: { summary: 'The canaries registered for the org', security: [{ bearer: [] }], response: { 200: CanaryList, 401: ErrorReply } } },
    async (request) => {
      const orgId = request.orgId as string;
      const rows = await options.store.query<{ kind: string; value: string; label: string | null }>(
        // The drill canary names no record of the org: it is the drills' (`leakwatch drill`), not one to open.
        'SELECT kind, value, label FROM detect_canary WHERE org_id = $1 AND label IS DISTINCT FROM $2 ORDER BY kind, value',
        [orgId, DRILL_CANARY_LABEL],
      );
      return {
        orgId,
        // The detector keeps record ids in their 15-character form; the API speaks 18, as POST answers.
        records: rows.filter((r) => r.kind === 'record').map((r) => ({ recordId: isSalesforceId(r.value) ? toId18(r.value) : r.value, label: r.label })),
        markers: rows.filter((r) => r.kind === 'marker').length,
      };
    },
  );
};

export default canariesRoute;
