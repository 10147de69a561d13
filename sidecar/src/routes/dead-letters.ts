import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { redriveDeadLetters } from '../outbox/redrive.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

interface DeadLettersRouteOptions {
  store: Store;
  /** Called after records were re-queued, to send them without waiting for the next poll. */
  onRedriven: () => void;
}

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** POST /v1/dead-letters/redrive: re-queues the calling org's dead letters (used by `leakwatch redrive`). */
const deadLettersRoute: FastifyPluginAsyncTypebox<DeadLettersRouteOptions> = async (app, options) => {
  app.post(
    '/v1/dead-letters/redrive',
    {
      schema: {
        summary: 'Re-queue dead letters',
        description: 'Gives the records that could not be written a fresh set of attempts: all of them, or those of the listed events.',
        security: [{ bearer: [] }],
        body: Type.Object(
          { eventIds: Type.Optional(Type.Array(Type.String({ pattern: UUID }), { minItems: 1, maxItems: 2000 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ redriven: Type.Integer() }), 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (request) => {
      const redriven = await redriveDeadLetters(
        options.store,
        request.orgId as string,
        request.body.eventIds?.map((id) => id.toLowerCase()),
      );
      if (redriven > 0) options.onRedriven();
      return { redriven };
    },
  );
};

export default deadLettersRoute;
