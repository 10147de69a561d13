import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import { Type } from 'typebox';
import { metricsTokenAuth } from '../plugins/auth.js';
import { ErrorReply } from './error-reply.js';

interface MetricsRouteOptions {
  registry: Registry;
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
}

/** GET /metrics: Prometheus text exposition. */
const metricsRoute: FastifyPluginAsyncTypebox<MetricsRouteOptions> = async (app, options) => {
  if (options.token) app.addHook('onRequest', metricsTokenAuth(options.token));
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        produces: ['text/plain'],
        ...(options.token ? { security: [{ bearer: [] }] } : {}),
        response: {
          200: Type.String({ description: 'Prometheus text exposition format 0.0.4.' }),
          ...(options.token ? { 401: ErrorReply } : {}),
        },
      },
    },
    async (_request, reply) => {
      const body = await options.registry.metrics();
      return reply.type(options.registry.contentType).send(body);
    },
  );
};

interface MetricsElsewhereRouteOptions {
  /** Says where the metrics are, or how to turn them on. */
  message: string;
}

/** GET /metrics on a listener that does not serve them: a 404 that tells the operator where they are. */
export const metricsElsewhereRoute: FastifyPluginAsyncTypebox<MetricsElsewhereRouteOptions> = async (app, options) => {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) =>
    reply.code(404).send({ statusCode: 404, error: 'Not Found', message: options.message, requestId: request.id }),
  );
};

export default metricsRoute;
