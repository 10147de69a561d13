import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { exportBundle } from '../evidence/chain.js';
import { readEvidence } from '../evidence/log.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

interface EvidenceRouteOptions {
  store: Store;
  /** The Ed25519 private key (PKCS#8 PEM) bundles are signed with; absent: the route says how to set one. */
  signingKey?: string;
  now?: () => Date;
}

/**
 * GET /v1/evidence: the calling org's evidence log (verdicts, incident revisions, notification
 * attempts), or one incident's part of it, as JSON lines and a manifest signed with the
 * sidecar's evidence key. `leakwatch evidence export` writes it to files; `leakwatch evidence
 * verify` checks them offline.
 */
const evidenceRoute: FastifyPluginAsyncTypebox<EvidenceRouteOptions> = async (app, options) => {
  app.get(
    '/v1/evidence',
    {
      schema: {
        summary: "The org's evidence log, or one incident's, as a signed bundle",
        security: [{ bearer: [] }],
        querystring: Type.Object(
          { incident: Type.Optional(Type.String({ format: 'uuid', description: 'An incident key (Incident__c.IncidentKey__c).' })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ lines: Type.String(), manifest: Type.Record(Type.String(), Type.Unknown()) }),
          401: ErrorReply,
          404: ErrorReply,
          409: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      if (!options.signingKey) {
        return reply.code(409).send({
          statusCode: 409,
          error: 'Conflict',
          message: 'No evidence key: set LEAKWATCH_EVIDENCE_KEY_FILE to an Ed25519 private key (PKCS#8 PEM, e.g. `openssl genpkey -algorithm ed25519`).',
          requestId: request.id,
        });
      }
      const entries = await readEvidence(options.store, request.orgId as string);
      const incident = request.query.incident?.toLowerCase();
      const about = incident === undefined ? entries : entries.filter((e) => e.subject === incident || e.subject.startsWith(`${incident}:`));
      if (about.length === 0) {
        return reply.code(404).send({
          statusCode: 404,
          error: 'Not Found',
          message: incident ? `no evidence about incident ${incident} in this org` : 'no evidence recorded for this org yet',
          requestId: request.id,
        });
      }
      const bundle = exportBundle(entries, {
        ...(incident ? { incidentKey: incident } : {}),
        signingKey: options.signingKey,
        now: options.now?.() ?? new Date(),
      });
      return { lines: bundle.lines, manifest: bundle.manifest as unknown as Record<string, unknown> };
    },
  );
};

export default evidenceRoute;
