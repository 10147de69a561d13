import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';
import {
  DEFAULT_EGRESS_NER,
  DEFAULT_HTTP_LIMITS,
  DEFAULT_METRICS,
  DEFAULT_OUTBOX_RETRY,
  DEFAULT_WORKER_POLL_MS,
  type HttpLimits,
  type MetricsExposure,
} from './config.js';
import type { Classifier } from './contract/entities.js';
import type { Detector } from './contract/verdict.js';
import type { DetectionStatePersistence } from './detect/index.js';
import type { FeedbackSettings } from './feedback/index.js';
import { withSafeErrors } from './log/safe-error.js';
import type { RetryPolicy } from './outbox/deliver-records.js';
import type { OrgClientResolver } from './outbox/org-client.js';
import bodyEncoding from './plugins/body-encoding.js';
import { clientErrorHandler } from './plugins/client-errors.js';
import errorHandler from './plugins/error-handler.js';
import jsonBody from './plugins/json-body.js';
import metrics from './plugins/metrics.js';
import openapi from './plugins/openapi.js';
import securityHeaders from './plugins/security-headers.js';
import telemetry from './plugins/telemetry.js';
import { validationErrorFormatter } from './plugins/validation-messages.js';
import workers from './plugins/workers.js';
import { requestLoad } from './pipeline/request-load.js';
import collectors, { type CollectSettings } from './plugins/collectors.js';
import realtime, { type RealtimeSettings } from './plugins/realtime.js';
import orgSync, { type OrgSyncSettings } from './plugins/org-sync.js';
import containment, { type ContainmentSettings } from './plugins/containment.js';
import type { IncidentSettings } from './incidents/correlate.js';
import type { ConfiguredTarget } from './notify/targets.js';
import evidenceRoute from './routes/evidence.js';
import incidentsRoute from './routes/incidents.js';
import { loadDraftTemplates } from './notify/drafts.js';
import { REALTIME_TOPICS, topicPath } from './collect/realtime/map-event.js';
import coverageRoute from './routes/coverage.js';
import canariesRoute, { type CanariesRouteOptions } from './routes/canaries.js';
import deadLettersRoute from './routes/dead-letters.js';
import { egressInspectRoute, extAuthzRoute, type EgressRouteOptions } from './routes/egress.js';
import { createClassifier } from './classify/index.js';
import { canaryMarkerReader } from './egress/canary-markers.js';
import type { RedactAs } from './egress/ext-authz.js';
import { loadEgressPolicies, type EgressPolicy } from './egress/policy.js';
import type { EgressNer } from './egress/inspect.js';
import { readHashSalt } from './store/hash-salt.js';
import flowsRoute from './routes/flows.js';
import tracesRoute from './routes/traces.js';
import { DEFAULT_DETECTION_CONFIG } from './detect/config.js';
import drillsRoute from './routes/drills.js';
import eventsRoute from './routes/events.js';
import healthRoute from './routes/health.js';
import metricsRoute, { metricsElsewhereRoute } from './routes/metrics.js';
import statusRoute from './routes/status.js';
import v1Routes from './routes/v1.js';
import type { Store } from './store/store.js';
import { egressBlocks } from './egress/blocks.js';
import type { TelemetrySettings } from './telemetry/start-telemetry.js';

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
  /** Plants canary records in an org and registers them with the detector (`POST /v1/canaries`); absent: the route answers 404. */
  canaries?: Pick<CanariesRouteOptions, 'clientFor' | 'register'>;
  /** Collects the orgs' own records and logs (audit trail, logins, permissions, tokens, event logs); absent: not run. */
  collect?: CollectSettings;
  /** Correlates verdicts into incidents written into the org as Incident__c; absent: none is opened. */
  incidents?: IncidentSettings;
  /** An administrator's report-draft templates (LEAKWATCH_DRAFTS_DIR); absent: the shipped ones. */
  draftsDir?: string;
  /** The DPO or other contact point written into GDPR drafts (LEAKWATCH_DPO_CONTACT); absent: a blank to complete. */
  dpoContact?: string;
  /** The Ed25519 private key (PKCS#8 PEM) evidence bundles are signed with; absent: `GET /v1/evidence` says how to set one. */
  evidenceKey?: string;
  /** Where incident revisions are notified (ServiceNow, Jira Service Management, signed webhooks); absent: nowhere. */
  notifyTargets?: readonly ConfiguredTarget[];
  /** Subscribes to the orgs' Real-Time Event Monitoring streams over the Pub/Sub API; absent: not run. */
  realtime?: RealtimeSettings;
  /**
   * Names this replica in work leases: unique per replica and stable across its restarts, so a
   * restarted replica takes back at once what it held when it died.
   */
  replicaId?: string;
  /**
   * Egress inspection (`POST /v1/egress/inspect`, Envoy ext_authz): each org's policy (default: the
   * built-in one), how ext_authz enforces a redaction, and the value-hash salt (default: the store's).
   */
  egress?: { policyFor?: (orgId: string) => EgressPolicy; redactAs?: RedactAs; hashSalt?: string; ner?: EgressNer };
  /** Pino options, or false for none. Errors are always logged without their values (see `withSafeErrors`). */
  logger?: FastifyServerOptions['logger'];
  /** Closes the store when the app closes (after the workers have stopped). */
  closeStore?: boolean;
  /** Body limit and time limits of the listener; default `DEFAULT_HTTP_LIMITS`. */
  http?: HttpLimits;
  /**
   * Where `/metrics` is served; default `DEFAULT_METRICS`. With `own`, this app answers `/metrics`
   * with a 404 that says so, and `buildMetricsApp` serves them (started by `startSidecar`).
   */
  metrics?: MetricsExposure;
  /**
   * Keeps each connected org's DataFlow__c and FieldClassification__c in step and applies approved
   * classifications (`plugins/org-sync.ts`); the egress policy is the app's. Absent: not run.
   */
  orgSync?: Omit<OrgSyncSettings, 'policyFor'>;
  /** Carries out permission review decisions in each connected org (`plugins/containment.ts`). Absent: not run. */
  containment?: Omit<ContainmentSettings, 'store' | 'blocks'>;
  /** Objects holding personal data, for data flows to AI services; default the detector's default `piiObjects`. */
  piiObjects?: readonly string[];
  /** The sidecar's own traces and metrics over OTLP (`src/telemetry/`); absent: off, nothing is sent. */
  telemetry?: TelemetrySettings;
}

