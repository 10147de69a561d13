import { DEFAULT_API_VERSION } from './contract/api-version.js';
import { SOURCE_NAMES } from './collect/sources/index.js';
import { REALTIME_TOPICS } from './collect/realtime/map-event.js';
import type { IncidentSettings } from './incidents/correlate.js';
import type { TelemetrySettings } from './telemetry/start-telemetry.js';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';

const LOGIN_URL = '^https?://';
const API_VERSION = '^\\d+\\.\\d$';
const NAMESPACE = '^[A-Za-z][A-Za-z0-9]{0,14}$';

/** What the API listener accepts and how long it waits for a client (see `HttpLimits`). */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  bodyLimitBytes: 5 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  socketTimeoutMs: 120_000,
  maxRequestsPerSocket: 1_000,
};

/** Bounds of every `LEAKWATCH_*_TIMEOUT_MS`: 0.1 s to 1 hour. */
const TIMEOUT_RANGE = { minimum: 100, maximum: 3_600_000 };

/** Where `/metrics` is served outside production when nothing says otherwise: on the API listener, open (the demo's links use it). */
export const DEFAULT_METRICS: MetricsExposure = { listener: 'public' };

/** The interface of the metrics listener when `LEAKWATCH_METRICS_PORT` is set. */
const DEFAULT_METRICS_HOST = '127.0.0.1';

/** `service.name` of the sidecar's own telemetry unless `OTEL_SERVICE_NAME` says otherwise. */
const DEFAULT_SERVICE_NAME = 'leakwatch-sidecar';

/** How the write-back outbox retries a record (`OUTBOX_*`): attempts, and the bounds of its back-off. */
export const DEFAULT_OUTBOX_RETRY: SidecarConfig['outbox'] = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 60_000 };

/** How often the worker loops look for new work (`WORKER_POLL_MS`). */
export const DEFAULT_WORKER_POLL_MS = 100;

/** Between two polls of the orgs' false positives (`FEEDBACK_POLL_MS`). */
export const DEFAULT_FEEDBACK_POLL_MS = 60_000;

/** At most one coverage map written into each org in this interval. */
export const DEFAULT_COVERAGE_EVERY_MS = 60_000;

/** How Envoy ext_authz enforces a redaction it cannot carry out (`LEAKWATCH_EGRESS_REDACT_AS`). */
export const DEFAULT_EGRESS_REDACT_AS = 'block';

/** Which inspected bodies the NER model reads too (`LEAKWATCH_EGRESS_NER`): those bound for AI services. */
export const DEFAULT_EGRESS_NER = 'ai';

