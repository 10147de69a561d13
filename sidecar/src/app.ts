import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Classifier } from './contract/entities.js';
import type { Detector } from './contract/verdict.js';
import type { DetectionStatePersistence } from './detect/index.js';
import type { FeedbackSettings } from './feedback/index.js';
import { withSafeErrors } from './log/safe-error.js';
import type { RetryPolicy } from './outbox/deliver-records.js';
import type { OrgClientResolver } from './outbox/org-client.js';
import errorHandler from './plugins/error-handler.js';
import jsonBody from './plugins/json-body.js';
import metrics from './plugins/metrics.js';
import openapi from './plugins/openapi.js';
import { formatValidationErrors } from './plugins/validation-messages.js';
import workers from './plugins/workers.js';
import deadLettersRoute from './routes/dead-letters.js';
import eventsRoute from './routes/events.js';
import healthRoute from './routes/health.js';
import metricsRoute from './routes/metrics.js';
import statusRoute from './routes/status.js';
import type { Store } from './store/store.js';

export const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

export interface BuildAppOptions {
  store: Store;
  classifier: Classifier;
  detector: Detector;
  /**
   * Keeps the detector's in-memory state in step with the store (the SQL-backed detector needs it):
   * flushed after each recorded batch and once more when the app closes, rolled back when a batch
   * could not be recorded.
   */
  detectorState?: DetectionStatePersistence;
  /** The Salesforce client for an org's write-backs. */
  orgClientFor: OrgClientResolver;
  /** orgId (15-character form) → bearer secret. */
  orgSecrets: Map<string, string>;
  retryPolicy?: RetryPolicy;
  pollMs?: number;
  /** Reads the orgs' false positives into the detector as suppressions; absent: not run. */
  feedback?: FeedbackSettings;
  /**
   * Names this replica in work leases: unique per replica and stable across its restarts, so a
   * restarted replica takes back at once what it held when it died.
   */
  replicaId?: string;
  /** Pino options, or false for none. Errors are always logged without their values (see `withSafeErrors`). */
  logger?: FastifyServerOptions['logger'];
  /** Closes the store when the app closes (after the workers have stopped). */
  closeStore?: boolean;
}

/** Never logged: secrets, cookies, request bodies (they may hold field values). */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'request.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'req.body',
  'request.body',
  'body',
];

/** Builds the sidecar: plugins first, then routes; background stages start on ready. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withSafeErrors(options.logger),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
    schemaErrorFormatter: formatValidationErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(metrics);
  await app.register(openapi);
  await app.register(errorHandler);
  await app.register(jsonBody);
  await app.register(workers, {
    store: options.store,
    detector: options.detector,
    detectorState: options.detectorState,
    clientFor: options.orgClientFor,
    policy: options.retryPolicy ?? { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 60_000 },
    owner: options.replicaId ?? `sidecar-${randomUUID()}`,
    pollMs: options.pollMs ?? 100,
    feedback: options.feedback,
  });

  await app.register(healthRoute);
  await app.register(metricsRoute);
  await app.register(statusRoute, {
    store: options.store,
    classifier: options.classifier,
    orgSecrets: options.orgSecrets,
    orgClientFor: options.orgClientFor,
  });
  await app.register(eventsRoute, {
    store: options.store,
    classifier: options.classifier,
    orgSecrets: options.orgSecrets,
    onAccepted: () => app.wakeWorkers(),
  });
  await app.register(deadLettersRoute, {
    store: options.store,
    orgSecrets: options.orgSecrets,
    onRedriven: () => app.wakeWorkers(),
  });

  app.addHook('onClose', async () => {
    await app.stopWorkers();
    if (options.closeStore) await options.store.close();
  });
  return app;
}
