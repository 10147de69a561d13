import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

/** GET /healthz: liveness, no authentication. */
const healthRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));
};

export default healthRoute;