/** Environment variables the sidecar reads, with defaults. Validated once at start-up. */
const EnvSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  PORT: Type.Integer({ default: 8787, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.String({ default: 'info' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  LEAKWATCH_DATA_DIR: Type.String({ default: '.leakwatch/data', minLength: 1 }),
  LEAKWATCH_ORG_SECRETS: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_SECRETS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_ORGS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_HASH_SALT: Type.Optional(Type.String({ minLength: 16 })),
  LEAKWATCH_MODEL_DIR: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_REPLICA_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  SF_LOGIN_URL: Type.Optional(Type.String({ pattern: LOGIN_URL })),
  SF_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  SF_USERNAME: Type.Optional(Type.String({ minLength: 1 })),
  SF_PRIVATE_KEY_PATH: Type.Optional(Type.String({ minLength: 1 })),
  SF_API_VERSION: Type.String({ default: DEFAULT_API_VERSION, pattern: API_VERSION }),
  SF_NAMESPACE: Type.Optional(Type.String({ pattern: NAMESPACE })),
  OUTBOX_MAX_ATTEMPTS: Type.Integer({ default: DEFAULT_OUTBOX_RETRY.maxAttempts, minimum: 1, maximum: 100 }),
  OUTBOX_BASE_DELAY_MS: Type.Integer({ default: DEFAULT_OUTBOX_RETRY.baseDelayMs, minimum: 1 }),
  OUTBOX_MAX_DELAY_MS: Type.Integer({ default: DEFAULT_OUTBOX_RETRY.maxDelayMs, minimum: 1 }),
  WORKER_POLL_MS: Type.Integer({ default: DEFAULT_WORKER_POLL_MS, minimum: 5, maximum: 60_000 }),
  FEEDBACK_POLL_MS: Type.Integer({ default: DEFAULT_FEEDBACK_POLL_MS, minimum: 1_000, maximum: 86_400_000 }),
  LEAKWATCH_FLOWS_PUBLISH_MS: Type.Integer({ default: 300_000, minimum: 1_000, maximum: 86_400_000 }),
  LEAKWATCH_CLASSIFY_SUGGEST_MS: Type.Integer({ default: 3_600_000, minimum: 1_000, maximum: 86_400_000 }),
  LEAKWATCH_CLASSIFY_APPLY: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'off' }),
  LEAKWATCH_CLASSIFY_APPLY_MS: Type.Integer({ default: 60_000, minimum: 1_000, maximum: 86_400_000 }),
  LEAKWATCH_ENFORCE_MS: Type.Integer({ default: 30_000, minimum: 1_000, maximum: 86_400_000 }),
  LEAKWATCH_COLLECT: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  LEAKWATCH_COLLECT_API_SHARE: Type.Number({ default: 0.1, exclusiveMinimum: 0, maximum: 1 }),
  LEAKWATCH_COLLECT_ORG_HEADROOM: Type.Number({ default: 0.9, exclusiveMinimum: 0, maximum: 1 }),
  LEAKWATCH_COLLECT_SOURCES: Type.Optional(Type.String({ pattern: '^[A-Za-z]+(,[A-Za-z]+)*$' })),
  LEAKWATCH_INTEGRATION_USERS: Type.Optional(Type.String({ maxLength: 10_000 })),
  LEAKWATCH_NOTIFY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_EGRESS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_EGRESS_REDACT_AS: Type.Union([Type.Literal('block'), Type.Literal('allow')], { default: DEFAULT_EGRESS_REDACT_AS }),
  LEAKWATCH_EGRESS_NER: Type.Union([Type.Literal('ai'), Type.Literal('all'), Type.Literal('off')], { default: DEFAULT_EGRESS_NER }),
  LEAKWATCH_EVIDENCE_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_DRAFTS_DIR: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_DPO_CONTACT: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  LEAKWATCH_INCIDENTS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  LEAKWATCH_INCIDENT_MIN_SEVERITY: Type.Union([Type.Literal('Critical'), Type.Literal('High'), Type.Literal('Medium'), Type.Literal('Low')], {
    default: 'High',
  }),
  LEAKWATCH_INCIDENT_WINDOW_HOURS: Type.Number({ default: 24, exclusiveMinimum: 0, maximum: 720 }),
  LEAKWATCH_AWARENESS: Type.Union([Type.Literal('detection'), Type.Literal('confirmation')], { default: 'detection' }),
  LEAKWATCH_REALTIME: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  LEAKWATCH_PUBSUB_ENDPOINT: Type.String({ default: 'api.pubsub.salesforce.com:7443', pattern: '^[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}$' }),
  LEAKWATCH_PUBSUB_TLS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  LEAKWATCH_REALTIME_TOPICS: Type.Optional(Type.String({ pattern: '^[A-Za-z]+(,[A-Za-z]+)*$' })),
  LEAKWATCH_REALTIME_START: Type.Union([Type.Literal('earliest'), Type.Literal('latest')], { default: 'earliest' }),
  LEAKWATCH_CLASSIFY_THREADS: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  LEAKWATCH_BODY_LIMIT_BYTES: Type.Integer({
    default: DEFAULT_HTTP_LIMITS.bodyLimitBytes,
    minimum: 64 * 1024,
    maximum: 64 * 1024 * 1024,
  }),
  LEAKWATCH_HEADERS_TIMEOUT_MS: Type.Integer({ default: DEFAULT_HTTP_LIMITS.headersTimeoutMs, ...TIMEOUT_RANGE }),
  LEAKWATCH_REQUEST_TIMEOUT_MS: Type.Integer({ default: DEFAULT_HTTP_LIMITS.requestTimeoutMs, ...TIMEOUT_RANGE }),
  LEAKWATCH_KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ default: DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs, ...TIMEOUT_RANGE }),
  LEAKWATCH_SOCKET_TIMEOUT_MS: Type.Integer({ default: DEFAULT_HTTP_LIMITS.socketTimeoutMs, ...TIMEOUT_RANGE }),
  LEAKWATCH_MAX_REQUESTS_PER_SOCKET: Type.Integer({
    default: DEFAULT_HTTP_LIMITS.maxRequestsPerSocket,
    minimum: 0,
    maximum: 1_000_000,
  }),
  LEAKWATCH_METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  LEAKWATCH_METRICS_HOST: Type.String({ default: DEFAULT_METRICS_HOST, minLength: 1 }),
  LEAKWATCH_METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  NODE_ENV: Type.Optional(Type.String()),
  // The sidecar's own telemetry (src/telemetry/): the standard OpenTelemetry names, read here only.
  OTEL_SDK_DISABLED: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_HEADERS: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_METRICS_HEADERS: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_PROTOCOL: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: Type.Optional(Type.String()),
  OTEL_TRACES_EXPORTER: Type.Optional(Type.String()),
  OTEL_METRICS_EXPORTER: Type.Optional(Type.String()),
  OTEL_SERVICE_NAME: Type.String({ default: DEFAULT_SERVICE_NAME, minLength: 1, maxLength: 255 }),
  OTEL_EXPORTER_OTLP_TIMEOUT: Type.Integer({ default: 10_000, minimum: 100, maximum: 600_000 }),
  OTEL_METRIC_EXPORT_INTERVAL: Type.Integer({ default: 60_000, minimum: 100, maximum: 86_400_000 }),
});

type Env = Static<typeof EnvSchema>;

