import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';

/** Environment variables the sidecar reads, with defaults. Validated once at start-up. */
const EnvSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  PORT: Type.Integer({ default: 8787, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.String({ default: 'info' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  LEAKWATCH_DATA_DIR: Type.String({ default: '.leakwatch/data', minLength: 1 }),
  LEAKWATCH_ORG_SECRETS: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_SECRETS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_HASH_SALT: Type.Optional(Type.String({ minLength: 16 })),
  LEAKWATCH_MODEL_DIR: Type.Optional(Type.String({ minLength: 1 })),
  LEAKWATCH_REPLICA_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  SF_LOGIN_URL: Type.String({ pattern: '^https?://' }),
  SF_CLIENT_ID: Type.String({ minLength: 1 }),
  SF_USERNAME: Type.String({ minLength: 1 }),
  SF_PRIVATE_KEY_PATH: Type.String({ minLength: 1 }),
  SF_API_VERSION: Type.String({ default: '62.0', pattern: '^\\d+\\.\\d$' }),
  SF_NAMESPACE: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]{0,14}$' })),
  OUTBOX_MAX_ATTEMPTS: Type.Integer({ default: 8, minimum: 1, maximum: 100 }),
  OUTBOX_BASE_DELAY_MS: Type.Integer({ default: 500, minimum: 1 }),
  OUTBOX_MAX_DELAY_MS: Type.Integer({ default: 60_000, minimum: 1 }),
  WORKER_POLL_MS: Type.Integer({ default: 100, minimum: 5, maximum: 60_000 }),
  LEAKWATCH_CLASSIFY_THREADS: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
});

type Env = Static<typeof EnvSchema>;

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
  /** The org connection for write-back (OAuth 2.0 JWT bearer flow). */
  salesforce: {
    loginUrl: string;
    clientId: string;
    username: string;
    privateKeyPath: string;
    apiVersion: string;
    /** The package's namespace in the org (`leakwatch` where the managed package is installed). */
    namespace?: string;
  };
  outbox: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  pollMs: number;
  /** Worker threads that classify field values, each with its own model (default: the available cores). */
  classifyThreads?: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const ORG_ID = /^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/;

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
    throw new ConfigError(`${variable} ${first.message} (got ${JSON.stringify(known[variable] ?? null)})`);
  }
  const e = value as Env;
  if (!LOG_LEVELS.includes(e.LOG_LEVEL)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(e.LOG_LEVEL)})`);
  }
  if (e.OUTBOX_MAX_DELAY_MS < e.OUTBOX_BASE_DELAY_MS) {
    throw new ConfigError('OUTBOX_MAX_DELAY_MS must be at least OUTBOX_BASE_DELAY_MS');
  }
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.LEAKWATCH_DATA_DIR,
    orgSecrets: readOrgSecrets(e),
    hashSalt: e.LEAKWATCH_HASH_SALT,
    modelDir: e.LEAKWATCH_MODEL_DIR,
    replicaId: e.LEAKWATCH_REPLICA_ID,
    salesforce: {
      loginUrl: e.SF_LOGIN_URL,
      clientId: e.SF_CLIENT_ID,
      username: e.SF_USERNAME,
      privateKeyPath: e.SF_PRIVATE_KEY_PATH,
      apiVersion: e.SF_API_VERSION,
      ...(e.SF_NAMESPACE ? { namespace: e.SF_NAMESPACE } : {}),
    },
    outbox: {
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      baseDelayMs: e.OUTBOX_BASE_DELAY_MS,
      maxDelayMs: e.OUTBOX_MAX_DELAY_MS,
    },
    pollMs: e.WORKER_POLL_MS,
    classifyThreads: e.LEAKWATCH_CLASSIFY_THREADS ?? availableParallelism(),
  };
}

/** `LEAKWATCH_ORG_SECRETS` is `orgId=secret,orgId=secret`; `LEAKWATCH_SECRETS_FILE` is a JSON object `{ orgId: secret }`. */
function readOrgSecrets(e: Env): Map<string, string> {
  const pairs: Array<[string, string, string]> = [];
  if (e.LEAKWATCH_ORG_SECRETS) {
    for (const item of e.LEAKWATCH_ORG_SECRETS.split(',')) {
      const at = item.indexOf('=');
      pairs.push([item.slice(0, at).trim(), at < 0 ? '' : item.slice(at + 1).trim(), 'LEAKWATCH_ORG_SECRETS']);
    }
  }
  if (e.LEAKWATCH_SECRETS_FILE) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(e.LEAKWATCH_SECRETS_FILE, 'utf8'));
    } catch (err) {
      throw new ConfigError(`LEAKWATCH_SECRETS_FILE cannot be read as JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError('LEAKWATCH_SECRETS_FILE must hold a JSON object { "<orgId>": "<secret>" }');
    }
    for (const [org, secret] of Object.entries(parsed)) {
      pairs.push([org, typeof secret === 'string' ? secret : '', 'LEAKWATCH_SECRETS_FILE']);
    }
  }
  const secrets = new Map<string, string>();
  for (const [org, secret, variable] of pairs) {
    if (!ORG_ID.test(org))
      throw new ConfigError(`${variable} has an entry whose org id is not a Salesforce Organization id (00D...)`);
    if (secret.length < 16) throw new ConfigError(`${variable} has a secret shorter than 16 characters for org ${org}`);
    secrets.set(org.slice(0, 15), secret);
  }
  if (secrets.size === 0) {
    throw new ConfigError(
      'LEAKWATCH_ORG_SECRETS or LEAKWATCH_SECRETS_FILE must name at least one org and its bearer secret',
    );
  }
  return secrets;
}
