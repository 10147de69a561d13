import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Classifier } from '../contract/entities.js';
import { queueStatus } from '../outbox/queue-status.js';
import { bearerAuth } from '../plugins/auth.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

export interface StatusRouteOptions {
  store: Store;
  classifier: Classifier;
  orgSecrets: Map<string, string>;
}

const StatusReply = Type.Object({
  store: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  modelLoaded: Type.Boolean({ description: 'False while only the pattern recognizers run.' }),
  queues: Type.Object({
    eventsPending: Type.Integer({ description: 'Acknowledged events waiting to be scored.' }),
    eventsFailed: Type.Integer({ description: 'Events the detector failed on repeatedly.' }),
    writeBacksPending: Type.Integer({ description: 'Records waiting to be upserted into the org.' }),
  }),
  oldestPendingWriteBack: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deadLetters: Type.Integer({ description: 'Records that could not be written; re-drive with `leakwatch redrive`.' }),
});

/** GET /v1/status: queue depths, dead letters, model and store, for the org's admin. */
const statusRoute: FastifyPluginAsyncTypebox<StatusRouteOptions> = async (app, options) => {
  app.addHook('onRequest', bearerAuth(options.orgSecrets));
  app.get(
    '/v1/status',
    {
      schema: {
        summary: 'Queue depths and health',
        security: [{ bearer: [] }],
        response: { 200: StatusReply, 401: ErrorReply },
      },
    },
    async () => {
      const q = await queueStatus(options.store);
      return {
        store: options.store.kind,
        modelLoaded: options.classifier.modelLoaded,
        queues: {
          eventsPending: q.eventsPending,
          eventsFailed: q.eventsFailed,
          writeBacksPending: q.writeBacksPending,
        },
        oldestPendingWriteBack: q.oldestPendingWriteBack,
        deadLetters: q.deadLetters,
      };
    },
  );
};

export default statusRoute;