/** An org connection for write-back (OAuth 2.0 JWT bearer flow). */
export interface OrgConnection {
  loginUrl: string;
  clientId: string;
  username: string;
  privateKeyPath: string;
  apiVersion: string;
  /** The package's namespace in the org (`leakwatch` where the managed package is installed). */
  namespace?: string;
}

/**
 * Limits of the API listener. A client that has not sent its headers within `headersTimeoutMs`, or
 * its whole request within `requestTimeoutMs`, gets a 408 and the connection is closed; so does a
 * body that stalls, is shorter than its Content-Length or trickles in.
 */
export interface HttpLimits {
  /** Largest request body, after decompression. */
  bodyLimitBytes: number;
  /** From the connection (or the end of the previous reply's keep-alive wait) to the end of the headers. */
  headersTimeoutMs: number;
  /** From the first byte to the end of the body; the handler's own time does not count. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open after a reply (Node adds 1 s of grace). */
  keepAliveTimeoutMs: number;
  /** A connection with no traffic either way for this long is closed, even while its reply is being prepared. */
  socketTimeoutMs: number;
  /** Requests one keep-alive connection may carry before the sidecar asks the client to reconnect; 0: no limit. */
  maxRequestsPerSocket: number;
}

/**
 * Where `GET /metrics` is served: on the API listener (behind `token` when set), on a listener of its
 * own at `host:port` (behind `token` when set), or nowhere (production without metrics settings).
 */
export type MetricsExposure = { listener: 'public'; token?: string } | { listener: 'own'; host: string; port: number; token?: string } | { listener: 'off' };

