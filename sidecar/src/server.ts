import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp, buildMetricsApp, REDACTED_LOG_PATHS } from './app.js';
import { existsSync, readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { SHIPPED_MODEL_DIR } from './classify/index.js';
import { createClassifyPool, type ClassifyPool } from './ingest/classify-pool.js';
import { ConfigError, DEFAULT_FEEDBACK_POLL_MS, DEFAULT_METRICS, loadConfig, type SidecarConfig } from './config.js';
import type { Classifier } from './contract/entities.js';
import type { Detector } from './contract/verdict.js';
import type { Store } from './store/store.js';
import { createStoredDetector } from './detect/index.js';
import type { OrgQueryClient } from './feedback/index.js';
import type { OrgClient } from './outbox/org-client.js';
import { readHashSalt } from './store/hash-salt.js';
import { connectOrgs } from './writeback/org-connections.js';
import { openStore } from './store/open-store.js';
import { buildSources } from './collect/sources/index.js';
import type { CollectClient } from './collect/source.js';
import type { PubSubSession } from './collect/realtime/pubsub-client.js';
import { loadTargets, NotifyConfigError, type ConfiguredTarget } from './notify/targets.js';
import { EgressConfigError, loadEgressPolicies } from './egress/policy.js';
import type { OrgTargetClient } from './notify/org-target.js';
import { DEFAULT_DETECTION_CONFIG } from './detect/config.js';
import type { Canary } from './detect/state.js';
import type { ApplyClient } from './classification/apply-approved.js';
import type { ContainmentClient } from './containment/contain-incidents.js';
import type { EnforceClient } from './containment/enforce-reviews.js';

export interface SidecarEngines {
  /** The Ed25519 private key (PEM) evidence bundles are signed with; default that of `config.evidenceKeyFile`. */
  evidenceKey?: string;
  /** Notification targets of incidents; default those of `config.notifyFile`. */
  notifyTargets?: readonly ConfiguredTarget[];
  /** Where the secrets `config.notifyFile` names are read; default `process.env`. */
  notifyEnv?: Record<string, string | undefined>;
  /** Defaults to the recognizers plus the NER model of `config.modelDir` (or the shipped one). */
  classifier?: Classifier;
  /** Defaults to the detector whose baselines live in the store. */
  detector?: Detector;
  /**
   * Defaults to a client per org connection of `config`, each checked to log in to its org before
   * writing or reading. The same client writes verdicts and reads reviewers' false positives.
   */
  orgClientFor?: (
    orgId: string,
  ) => (OrgClient & OrgQueryClient & Partial<CollectClient> & { session?: (renew: boolean) => Promise<PubSubSession> }) | undefined;
}

export interface RunningSidecar {
  app: FastifyInstance;
  /** e.g. `http://127.0.0.1:8787` */
  url: string;
  /** The metrics listener's address when `/metrics` has a listener of its own, e.g. `http://127.0.0.1:9464`. */
  metricsUrl?: string;
  /** Stops accepting requests, finishes in-flight requests and write-backs, closes the store. */
  close(): Promise<void>;
}

/** The org connection as the org notification target uses it, when it can (an injected client may not). */
function orgTargetClient(client: object | undefined): OrgTargetClient | undefined {
  return client && 'upsertOne' in client && 'publishEvent' in client ? (client as OrgTargetClient) : undefined;
}

/** The org connection as org sync uses it (queries, upserts, Metadata API), when it can (an injected client may not). */
function syncClient(client: object | undefined): ApplyClient | undefined {
  const methods = ['query', 'upsert', 'readMetadata', 'updateMetadata'];
  return client && methods.every((m) => typeof (client as Record<string, unknown>)[m] === 'function') ? (client as ApplyClient) : undefined;
}

/** The org connection as containment uses it (queries, upserts, update and delete, session, identity), when it can. */
function containmentClient(client: object | undefined): (EnforceClient & ContainmentClient) | undefined {
  const methods = ['query', 'upsert', 'update', 'delete', 'session', 'identity', 'readMetadata', 'updateMetadata', 'createMetadata', 'deleteMetadata'];
  return client && methods.every((m) => typeof (client as Record<string, unknown>)[m] === 'function')
    ? (client as EnforceClient & ContainmentClient)
    : undefined;
}

/** Opens the store, builds the app with the given or default engines, and listens. */
export async function startSidecar(config: SidecarConfig, engines: SidecarEngines = {}): Promise<RunningSidecar> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let app: FastifyInstance | undefined;
  let metricsApp: FastifyInstance | undefined;
  let classifier: Classifier | undefined;
  const metrics = config.metrics ?? DEFAULT_METRICS;
  try {
    const orgClientFor =
      engines.orgClientFor ??
      connectOrgs(config, (wrong) =>
        app?.log.error(wrong, 'the org connection logs in to another org: nothing is written there, and its write-backs become dead letters'),
      );
    // Read before anything starts: a bad notification file stops the sidecar with its reason.
    const notifyTargets =
      engines.notifyTargets ??
      (config.notifyFile
        ? loadTargets(config.notifyFile, engines.notifyEnv ?? process.env, { orgClientFor: (orgId) => orgTargetClient(orgClientFor(orgId)) })
        : []);
    // Read before anything starts, like the notification file: a bad policy stops the sidecar with its JSON path.
    const egressPolicyFor = loadEgressPolicies(config.egressFile);
    const evidenceKey = engines.evidenceKey ?? (config.evidenceKeyFile ? readEvidenceKey(config.evidenceKeyFile) : undefined);
    classifier = engines.classifier ?? (await warmClassifier(config, store));
    const stored = engines.detector ? undefined : createStoredDetector(store);
    app = await buildApp({
      store,
      classifier,
      detector: engines.detector ?? (stored as NonNullable<typeof stored>).detector,
      detectorState: stored,
      orgClientFor,
      orgSecrets: config.orgSecrets,
      retryPolicy: config.outbox,
      pollMs: config.pollMs,
      feedback: stored && {
        detector: stored.detector,
        orgIds: [...config.orgSecrets.keys()],
        clientFor: orgClientFor,
        intervalMs: config.feedbackPollMs ?? DEFAULT_FEEDBACK_POLL_MS,
      },
      ...(stored
        ? {
            canaries: {
              clientFor: (orgId: string) => {
                const client = orgClientFor(orgId);
                return client && 'create' in client && typeof client.create === 'function' ? (client as Required<typeof client>) : undefined;
              },
              register: async (orgId: string, canaries: Canary[]) => {
                for (const canary of canaries) await stored.detector.registerCanary(orgId, canary);
                await stored.flushLearnt();
              },
            },
          }
        : {}),
      ...(config.collect?.enabled
        ? {
            collect: {
              orgIds: [...config.orgSecrets.keys()],
              clientFor: orgClientFor,
              sources: buildSources({ detection: DEFAULT_DETECTION_CONFIG, names: config.collect.sources }),
              budget: { maxShare: config.collect.apiShare, orgHeadroom: config.collect.orgHeadroom },
              integrationUsers: config.collect.integrationUsers,
              coverageWriterFor: orgClientFor,
              ...(config.collect.coverageEveryMs !== undefined ? { coverageEveryMs: config.collect.coverageEveryMs } : {}),
            },
          }
        : {}),
      ...(config.realtime?.enabled
        ? {
            realtime: {
              orgIds: [...config.orgSecrets.keys()],
              sessionFor: (orgId: string) => {
                const client = orgClientFor(orgId);
                return client && typeof client.session === 'function' ? (renew: boolean) => client.session!(renew) : undefined;
              },
              restFor: orgClientFor,
              endpoint: config.realtime.endpoint,
              tls: config.realtime.tls,
              topics: config.realtime.topics,
              firstStart: config.realtime.firstStart,
              integrationUsers: config.collect?.integrationUsers,
            },
          }
        : {}),
      ...(config.orgSync
        ? {
            orgSync: {
              orgIds: [...config.orgSecrets.keys()],
              clientFor: (orgId: string) => syncClient(orgClientFor(orgId)),
              flowsEveryMs: config.orgSync.flowsEveryMs,
              suggestEveryMs: config.orgSync.suggestEveryMs,
              ...(config.orgSync.applyEveryMs !== undefined ? { applyEveryMs: config.orgSync.applyEveryMs } : {}),
            },
          }
        : {}),
      ...(config.containment
        ? {
            containment: {
              orgIds: [...config.orgSecrets.keys()],
              clientFor: (orgId: string) => containmentClient(orgClientFor(orgId)),
              everyMs: config.containment.everyMs,
            },
          }
        : {}),
      ...(config.incidents ? { incidents: config.incidents } : {}),
      ...(notifyTargets.length > 0 ? { notifyTargets } : {}),
      ...(evidenceKey ? { evidenceKey } : {}),
      ...(config.draftsDir ? { draftsDir: config.draftsDir } : {}),
      ...(config.dpoContact ? { dpoContact: config.dpoContact } : {}),
      egress: {
        policyFor: egressPolicyFor,
        ...(config.egressRedactAs ? { redactAs: config.egressRedactAs } : {}),
        ...(config.egressNer ? { ner: config.egressNer } : {}),
        ...(config.hashSalt ? { hashSalt: config.hashSalt } : {}),
      },
      replicaId: config.replicaId ?? hostname(),
      logger: { level: config.logLevel, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
      closeStore: true,
      http: config.http,
      metrics,
      ...(config.telemetry ? { telemetry: config.telemetry } : {}),
    });
    const address = await app.listen({ host: config.host, port: config.port });
    let metricsUrl: string | undefined;
    if (metrics.listener === 'own') {
      metricsApp = await buildMetricsApp({
        registry: app.metrics.registry,
        token: metrics.token,
        http: config.http,
        logger: app.log,
      });
      metricsUrl = await metricsApp.listen({ host: metrics.host, port: metrics.port });
    }
    if (metricsUrl) app.log.info({ url: `${metricsUrl}/metrics` }, 'metrics served on their own listener');
    if (config.telemetry) {
      const { traces, metrics: otlpMetrics } = config.telemetry;
      // Hosts only: an endpoint's path may carry a tenant token.
      app.log.info(
        { traces: traces && new URL(traces.url).origin, metrics: otlpMetrics && new URL(otlpMetrics.url).origin },
        "telemetry: the sidecar's own traces and metrics are exported over OTLP to the operator's collector",
      );
    }
    if (metrics.listener === 'off') {
      app.log.info('metrics are off in production: set LEAKWATCH_METRICS_PORT or LEAKWATCH_METRICS_TOKEN to serve them');
    }
    const running = app;
    const runningMetrics = metricsApp;
    const ownClassifier = engines.classifier ? undefined : classifier;
    return {
      app: running,
      url: address,
      ...(metricsUrl ? { metricsUrl } : {}),
      close: async () => {
        await runningMetrics?.close();
        await running.close();
        await ownClassifier?.close();
      },
    };
  } catch (err) {
    await metricsApp?.close();
    if (app) await app.close();
    else await store.close();
    if (!engines.classifier) await classifier?.close();
    throw err;
  }
}

/**
 * The classifier: a pool of `config.classifyThreads` worker threads, each with its own NER model,
 * all loaded and warmed up before the first request.
 */
async function warmClassifier(config: SidecarConfig, store: Store): Promise<Classifier> {
  const modelDir = config.modelDir === 'none' ? null : (config.modelDir ?? (existsSync(SHIPPED_MODEL_DIR) ? SHIPPED_MODEL_DIR : null));
  const pool = createClassifyPool({
    threads: config.classifyThreads,
    classifier: { salt: config.hashSalt ?? (await readHashSalt(store)), modelDir },
  });
  try {
    await pool.ready();
    await warmUp(pool);
  } catch (err) {
    await pool.close();
    throw err;
  }
  return pool;
}

/** Made-up values (nobody's data) of the kinds the org sends: a name, an email, a phone and a card number. */
const warmUpText = (n: number) => `Jane Doe (jane.doe${n}@example.com, +49 30 ${1_000_000 + n}) paid order SO-${n} with card 4111 1111 1111 1111 in Berlin.`;

/**
 * Classifies one batch of made-up values in each thread (the pool hands each idle thread one batch). A thread's first
 * batches run its recognizers before they are optimised and its model's first inferences allocate: without this the
 * first few thousand events after a start cost a quarter more CPU each, on the requests' own time.
 */
export async function warmUp(pool: Pick<ClassifyPool, 'threads' | 'classifyMany'>, values = 32): Promise<void> {
  const batch = Array.from({ length: values }, (_, n) => ({ text: warmUpText(n), field: { name: 'Description', type: 'TEXTAREA' } }));
  await Promise.all(Array.from({ length: pool.threads }, () => pool.classifyMany(batch)));
}

/** Closes on SIGTERM/SIGINT; a second signal, or 30 s without finishing, exits at once. */
export function closeOnSignals(sidecar: RunningSidecar, graceMs = 30_000): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    sidecar.app.log.info({ signal }, 'shutting down: finishing in-flight requests and write-backs');
    setTimeout(() => process.exit(1), graceMs).unref();
    sidecar.close().then(
      () => process.exit(0),
      (err: unknown) => {
        sidecar.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** The evidence key: an Ed25519 private key in PKCS#8 PEM; anything else stops the sidecar with the reason. */
function readEvidenceKey(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
    if (createPrivateKey(pem).asymmetricKeyType === 'ed25519') return pem;
  } catch (error) {
    throw new ConfigError(`LEAKWATCH_EVIDENCE_KEY_FILE ${path}: ${(error as Error).message}`);
  }
  throw new ConfigError(`LEAKWATCH_EVIDENCE_KEY_FILE ${path}: not an Ed25519 private key (openssl genpkey -algorithm ed25519)`);
}

async function main(): Promise<void> {
  try {
    closeOnSignals(await startSidecar(loadConfig()));
  } catch (err) {
    if (!(err instanceof ConfigError) && !(err instanceof NotifyConfigError) && !(err instanceof EgressConfigError)) throw err;
    process.stderr.write(`leakwatch sidecar: configuration error: ${err.message}\n`);
    process.exit(78);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
