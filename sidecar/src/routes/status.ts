import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Classifier } from '../contract/entities.js';
import { lastFeedbackPoll } from '../feedback/index.js';
import type { OrgClientResolver } from '../outbox/org-client.js';
import { queueStatus } from '../outbox/queue-status.js';
import { notificationCounts, redriveNotifications } from '../notify/outbox.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

interface StatusRouteOptions {
  store: Store;
  classifier: Classifier;
  /** The org's write-back client, to report whether its connection is configured and checked. */
  orgClientFor: OrgClientResolver;
  /** After notifications were re-queued (the service wakes its workers). */
  onRedriven?: () => void;
}

const StatusReply = Type.Object({
  orgId: Type.String({
    description: 'The org this bearer secret belongs to (15-character id); every figure is of this org.',
  }),
  store: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  modelLoaded: Type.Boolean({ description: 'False while only the pattern recognizers run.' }),
  connection: Type.Object({
    configured: Type.Boolean({ description: 'Whether the sidecar has a connection to write into this org.' }),
    identity: Type.Union([Type.Literal('unchecked'), Type.Literal('verified'), Type.Literal('wrong-org')], {
      description: 'Whether the connection logs in to this org: checked before the first write-back; wrong-org makes every write-back a dead letter.',
    }),
  }),
  queues: Type.Object({
    eventsPending: Type.Integer({ description: 'Acknowledged events waiting to be scored.' }),
    eventsFailed: Type.Integer({ description: 'Events the detector failed on repeatedly.' }),
    writeBacksPending: Type.Integer({ description: 'Records waiting to be upserted into the org.' }),
  }),
  oldestPendingWriteBack: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deadLetters: Type.Integer({ description: 'Records that could not be written; re-drive with `leakwatch redrive`.' }),
  notifications: Type.Object(
    {
      pending: Type.Integer({ description: 'Incident revisions waiting to be delivered to a notification target.' }),
      dead: Type.Integer({ description: 'Notifications a target refused or that kept failing: re-drive with `POST /v1/notifications/redrive`.' }),
      delivered: Type.Integer(),
    },
    { description: 'The notification outbox for incidents (targets from LEAKWATCH_NOTIFY_FILE).' },
  ),
  feedback: Type.Object({
    lastPolledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: "When the org's false positives were last read into the detector without an error; null: never.",
    }),
  }),
});

/**
 * GET /v1/status: the calling org's queue depths and dead letters, its connection, its last poll of
 * false positives, the model and the store.
 */
const statusRoute: FastifyPluginAsyncTypebox<StatusRouteOptions> = async (app, options) => {
  app.post(
    '/v1/notifications/redrive',
    {
      schema: {
        summary: "Re-queues the org's dead-lettered notifications",
        security: [{ bearer: [] }],
        body: Type.Optional(Type.Object({ target: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })) }, { additionalProperties: false })),
        response: { 200: Type.Object({ redriven: Type.Integer() }), 401: ErrorReply },
      },
    },
    async (request) => {
      const redriven = await redriveNotifications(options.store, request.orgId as string, request.body?.target);
      if (redriven > 0) options.onRedriven?.();
      return { redriven };
    },
  );
  app.get(
    '/v1/status',
    {
      schema: {
        summary: "The org's queue depths and health",
        security: [{ bearer: [] }],
        response: { 200: StatusReply, 401: ErrorReply },
      },
    },
    async (request) => {
      const orgId = request.orgId as string;
      const [q, lastPolledAt, notifications] = await Promise.all([
        queueStatus(options.store, orgId),
        lastFeedbackPoll(options.store, orgId),
        notificationCounts(options.store, orgId),
      ]);
      const client = options.orgClientFor(orgId);
      return {
        orgId,
        store: options.store.kind,
        modelLoaded: options.classifier.modelLoaded,
        connection: { configured: client !== undefined, identity: client?.identityCheck?.() ?? ('unchecked' as const) },
        queues: {
          eventsPending: q.eventsPending,
          eventsFailed: q.eventsFailed,
          writeBacksPending: q.writeBacksPending,
        },
        oldestPendingWriteBack: q.oldestPendingWriteBack,
        deadLetters: q.deadLetters,
        notifications: { pending: notifications.pending, dead: notifications.dead, delivered: notifications.done },
        feedback: { lastPolledAt },
      };
    },
  );
};

export default statusRoute;
