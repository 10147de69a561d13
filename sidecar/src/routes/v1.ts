import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { bearerAuth } from '../plugins/auth.js';

interface V1RoutesOptions {
  /** orgId (15-character form) → bearer secret. */
  orgSecrets: Map<string, string>;
  /** Registers the `/v1` route plugins inside this context. */
  routes: (v1: FastifyInstance) => PromiseLike<unknown>;
}

/**
 * The `/v1` API: one encapsulated context whose onRequest hook accepts only a configured org's
 * bearer secret, so every route registered inside answers 401 without it and the handlers read the
 * caller's org from `request.orgId`. Routes with another scheme stay outside this context:
 * `/healthz` (open), `/metrics` (its own token) and Envoy's ext_authz (the `x-leakwatch-org-secret` header).
 */
const v1Routes: FastifyPluginAsync<V1RoutesOptions> = async (v1, options) => {
  v1.addHook('onRequest', bearerAuth(options.orgSecrets));
  await options.routes(v1);
};

export default v1Routes;
