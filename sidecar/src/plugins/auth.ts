import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { orgKey } from '../contract/salesforce-id.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The org whose bearer secret authenticated the request, in its 18-character form (`orgKey`). */
    orgId?: string;
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * An onRequest hook that accepts `Authorization: Bearer <secret>` when the secret belongs to a
 * configured org. Every configured secret is compared, in constant time, so the reply time
 * does not tell which org or how much of the secret matched; failures all read the same.
 */
export function bearerAuth(orgSecrets: Map<string, string>) {
  const known = [...orgSecrets].map(([orgId, secret]) => ({ orgId: orgKey(orgId), hash: digest(secret) }));
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const match = BEARER.exec(header);
    const given = digest(match?.[1] ?? '');
    let orgId: string | undefined;
    for (const k of known) {
      if (timingSafeEqual(given, k.hash) && match) orgId = k.orgId;
    }
    if (!orgId) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="leakwatch"').send({
        statusCode: 401,
        error: 'Unauthorized',
        message:
          "Missing or invalid bearer secret. Check that the secret in the LeakwatchSidecar External Credential is the org's secret in the sidecar's LEAKWATCH_ORG_SECRETS, LEAKWATCH_SECRETS_FILE or LEAKWATCH_ORGS_FILE.",
        requestId: request.id,
      });
    }
    request.orgId = orgId;
  };
}

/**
 * An onRequest hook that accepts the org's bearer secret as the whole value of header `name` (for
 * callers whose `Authorization` belongs to someone else: Envoy's ext_authz forwards the client's
 * own `Authorization`, so Envoy adds the org secret under a header of its own). Compared like
 * `bearerAuth`: every secret, in constant time.
 */
export function secretHeaderAuth(orgSecrets: Map<string, string>, name: string) {
  const known = [...orgSecrets].map(([orgId, secret]) => ({ orgId: orgKey(orgId), hash: digest(secret) }));
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers[name];
    const value = typeof header === 'string' ? header.trim() : '';
    const given = digest(value);
    let orgId: string | undefined;
    for (const k of known) {
      if (timingSafeEqual(given, k.hash) && value !== '') orgId = k.orgId;
    }
    if (!orgId) {
      return reply.code(401).send({
        statusCode: 401,
        error: 'Unauthorized',
        message: `Missing or invalid ${name} header: the gateway must add the org's bearer secret under it (see sidecar/src/egress/README.md).`,
        requestId: request.id,
      });
    }
    request.orgId = orgId;
  };
}

/**
 * An onRequest hook for `GET /metrics` behind `LEAKWATCH_METRICS_TOKEN`: accepts
 * `Authorization: Bearer <token>`, compared in constant time like the org secrets.
 */
export function metricsTokenAuth(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (timingSafeEqual(digest(match?.[1] ?? ''), expected) && match) return;
    return reply.code(401).header('www-authenticate', 'Bearer realm="leakwatch-metrics"').send({
      statusCode: 401,
      error: 'Unauthorized',
      message:
        'Missing or invalid metrics token. Scrape /metrics with Authorization: Bearer <the LEAKWATCH_METRICS_TOKEN of the sidecar> (in Prometheus: authorization.credentials).',
      requestId: request.id,
    });
  };
}