/**
 * Fastify's options for a listener with these limits. Node checks the header and request deadlines
 * every `connectionsCheckingInterval` (30 s by default, which would let a stalled request live up to
 * twice its limit): here a quarter of the shorter deadline, at most 1 s.
 */
function listenerOptions(limits: HttpLimits) {
  return {
    bodyLimit: limits.bodyLimitBytes,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.socketTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
    },
    clientErrorHandler: clientErrorHandler(limits),
    genReqId: () => randomUUID(),
  };
}

/** What `GET /metrics` on the API listener answers when the metrics are not served there. */
function metricsElsewhere(exposure: MetricsExposure): string | undefined {
  if (exposure.listener === 'own') {
    return 'Metrics are served on their own listener (LEAKWATCH_METRICS_PORT), not on this one. Scrape that port.';
  }
  if (exposure.listener === 'off') {
    return 'Metrics are not served in production unless configured: set LEAKWATCH_METRICS_PORT to serve them on a port of their own (loopback by default), or LEAKWATCH_METRICS_TOKEN to serve them here behind a bearer token.';
  }
  return undefined;
}

/** Never logged: secrets, cookies, request bodies (they may hold field values). */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-leakwatch-org-secret"]',
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
  const limits = options.http ?? DEFAULT_HTTP_LIMITS;
  const exposure = options.metrics ?? DEFAULT_METRICS;
  const app = Fastify({
    ...listenerOptions(limits),
    logger: withSafeErrors(options.logger),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
    schemaErrorFormatter: validationErrorFormatter(limits.bodyLimitBytes),
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(metrics);
  const owner = options.replicaId ?? `sidecar-${randomUUID()}`;
  await app.register(telemetry, { store: options.store, settings: options.telemetry, instanceId: owner });
  await app.register(openapi);
  await app.register(securityHeaders);
  await app.register(errorHandler);
  await app.register(bodyEncoding);
  await app.register(jsonBody);
  // Read once: an administrator's template with an unknown placeholder stops the sidecar here.
  const draftTemplates = await loadDraftTemplates({ dir: options.draftsDir });
  const incidentSettings = options.incidents && {
    ...options.incidents,
    drafts: { templates: draftTemplates, ...(options.dpoContact ? { dpoContact: options.dpoContact } : {}) },
  };
  // Batches of events in flight, against as many as there are classification threads (one for an in-process classifier).
  const threads = (options.classifier as { threads?: unknown }).threads;
  const requests = requestLoad(typeof threads === 'number' && threads >= 1 ? threads : 1);
  await app.register(workers, {
    giveWayTo: requests,
    store: options.store,
    detector: options.detector,
    detectorState: options.detectorState,
    clientFor: options.orgClientFor,
    policy: options.retryPolicy ?? DEFAULT_OUTBOX_RETRY,
    owner,
    pollMs: options.pollMs ?? DEFAULT_WORKER_POLL_MS,
    feedback: options.feedback,
    incidents: incidentSettings,
    notifyTargets: options.notifyTargets,
    stages: app.telemetry.stages,
  });

  if (options.collect)
    await app.register(collectors, {
      store: options.store,
      classifier: options.classifier,
      owner,
      settings: options.collect,
    });

  if (options.realtime)
    await app.register(realtime, {
      store: options.store,
      classifier: options.classifier,
      owner,
      settings: options.realtime,
    });

  await app.register(healthRoute);
  const elsewhere = metricsElsewhere(exposure);
  if (elsewhere) await app.register(metricsElsewhereRoute, { message: elsewhere });
  else
    await app.register(metricsRoute, {
      registry: app.metrics.registry,
      token: exposure.listener === 'public' ? exposure.token : undefined,
    });

  // Data flows seen in traces are judged against the same per-org egress policies as egress inspection.
  // Destinations containment blocked come first in every org's policy (egress/blocks.ts).
  const blocks = egressBlocks(options.store);
  app.addHook('onReady', () => blocks.refresh());
  const egressPolicyFor = blocks.policyFor(options.egress?.policyFor ?? loadEgressPolicies(undefined));
  if (options.orgSync) await app.register(orgSync, { store: options.store, settings: { ...options.orgSync, policyFor: egressPolicyFor } });
  if (options.containment) await app.register(containment, { ...options.containment, store: options.store, blocks });
  // Egress inspection runs the recognizers in the request, and the NER model only on bodies bound for
  // AI services (prompts are prose): see src/egress/README.md (Latency).
  const egressSalt = options.egress?.hashSalt ?? (await readHashSalt(options.store));
  const egressOptions: EgressRouteOptions = {
    store: options.store,
    classifier: createClassifier({ salt: egressSalt, modelDir: null }),
    modelClassifier: options.classifier,
    ner: options.egress?.ner ?? DEFAULT_EGRESS_NER,
    salt: egressSalt,
    policyFor: egressPolicyFor,
    canaryMarkers: canaryMarkerReader(options.store),
    onAccepted: () => app.wakeWorkers(),
  };

  // Every /v1 route answers only to an org's bearer secret: one hook for the whole context (routes/v1.ts).
  await app.register(v1Routes, {
    orgSecrets: options.orgSecrets,
    routes: async (v1) => {
      await v1.register(statusRoute, {
        store: options.store,
        classifier: options.classifier,
        orgClientFor: options.orgClientFor,
        onRedriven: () => app.wakeWorkers(),
      });
      await v1.register(eventsRoute, {
        store: options.store,
        classifier: options.classifier,
        load: requests,
        stages: app.telemetry.stages,
        onAccepted: () => app.wakeWorkers(),
      });
      await v1.register(coverageRoute, {
        store: options.store,
        sources: [...(options.collect?.sources.map((s) => s.name) ?? []), ...realtimeTopics(options.realtime)],
        subscription: (orgId, topic) => app.realtimeStatus?.(orgId).find((s) => s.topic === topic)?.state,
        connected: (orgId) => options.collect !== undefined && options.collect.clientFor(orgId) !== undefined,
      });
      if (options.canaries) await v1.register(canariesRoute, { store: options.store, ...options.canaries });
      await v1.register(incidentsRoute, {
        store: options.store,
        templates: draftTemplates,
        ...(options.dpoContact ? { dpoContact: options.dpoContact } : {}),
        ...(incidentSettings ? { incidents: incidentSettings } : {}),
        ...(options.notifyTargets ? { notifyTargets: options.notifyTargets } : {}),
        onChanged: () => app.wakeWorkers(),
      });
      await v1.register(drillsRoute, {
        store: options.store,
        classifier: options.classifier,
        targets: options.notifyTargets ?? [],
        incidentsOn: options.incidents !== undefined,
        ...(options.canaries ? { register: options.canaries.register } : {}),
        onAccepted: () => app.wakeWorkers(),
      });
      await v1.register(evidenceRoute, { store: options.store, ...(options.evidenceKey ? { signingKey: options.evidenceKey } : {}) });
      await v1.register(tracesRoute, {
        store: options.store,
        classifier: options.classifier,
        policyFor: egressPolicyFor,
        piiObjects: new Set(options.piiObjects ?? DEFAULT_DETECTION_CONFIG.piiObjects),
        onAccepted: () => app.wakeWorkers(),
      });
      await v1.register(flowsRoute, { store: options.store, policyFor: egressPolicyFor });
      await v1.register(egressInspectRoute, egressOptions);
      await v1.register(deadLettersRoute, {
        store: options.store,
        onRedriven: () => app.wakeWorkers(),
      });
    },
  });
  // Under /v1 but outside its bearer context: Envoy sends the org secret in a header of its own.
  await app.register(extAuthzRoute, {
    ...egressOptions,
    orgSecrets: options.orgSecrets,
    ...(options.egress?.redactAs ? { redactAs: options.egress.redactAs } : {}),
  });

  app.addHook('onClose', async () => {
    await app.stopWorkers();
    // After the last step's spans ended, while the store still answers the final queue-depth reading.
    await app.telemetry.shutdown();
    if (options.closeStore) await options.store.close();
  });
  return app;
}

/** The topics (`/event/…`) the service subscribes to for an org, when real-time reads are on. */
function realtimeTopics(settings: RealtimeSettings | undefined): string[] {
  if (!settings) return [];
  return (settings.topics ?? REALTIME_TOPICS).map(topicPath);
}

interface MetricsAppOptions {
  /** The API app's metrics. */
  registry: Registry;
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
  http?: HttpLimits;
  /** The API app's logger. */
  logger: FastifyBaseLogger;
}

/** The listener of its own that serves `GET /metrics` only (`LEAKWATCH_METRICS_PORT`). */
export async function buildMetricsApp(options: MetricsAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...listenerOptions(options.http ?? DEFAULT_HTTP_LIMITS),
    loggerInstance: options.logger.child({ listener: 'metrics' }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(securityHeaders);
  await app.register(errorHandler, { notFoundHint: 'This listener serves GET /metrics only.' });
  await app.register(metricsRoute, { registry: options.registry, token: options.token });
  return app;
}
