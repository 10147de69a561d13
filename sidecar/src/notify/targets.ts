import { readFileSync } from 'node:fs';
import type { Severity } from '../contract/verdict.js';
import { orgKey } from '../contract/salesforce-id.js';
import { atLeast } from '../detect/severity.js';
import { createJiraTarget } from './jira.js';
import type { NotificationTarget } from './notification.js';
import { createOrgTarget, type OrgTargetClient } from './org-target.js';
import { createServiceNowTarget } from './servicenow.js';
import { smtpTargetFromConfig } from './smtp.js';
import { createWebhookTarget } from './webhook.js';

/** A target as configured, and which incidents it is told about. */
export interface ConfiguredTarget {
  target: NotificationTarget;
  /** 18-character org ids; empty: every org. */
  orgs: string[];
  /** Incidents of this severity or above; default `High`. */
  minSeverity: Exclude<Severity, 'Info'>;
}

/** The targets told about an incident of this org and severity. */
export function targetsFor(targets: readonly ConfiguredTarget[], orgId: string, severity: Severity): ConfiguredTarget[] {
  const org = orgKey(orgId);
  return targets.filter((t) => (t.orgs.length === 0 || t.orgs.includes(org)) && atLeast(severity, t.minSeverity));
}

export class NotifyConfigError extends Error {
  override readonly name = 'NotifyConfigError';
}

type Env = Record<string, string | undefined>;

/** What targets that write into the org need: each org's connection, undefined for an org without one. */
interface TargetContext {
  orgClientFor?: (orgId: string) => OrgTargetClient | undefined;
}

/**
 * Reads `LEAKWATCH_NOTIFY_FILE`: `{ "targets": [ … ] }`, each with `name`, `kind` (`servicenow`,
 * `jira`, `webhook`, `smtp`, `org`), optional `orgs` (org ids) and `minSeverity`, and the kind's settings.
 * Secrets are never in the file: each is named by an environment variable (`passwordEnv`,
 * `clientSecretEnv`, `apiTokenEnv`, `secretEnv`), so they come from the operator's secret store,
 * never from an org.
 */
export function loadTargets(path: string, env: Env = process.env, context: TargetContext = {}): ConfiguredTarget[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new NotifyConfigError(`LEAKWATCH_NOTIFY_FILE ${path}: ${(error as Error).message}`);
  }
  const list = (raw as { targets?: unknown })?.targets;
  if (!Array.isArray(list)) throw new NotifyConfigError(`LEAKWATCH_NOTIFY_FILE ${path}: expected {"targets": [ … ]}`);
  const names = new Set<string>();
  return list.map((item, i) => {
    const t = (item ?? {}) as Record<string, unknown>;
    const where = `LEAKWATCH_NOTIFY_FILE targets[${i}]`;
    const str = (key: string): string => {
      const value = t[key];
      if (typeof value !== 'string' || value === '') throw new NotifyConfigError(`${where}.${key} must be a non-empty string`);
      return value;
    };
    const secret = (key: string): string => {
      const variable = str(key);
      const value = env[variable];
      if (!value) throw new NotifyConfigError(`${where}.${key} names ${variable}, which is not set`);
      return value;
    };
    const name = str('name');
    if (names.has(name)) throw new NotifyConfigError(`${where}.name ${name} is used twice`);
    names.add(name);
    const minSeverity = t['minSeverity'] ?? 'High';
    if (!['Critical', 'High', 'Medium', 'Low'].includes(String(minSeverity)))
      throw new NotifyConfigError(`${where}.minSeverity must be Critical, High, Medium or Low`);
    const orgs = t['orgs'] === undefined ? [] : Array.isArray(t['orgs']) ? t['orgs'].map((o) => orgKey(String(o))) : [];
    let target: NotificationTarget;
    switch (t['kind']) {
      case 'servicenow': {
        const auth = (t['auth'] ?? {}) as Record<string, unknown>;
        target = createServiceNowTarget({
          name,
          instanceUrl: str('instanceUrl'),
          auth:
            auth['kind'] === 'oauth'
              ? { kind: 'oauth', clientId: String(auth['clientId'] ?? ''), clientSecret: env[String(auth['clientSecretEnv'] ?? '')] ?? '' }
              : { kind: 'basic', username: String(auth['username'] ?? ''), password: env[String(auth['passwordEnv'] ?? '')] ?? '' },
        });
        const missing = auth['kind'] === 'oauth' ? !env[String(auth['clientSecretEnv'] ?? '')] : !env[String(auth['passwordEnv'] ?? '')];
        if (missing) throw new NotifyConfigError(`${where}.auth names a secret variable that is not set (passwordEnv or clientSecretEnv)`);
        break;
      }
      case 'jira':
        target = createJiraTarget({
          name,
          baseUrl: str('baseUrl'),
          email: str('email'),
          apiToken: secret('apiTokenEnv'),
          serviceDeskId: str('serviceDeskId'),
          requestTypeId: str('requestTypeId'),
        });
        break;
      case 'webhook':
        target = createWebhookTarget({ name, url: str('url'), secret: secret('secretEnv') });
        break;
      case 'smtp':
        target = smtpTargetFromConfig(name, t, env, (field, why) => {
          throw new NotifyConfigError(`${where}.${field} ${why}`);
        });
        break;
      case 'org': {
        // The org's own connection (the write-back's): no secrets of its own.
        const { orgClientFor } = context;
        if (!orgClientFor) throw new NotifyConfigError(`${where}: kind org needs the orgs' connections, which this sidecar has none of`);
        const unconnected = orgs.find((org) => !orgClientFor(org));
        if (unconnected) throw new NotifyConfigError(`${where}.orgs names ${unconnected}, which has no org connection`);
        target = createOrgTarget({ name, clientFor: orgClientFor });
        break;
      }
      default:
        throw new NotifyConfigError(`${where}.kind must be servicenow, jira, webhook, smtp or org`);
    }
    return { target, orgs, minSeverity: minSeverity as ConfiguredTarget['minSeverity'] };
  });
}
