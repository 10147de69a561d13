import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { EgressPolicy } from '../egress/policy.js';
import { selectFlowDays } from '../otlp/flow-records.js';
import { flowEntries, flowsCsv } from '../otlp/flow-map.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

interface FlowsRouteOptions {
  store: Store;
  policyFor: (orgId: string) => EgressPolicy;
}

/** Flow days read at most per request: a year of a large estate's flows. */
const MAX_ROWS = 50_000;

const FlowsQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'csv: one line per flow and day.' })),
    days: Type.Optional(
      Type.String({ pattern: '^(?:[1-9]|[1-9][0-9]|[1-3][0-9]{2}|400)$', description: 'UTC days back from today, today included: 1 to 400 (default 30).' }),
    ),
  },
  { additionalProperties: false },
);

const Flow = Type.Object({
  source: Type.String({ description: "The calling service (the resource's service.name)." }),
  destination: Type.String({ description: 'The destination host.' }),
  destinationName: Type.Optional(Type.String({ description: "The name of the egress policy's rule for the host." })),
  region: Type.Optional(Type.String({ description: 'From the egress policy; absent when unknown.' })),
  ai: Type.Boolean(),
  allowListed: Type.Boolean(),
  regionAllowed: Type.Boolean(),
  objects: Type.Array(Type.String(), { description: 'Salesforce object API names seen on the flow.' }),
  fields: Type.Array(Type.String(), { description: 'Salesforce field API names (Field or Object.Field).' }),
  spans: Type.Integer(),
  bytes: Type.Integer({ description: 'Sum of http.request.body.size.' }),
  firstSeen: Type.String({ format: 'date-time' }),
  lastSeen: Type.String({ format: 'date-time' }),
  days: Type.Array(Type.Object({ day: Type.String({ format: 'date' }), spans: Type.Integer(), bytes: Type.Integer() })),
});

const FlowsReply = Type.Object({ since: Type.String({ format: 'date' }), flows: Type.Array(Flow) });

/** GET /v1/flows: the org's data flows seen in its traces, for the data map (JSON, or CSV with `?format=csv`). */
const flowsRoute: FastifyPluginAsyncTypebox<FlowsRouteOptions> = async (app, options) => {
  app.get(
    '/v1/flows',
    {
      schema: {
        summary: "List the org's data flows",
        description:
          'Data flows seen in OTLP traces (`POST /v1/traces`): source service → destination host with region, AI and allow-listing ' +
          'as the egress policy says now, the Salesforce objects and fields named, and spans and bytes per UTC day.',
        security: [{ bearer: [] }],
        querystring: FlowsQuery,
        produces: ['application/json', 'text/csv'],
        response: {
          200: Type.Union([FlowsReply, Type.String({ description: 'The flows as CSV, one line per flow and day.' })]),
          400: ErrorReply,
          401: ErrorReply,
          500: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const orgId = request.orgId as string;
      const days = Number(request.query.days ?? 30);
      const since = new Date(Date.now() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
      const rows = await selectFlowDays(options.store, orgId, since, MAX_ROWS);
      const flows = flowEntries(rows, options.policyFor(orgId));
      if (request.query.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="leakwatch-flows-${since}.csv"`).send(flowsCsv(flows));
      }
      return { since, flows };
    },
  );
};

export default flowsRoute;