export interface SidecarConfig {
  host: string;
  port: number;
  logLevel: string;
  /** PostgreSQL when set; otherwise the embedded PGlite store under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** orgId (15-character form) → bearer secret. */
  orgSecrets: Map<string, string>;
  /** Overrides the salt generated in the database for value hashes. */
  hashSalt?: string;
  /** NER model directory; 'none' runs the recognizers only; unset: the shipped model when present. */
  modelDir?: string;
  /** Names this replica in work leases; stable across restarts (default: the host name). */
  replicaId?: string;
  /** The default org connection (`SF_*`); absent when every org has a complete connection of its own. */
  salesforce?: OrgConnection;
  /**
   * orgId (15-character form) → the connection its verdicts are written through: its own settings
   * from `LEAKWATCH_ORGS_FILE` over the `SF_*` defaults. An org missing here uses `salesforce`.
   */
  orgConnections?: Map<string, OrgConnection>;
  outbox: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  pollMs: number;
  /** Between two polls of the orgs' false positives (default `DEFAULT_FEEDBACK_POLL_MS`); one poll also runs at start-up. */
  feedbackPollMs?: number;
  /**
   * What the sidecar keeps in step with each connected org (`plugins/org-sync.ts`): its data flows as
   * DataFlow__c every `flowsEveryMs` (`LEAKWATCH_FLOWS_PUBLISH_MS`, default 5 minutes; only changed
   * records are sent), its classification suggestions as FieldClassification__c every
   * `suggestEveryMs` (`LEAKWATCH_CLASSIFY_SUGGEST_MS`, default 1 hour), and the suggestions admins
   * approved applied through the Metadata API every `applyEveryMs` (`LEAKWATCH_CLASSIFY_APPLY_MS`,
   * default 1 minute) only with `LEAKWATCH_CLASSIFY_APPLY=on`: off by default, because the Metadata API
   * needs user permissions the package cannot grant (admins apply approved suggestions in Setup).
   */
  orgSync?: { flowsEveryMs: number; suggestEveryMs: number; applyEveryMs?: number };
  /**
   * Containment in each connected org (`sidecar/src/containment/`), polled every `everyMs`
   * (`LEAKWATCH_ENFORCE_MS`, default 30 s): permission review decisions carried out on assignments
   * (the integration user needs Assign Permission Sets), and the containment playbooks' actions
   * (Manage Users, Customize Application, Modify Metadata). Without a permission the action ends
   * Failed with the reason on its record.
   */
  containment?: { everyMs: number };
  /** Worker threads that classify field values, each with its own model (default: the available cores). */
  classifyThreads?: number;
  /**
   * The collectors that read each connected org's own records and logs (`sidecar/src/collect/`):
   * on unless `LEAKWATCH_COLLECT=off`; the share of the org's daily API calls they may spend, the
   * org-wide usage at which they wait, the sources (all when unset) and the declared integration users.
   */
  collect?: {
    enabled: boolean;
    apiShare: number;
    orgHeadroom: number;
    sources?: string[];
    integrationUsers: string[];
    /** At most one coverage map written into each org in this interval (default `DEFAULT_COVERAGE_EVERY_MS`). */
    coverageEveryMs?: number;
  };
  /**
   * Incidents opened from verdicts (`sidecar/src/incidents/`): on unless `LEAKWATCH_INCIDENTS=off`;
   * a verdict at `LEAKWATCH_INCIDENT_MIN_SEVERITY` or above (or touching a canary) opens one or joins
   * the one that shares its actor, app or session within `LEAKWATCH_INCIDENT_WINDOW_HOURS`.
   */
  incidents?: IncidentSettings;
  /** `LEAKWATCH_NOTIFY_FILE`: the notification targets of incidents (`sidecar/src/notify/`); unset: none. */
  notifyFile?: string;
  /** `LEAKWATCH_EGRESS_FILE`: each org's egress policy (`src/egress/policy.ts`); unset: the built-in policy. */
  egressFile?: string;
  /** `LEAKWATCH_EGRESS_REDACT_AS`: how Envoy ext_authz enforces a redaction it cannot carry out (default `DEFAULT_EGRESS_REDACT_AS`). */
  egressRedactAs?: 'block' | 'allow';
  /** `LEAKWATCH_EGRESS_NER`: which inspected bodies the NER model reads too: bound for AI services (default), all, or none. */
  egressNer?: 'ai' | 'all' | 'off';
  /** `LEAKWATCH_EVIDENCE_KEY_FILE`: the Ed25519 private key evidence bundles are signed with; unset: none is exported. */
  evidenceKeyFile?: string;
  /** `LEAKWATCH_DRAFTS_DIR`: templates that replace the shipped notification drafts, file by file. */
  draftsDir?: string;
  /** `LEAKWATCH_DPO_CONTACT`: the DPO or contact point the GDPR draft names. */
  dpoContact?: string;
  /**
   * Real-Time Event Monitoring over the Pub/Sub API (`sidecar/src/collect/realtime/`): on unless
   * `LEAKWATCH_REALTIME=off`; an org without Shield or Event Monitoring shows its topics as
   * unavailable on the coverage map. The endpoint is Salesforce's unless set (an emulator's).
   */
  realtime?: {
    enabled: boolean;
    endpoint: string;
    tls: boolean;
    topics?: string[];
    /** Where a topic never read before starts: the 72 hours the org keeps (`EARLIEST`) or now. */
    firstStart: 'EARLIEST' | 'LATEST';
  };
  /** Limits of the API listener; unset: `DEFAULT_HTTP_LIMITS`. */
  http?: HttpLimits;
  /** Where `/metrics` is served; unset: `DEFAULT_METRICS`. */
  metrics?: MetricsExposure;
  /**
   * The sidecar's own traces and metrics over OTLP (`sidecar/src/telemetry/`): absent, and nothing is
   * sent anywhere, unless an OTLP endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or a signal's own).
   */
  telemetry?: TelemetrySettings;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const ORG_ID = /^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/;

/** Variables that may hold a password, a secret or a salt: an error names them but does not quote them. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'LEAKWATCH_ORG_SECRETS',
  'LEAKWATCH_HASH_SALT',
  'LEAKWATCH_METRICS_TOKEN',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
]);

/** A bad value as an error message may show it: quoted, or for a secret only its length (and a URL's scheme). */
function shownValue(variable: string, value: unknown): string {
  if (!SECRET_VARIABLES.has(variable) || typeof value !== 'string') return JSON.stringify(value ?? null);
  const scheme = variable === 'DATABASE_URL' ? /^[a-z][a-z0-9+.-]*:/i.exec(value)?.[0] : undefined;
  return `${scheme ? `a ${scheme} URL of` : 'a value of'} ${value.length} characters, not shown`;
}

/** Reads and validates the configuration; throws a ConfigError naming the variable and what is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SidecarConfig {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.properties)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const value = Value.Convert(EnvSchema, Value.Default(EnvSchema, known));
  const [first] = Value.Errors(EnvSchema, value);
  if (first) {
    if (first.keyword === 'required') {
      const missing = (first.params as { requiredProperties?: string[] }).requiredProperties?.join(', ');
      throw new ConfigError(`${missing ?? 'a variable'} must be set`);
    }
    const variable = first.instancePath.replace(/^\//, '') || 'environment';
    throw new ConfigError(`${variable} ${first.message} (got ${shownValue(variable, known[variable])})`);
  }
  const e = value as Env;
  if (!LOG_LEVELS.includes(e.LOG_LEVEL)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(e.LOG_LEVEL)})`);
  }
  if (e.OUTBOX_MAX_DELAY_MS < e.OUTBOX_BASE_DELAY_MS) {
    throw new ConfigError('OUTBOX_MAX_DELAY_MS must be at least OUTBOX_BASE_DELAY_MS');
  }
  if (e.LEAKWATCH_HEADERS_TIMEOUT_MS > e.LEAKWATCH_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('LEAKWATCH_HEADERS_TIMEOUT_MS must be at most LEAKWATCH_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  const unknownTopics = (e.LEAKWATCH_REALTIME_TOPICS?.split(',') ?? []).filter((n) => !(REALTIME_TOPICS as readonly string[]).includes(n));
  if (unknownTopics.length > 0)
    throw new ConfigError(
      `LEAKWATCH_REALTIME_TOPICS names ${unknownTopics.join(', ')}, which the sidecar does not subscribe to; known: ${REALTIME_TOPICS.join(', ')}`,
    );
  const unknownSources = (e.LEAKWATCH_COLLECT_SOURCES?.split(',') ?? []).filter((n) => !(SOURCE_NAMES as readonly string[]).includes(n));
  if (unknownSources.length > 0) {
    throw new ConfigError(
      `LEAKWATCH_COLLECT_SOURCES names ${unknownSources.join(', ')}, which the sidecar does not collect; known: ${SOURCE_NAMES.join(', ')}`,
    );
  }
  const orgFile = e.LEAKWATCH_ORGS_FILE ? readOrgsFile(e.LEAKWATCH_ORGS_FILE) : new Map<string, OrgEntry>();
  const orgSecrets = readOrgSecrets(e, orgFile);
  const salesforce = defaultConnection(e);
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.LEAKWATCH_DATA_DIR,
    orgSecrets,
    hashSalt: e.LEAKWATCH_HASH_SALT,
    modelDir: e.LEAKWATCH_MODEL_DIR,
    replicaId: e.LEAKWATCH_REPLICA_ID,
    ...(salesforce ? { salesforce } : {}),
    orgConnections: orgConnections(e, orgSecrets, orgFile),
    outbox: {
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      baseDelayMs: e.OUTBOX_BASE_DELAY_MS,
      maxDelayMs: e.OUTBOX_MAX_DELAY_MS,
    },
    pollMs: e.WORKER_POLL_MS,
    feedbackPollMs: e.FEEDBACK_POLL_MS,
    orgSync: {
      flowsEveryMs: e.LEAKWATCH_FLOWS_PUBLISH_MS,
      suggestEveryMs: e.LEAKWATCH_CLASSIFY_SUGGEST_MS,
      ...(e.LEAKWATCH_CLASSIFY_APPLY === 'on' ? { applyEveryMs: e.LEAKWATCH_CLASSIFY_APPLY_MS } : {}),
    },
    containment: { everyMs: e.LEAKWATCH_ENFORCE_MS },
    collect: {
      enabled: e.LEAKWATCH_COLLECT === 'on',
      apiShare: e.LEAKWATCH_COLLECT_API_SHARE,
      orgHeadroom: e.LEAKWATCH_COLLECT_ORG_HEADROOM,
      ...(e.LEAKWATCH_COLLECT_SOURCES ? { sources: e.LEAKWATCH_COLLECT_SOURCES.split(',') } : {}),
      integrationUsers: (e.LEAKWATCH_INTEGRATION_USERS ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== ''),
    },
    ...(e.LEAKWATCH_NOTIFY_FILE ? { notifyFile: e.LEAKWATCH_NOTIFY_FILE } : {}),
    ...(e.LEAKWATCH_EGRESS_FILE ? { egressFile: e.LEAKWATCH_EGRESS_FILE } : {}),
    egressRedactAs: e.LEAKWATCH_EGRESS_REDACT_AS,
    egressNer: e.LEAKWATCH_EGRESS_NER,
    ...(e.LEAKWATCH_EVIDENCE_KEY_FILE ? { evidenceKeyFile: e.LEAKWATCH_EVIDENCE_KEY_FILE } : {}),
    ...(e.LEAKWATCH_DRAFTS_DIR ? { draftsDir: e.LEAKWATCH_DRAFTS_DIR } : {}),
    ...(e.LEAKWATCH_DPO_CONTACT ? { dpoContact: e.LEAKWATCH_DPO_CONTACT } : {}),
    ...(e.LEAKWATCH_INCIDENTS === 'on'
      ? {
          incidents: {
            minSeverity: e.LEAKWATCH_INCIDENT_MIN_SEVERITY,
            windowMs: Math.round(e.LEAKWATCH_INCIDENT_WINDOW_HOURS * 3_600_000),
            awareness: e.LEAKWATCH_AWARENESS,
          },
        }
      : {}),
    realtime: {
      enabled: e.LEAKWATCH_REALTIME === 'on',
      endpoint: e.LEAKWATCH_PUBSUB_ENDPOINT,
      tls: e.LEAKWATCH_PUBSUB_TLS === 'on',
      ...(e.LEAKWATCH_REALTIME_TOPICS ? { topics: e.LEAKWATCH_REALTIME_TOPICS.split(',') } : {}),
      firstStart: e.LEAKWATCH_REALTIME_START === 'latest' ? 'LATEST' : 'EARLIEST',
    },
    classifyThreads: e.LEAKWATCH_CLASSIFY_THREADS ?? availableParallelism(),
    http: {
      bodyLimitBytes: e.LEAKWATCH_BODY_LIMIT_BYTES,
      headersTimeoutMs: e.LEAKWATCH_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.LEAKWATCH_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.LEAKWATCH_KEEP_ALIVE_TIMEOUT_MS,
      socketTimeoutMs: e.LEAKWATCH_SOCKET_TIMEOUT_MS,
      maxRequestsPerSocket: e.LEAKWATCH_MAX_REQUESTS_PER_SOCKET,
    },
    metrics: metricsExposure(e),
    ...telemetrySettings(e),
  };
}

type Signal = 'TRACES' | 'METRICS';

/**
 * The sidecar's own telemetry, read from the standard OpenTelemetry variables. Sovereignty first:
 * a signal is exported only when an endpoint for it is set (`OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT` as
 * given, or `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/<signal>` appended) and neither
 * `OTEL_SDK_DISABLED=true` nor `OTEL_<SIGNAL>_EXPORTER=none` turns it off. OTLP/HTTP protobuf only.
 */
function telemetrySettings(e: Env): { telemetry?: TelemetrySettings } {
  const disabled = e.OTEL_SDK_DISABLED?.trim().toLowerCase();
  if (disabled !== undefined && disabled !== 'true' && disabled !== 'false') {
    throw new ConfigError(`OTEL_SDK_DISABLED must be true or false (got ${JSON.stringify(e.OTEL_SDK_DISABLED)})`);
  }
  const target = (signal: Signal) => {
    const exporter = e[`OTEL_${signal}_EXPORTER`]?.trim();
    if (exporter !== undefined && exporter !== 'otlp' && exporter !== 'none') {
      throw new ConfigError(`OTEL_${signal}_EXPORTER must be otlp or none: the sidecar exports over OTLP only (got ${JSON.stringify(exporter)})`);
    }
    for (const variable of [`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`, 'OTEL_EXPORTER_OTLP_PROTOCOL'] as const) {
      const protocol = e[variable]?.trim();
      if (protocol !== undefined && protocol !== 'http/protobuf') {
        throw new ConfigError(
          `${variable} must be http/protobuf, the only protocol the sidecar exports with (got ${JSON.stringify(protocol)}); ` +
            "point the endpoint at the collector's OTLP/HTTP port (4318 by default)",
        );
      }
    }
    const own = e[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`];
    const url = own
      ? endpointUrl(`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`, own)
      : e.OTEL_EXPORTER_OTLP_ENDPOINT
        ? signalUrl(endpointUrl('OTEL_EXPORTER_OTLP_ENDPOINT', e.OTEL_EXPORTER_OTLP_ENDPOINT), signal)
        : undefined;
    const headers = {
      ...otlpHeaders('OTEL_EXPORTER_OTLP_HEADERS', e.OTEL_EXPORTER_OTLP_HEADERS),
      ...otlpHeaders(`OTEL_EXPORTER_OTLP_${signal}_HEADERS`, e[`OTEL_EXPORTER_OTLP_${signal}_HEADERS`]),
    };
    return url === undefined || exporter === 'none' || disabled === 'true' ? undefined : { url: url.toString(), headers };
  };
  const traces = target('TRACES');
  const metrics = target('METRICS');
  if (!traces && !metrics) return {};
  return {
    telemetry: {
      ...(traces ? { traces } : {}),
      ...(metrics ? { metrics: { ...metrics, intervalMs: e.OTEL_METRIC_EXPORT_INTERVAL } } : {}),
      serviceName: e.OTEL_SERVICE_NAME,
      timeoutMs: e.OTEL_EXPORTER_OTLP_TIMEOUT,
    },
  };
}

/** An OTLP endpoint: an http(s) URL without credentials (they belong in the headers, which are never logged). */
function endpointUrl(variable: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(
      `${variable} must be an http(s) URL such as http://collector:4318 (got a value of ${value.length} characters that is no URL, not shown)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${variable} must be an http(s) URL such as http://collector:4318 (got a ${url.protocol} URL)`);
  }
  if (url.username || url.password) {
    throw new ConfigError(`${variable} must not carry credentials: put them in OTEL_EXPORTER_OTLP_HEADERS (e.g. Authorization=Bearer%20<token>)`);
  }
  return url;
}

/** The generic endpoint with the signal's path appended, as the OTLP exporter specification says. */
function signalUrl(base: URL, signal: Signal): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/${signal.toLowerCase()}`;
  return url;
}

/** `key=value,key=value`, values URL-encoded (the W3C Baggage format the specification uses). Errors never quote a value. */
function otlpHeaders(variable: string, value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (value === undefined) return headers;
  value.split(',').forEach((entry, index) => {
    if (entry.trim() === '') return;
    const at = entry.indexOf('=');
    const key = entry.slice(0, Math.max(at, 0)).trim();
    if (at < 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) {
      throw new ConfigError(`${variable}: entry ${index + 1} is not key=value with a header name as key (values not shown)`);
    }
    try {
      headers[key.toLowerCase()] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      throw new ConfigError(`${variable}: the value of ${key} is not URL-encoded correctly (write a space as %20; value not shown)`);
    }
  });
  return headers;
}

/**
 * `LEAKWATCH_METRICS_PORT` moves `/metrics` to a listener of its own (on `LEAKWATCH_METRICS_HOST`,
 * loopback by default); `LEAKWATCH_METRICS_TOKEN` puts it behind a bearer token wherever it is served.
 * With neither, production (`NODE_ENV=production`) serves no metrics, so that the API listener does
 * not show them to whoever can reach it; elsewhere they are open on the API listener.
 */
function metricsExposure(e: Env): MetricsExposure {
  const token = e.LEAKWATCH_METRICS_TOKEN ? { token: e.LEAKWATCH_METRICS_TOKEN } : {};
  if (e.LEAKWATCH_METRICS_PORT !== undefined) {
    if (e.LEAKWATCH_METRICS_PORT !== 0 && e.LEAKWATCH_METRICS_PORT === e.PORT) {
      throw new ConfigError('LEAKWATCH_METRICS_PORT must differ from PORT (or leave it unset to serve /metrics on PORT)');
    }
    return { listener: 'own', host: e.LEAKWATCH_METRICS_HOST, port: e.LEAKWATCH_METRICS_PORT, ...token };
  }
  if (e.LEAKWATCH_METRICS_TOKEN) return { listener: 'public', ...token };
  return e.NODE_ENV === 'production' ? { listener: 'off' } : DEFAULT_METRICS;
}

/** One org of `LEAKWATCH_ORGS_FILE`: its bearer secret and the connection settings it overrides. */
interface OrgEntry {
  secret?: string;
  loginUrl?: string;
  clientId?: string;
  username?: string;
  privateKeyPath?: string;
  apiVersion?: string;
  /** null: no namespace for this org, whatever `SF_NAMESPACE` says. */
  namespace?: string | null;
}

/** The setting of an org entry, the variable it overrides, and what a valid value looks like. */
const ORG_SETTINGS: Record<keyof OrgEntry, { variable?: string; valid: (v: unknown) => boolean; expected: string }> = {
  secret: { valid: (v) => typeof v === 'string', expected: 'must be a string' },
  loginUrl: { variable: 'SF_LOGIN_URL', valid: matches(LOGIN_URL), expected: 'must be an http(s) URL' },
  clientId: { variable: 'SF_CLIENT_ID', valid: matches('.'), expected: 'must be a non-empty string' },
  username: { variable: 'SF_USERNAME', valid: matches('.'), expected: 'must be a non-empty string' },
  privateKeyPath: { variable: 'SF_PRIVATE_KEY_PATH', valid: matches('.'), expected: 'must be a non-empty string' },
  apiVersion: {
    variable: 'SF_API_VERSION',
    valid: matches(API_VERSION),
    expected: 'must be an API version such as 62.0',
  },
  namespace: {
    variable: 'SF_NAMESPACE',
    valid: (v) => v === null || matches(NAMESPACE)(v),
    expected: 'must be a namespace prefix such as leakwatch (without __), or null for none',
  },
};

const CONNECTION_REQUIRED = ['loginUrl', 'clientId', 'username', 'privateKeyPath'] as const;

function matches(pattern: string): (v: unknown) => boolean {
  const re = new RegExp(pattern);
  return (v) => typeof v === 'string' && re.test(v);
}

/**
 * `LEAKWATCH_ORGS_FILE` is a JSON object `{ "<orgId>": { "secret", "loginUrl", "clientId", "username",
 * "privateKeyPath", "apiVersion", "namespace" } }`, every setting optional. Errors name the org and the
 * setting, never a value.
 */
function readOrgsFile(path: string): Map<string, OrgEntry> {
  const variable = 'LEAKWATCH_ORGS_FILE';
  const parsed = readJsonFile(variable, path);
  if (!isObject(parsed)) {
    throw new ConfigError(`${variable} must hold a JSON object { "<orgId>": { "secret": "...", "loginUrl": "...", ... } }`);
  }
  const entries = new Map<string, OrgEntry>();
  for (const [key, entry] of Object.entries(parsed)) {
    if (!ORG_ID.test(key)) {
      throw new ConfigError(`${variable} lists ${JSON.stringify(key)}, which is not a Salesforce Organization id (00D...)`);
    }
    const org = key.slice(0, 15);
    if (entries.has(org)) throw new ConfigError(`${variable} lists org ${org} twice (as a 15- and an 18-character id)`);
    if (!isObject(entry)) {
      throw new ConfigError(`${variable}: org ${org} must be an object { "secret": "...", "loginUrl": "...", ... }`);
    }
    for (const [name, setting] of Object.entries(entry)) {
      const rule = Object.hasOwn(ORG_SETTINGS, name) ? ORG_SETTINGS[name as keyof OrgEntry] : undefined;
      if (!rule) {
        throw new ConfigError(`${variable}: org ${org} has an unknown setting ${JSON.stringify(name)} (known: ${Object.keys(ORG_SETTINGS).join(', ')})`);
      }
      if (!rule.valid(setting)) throw new ConfigError(`${variable}: org ${org}: ${name} ${rule.expected}`);
    }
    entries.set(org, entry as OrgEntry);
  }
  return entries;
}

/**
 * Bearer secrets from `LEAKWATCH_ORG_SECRETS` (`orgId=secret,orgId=secret`), `LEAKWATCH_SECRETS_FILE`
 * (a JSON object `{ orgId: secret }`) and the `secret` of each org in `LEAKWATCH_ORGS_FILE`.
 */
function readOrgSecrets(e: Env, orgFile: Map<string, OrgEntry>): Map<string, string> {
  const pairs: Array<[string, string, string]> = [];
  if (e.LEAKWATCH_ORG_SECRETS) {
    for (const item of e.LEAKWATCH_ORG_SECRETS.split(',')) {
      const at = item.indexOf('=');
      pairs.push([item.slice(0, at).trim(), at < 0 ? '' : item.slice(at + 1).trim(), 'LEAKWATCH_ORG_SECRETS']);
    }
  }
  if (e.LEAKWATCH_SECRETS_FILE) {
    const parsed = readJsonFile('LEAKWATCH_SECRETS_FILE', e.LEAKWATCH_SECRETS_FILE);
    if (!isObject(parsed)) {
      throw new ConfigError('LEAKWATCH_SECRETS_FILE must hold a JSON object { "<orgId>": "<secret>" }');
    }
    for (const [org, secret] of Object.entries(parsed)) {
      pairs.push([org, typeof secret === 'string' ? secret : '', 'LEAKWATCH_SECRETS_FILE']);
    }
  }
  for (const [org, entry] of orgFile) {
    if (entry.secret !== undefined) pairs.push([org, entry.secret, 'LEAKWATCH_ORGS_FILE']);
  }
  const secrets = new Map<string, { secret: string; from: string }>();
  for (const [org, secret, variable] of pairs) {
    if (!ORG_ID.test(org)) throw new ConfigError(`${variable} has an entry whose org id is not a Salesforce Organization id (00D...)`);
    if (secret.length < 16) throw new ConfigError(`${variable} has a secret shorter than 16 characters for org ${org}`);
    const org15 = org.slice(0, 15);
    const earlier = secrets.get(org15);
    if (earlier && earlier.secret !== secret) {
      throw new ConfigError(`org ${org15} has one bearer secret in ${earlier.from} and another in ${variable}; keep one`);
    }
    secrets.set(org15, { secret, from: variable });
  }
  for (const org of orgFile.keys()) {
    if (!secrets.has(org)) {
      throw new ConfigError(
        `LEAKWATCH_ORGS_FILE: org ${org} has no bearer secret; give it a "secret" there or list it in LEAKWATCH_ORG_SECRETS or LEAKWATCH_SECRETS_FILE`,
      );
    }
  }
  if (secrets.size === 0) {
    throw new ConfigError('LEAKWATCH_ORG_SECRETS, LEAKWATCH_SECRETS_FILE or LEAKWATCH_ORGS_FILE must name at least one org and its bearer secret');
  }
  return new Map([...secrets].map(([org, { secret }]) => [org, secret]));
}

/** The `SF_*` connection, when all of its required variables are set. */
function defaultConnection(e: Env): OrgConnection | undefined {
  if (!e.SF_LOGIN_URL || !e.SF_CLIENT_ID || !e.SF_USERNAME || !e.SF_PRIVATE_KEY_PATH) return undefined;
  return {
    loginUrl: e.SF_LOGIN_URL,
    clientId: e.SF_CLIENT_ID,
    username: e.SF_USERNAME,
    privateKeyPath: e.SF_PRIVATE_KEY_PATH,
    apiVersion: e.SF_API_VERSION,
    ...(e.SF_NAMESPACE ? { namespace: e.SF_NAMESPACE } : {}),
  };
}

/** Each org's connection: its own settings over the `SF_*` ones, which must fill in whatever an org leaves out. */
function orgConnections(e: Env, orgSecrets: Map<string, string>, orgFile: Map<string, OrgEntry>) {
  const connections = new Map<string, OrgConnection>();
  for (const org of orgSecrets.keys()) {
    const own = orgFile.get(org) ?? {};
    const missing = CONNECTION_REQUIRED.filter((name) => own[name] === undefined);
    const unset = missing.map((name) => ORG_SETTINGS[name].variable as string).filter((variable) => !e[variable as keyof Env]);
    if (unset.length > 0) {
      const why = orgFile.size > 0 ? ` for org ${org}, which has no ${missing.join(', ')} of its own in LEAKWATCH_ORGS_FILE` : '';
      throw new ConfigError(`${unset.join(', ')} must be set${why}`);
    }
    const namespace = own.namespace === null ? undefined : (own.namespace ?? e.SF_NAMESPACE);
    connections.set(org, {
      loginUrl: own.loginUrl ?? (e.SF_LOGIN_URL as string),
      clientId: own.clientId ?? (e.SF_CLIENT_ID as string),
      username: own.username ?? (e.SF_USERNAME as string),
      privateKeyPath: own.privateKeyPath ?? (e.SF_PRIVATE_KEY_PATH as string),
      apiVersion: own.apiVersion ?? e.SF_API_VERSION,
      ...(namespace ? { namespace } : {}),
    });
  }
  return connections;
}

/** Parses a JSON file; a syntax error is reported by position only, since the file holds secrets. */
function readJsonFile(variable: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${variable} cannot be read as JSON: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new ConfigError(`${variable} cannot be read as JSON: a syntax error${position ? ` at character ${position}` : ''}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
