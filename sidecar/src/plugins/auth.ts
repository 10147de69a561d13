import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** 15-character id of the org whose bearer secret authenticated the request. */
    orgId?: string;
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * An onRequest hook that accepts `Authorization: Bearer <secret>` when the secret belongs to a
 * configured org. Every configured secret is compared, in constant time, so the reply time
 * does not tell which org or how much of the secret matched; failures all read the same.
 */
export function bearerAuth(orgSecrets: Map<string, string>) {
  const known = [...orgSecrets].map(([orgId, secret]) => ({ orgId, hash: digest(secret) }));
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
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
          'Missing or invalid bearer secret. Check the secret in the LeakwatchSidecar External Credential against the sidecar configuration.',
        requestId: request.id,
      });
    }
    request.orgId = orgId;
  };
}
