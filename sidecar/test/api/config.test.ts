import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { VALID_ENV } from './config-env.js';

/** Secrets and org files the tests write, removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'leakwatch-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const VALID = VALID_ENV;

describe('configuration from the environment', () => {
  it('reads a valid environment with defaults', () => {
    const config = loadConfig({ ...VALID, PORT: '9000' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 9000,
      logLevel: 'info',
      dataDir: '.leakwatch/data',
      pollMs: 100,
    });
    expect(config.orgSecrets.get('00D5g000004Cx1a')).toBe('test-secret-0123456789abcdef');
    expect(config.salesforce?.apiVersion).toBe('62.0');
    expect(config.classifyThreads).toBe(availableParallelism());
  });

  it("passes the package's namespace to the write-back connection only when set", () => {
    expect(loadConfig({ ...VALID, SF_NAMESPACE: 'leakwatch' }).salesforce?.namespace).toBe('leakwatch');
    expect(loadConfig(VALID).salesforce).not.toHaveProperty('namespace');
  });

  it('reads which egress bodies the NER model reads, ai by default, and names a bad value', () => {
    expect(loadConfig(VALID).egressNer).toBe('ai');
    expect(loadConfig({ ...VALID, LEAKWATCH_EGRESS_NER: 'off' }).egressNer).toBe('off');
    expect(() => loadConfig({ ...VALID, LEAKWATCH_EGRESS_NER: 'sometimes' })).toThrow(/LEAKWATCH_EGRESS_NER/);
  });

  it('reads the number of classification threads', () => {
    expect(loadConfig({ ...VALID, LEAKWATCH_CLASSIFY_THREADS: '3' }).classifyThreads).toBe(3);
  });

  it.each([
    [
      { DATABASE_URL: 'mysql://leakwatch:hunter2-secret@db:3306/x' },
      'hunter2-secret',
      /^DATABASE_URL must match pattern .* \(got a mysql: URL of 42 characters, not shown\)$/,
    ],
    [
      { LEAKWATCH_HASH_SALT: 'pepper-salt' },
      'pepper-salt',
      /^LEAKWATCH_HASH_SALT must not have fewer than 16 characters \(got a value of 11 characters, not shown\)$/,
    ],
  ])('names a bad secret-bearing variable without quoting its value: %o', (variables, secret, message) => {
    const error = (() => {
      try {
        loadConfig({ ...VALID, ...variables });
      } catch (err) {
        return err as Error;
      }
      throw new Error('loadConfig accepted the value');
    })();
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(secret);
  });

  it('reads the secrets file', () => {
    const file = join(scratch, 'secrets.json');
    writeFileSync(file, JSON.stringify({ '00D5g000004Cx1b': 'another-secret-0123456789' }));
    const config = loadConfig({ ...VALID, LEAKWATCH_ORG_SECRETS: undefined, LEAKWATCH_SECRETS_FILE: file });
    expect([...config.orgSecrets.keys()]).toEqual(['00D5g000004Cx1b']);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT must be integer \(got "eighty"\)$/],
    [{ PORT: '70000' }, /^PORT must be <= 65535/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of fatal, error/],
    [{ DATABASE_URL: 'mysql://db' }, /^DATABASE_URL must match pattern/],
    [{ SF_LOGIN_URL: undefined }, /^SF_LOGIN_URL must be set$/],
    [{ SF_LOGIN_URL: 'login.salesforce.com' }, /^SF_LOGIN_URL must match pattern/],
    [{ LEAKWATCH_ORG_SECRETS: undefined }, /^LEAKWATCH_ORG_SECRETS, LEAKWATCH_SECRETS_FILE or LEAKWATCH_ORGS_FILE must name at least one org/],
    [{ LEAKWATCH_ORG_SECRETS: '00D5g000004Cx1aEAC=short' }, /^LEAKWATCH_ORG_SECRETS has a secret shorter than 16 characters/],
    [{ LEAKWATCH_ORG_SECRETS: '001000000000001=test-secret-0123456789' }, /^LEAKWATCH_ORG_SECRETS has an entry whose org id is not/],
    [{ LEAKWATCH_CLASSIFY_THREADS: '0' }, /^LEAKWATCH_CLASSIFY_THREADS must be >= 1/],
    [{ LEAKWATCH_CLASSIFY_THREADS: 'two' }, /^LEAKWATCH_CLASSIFY_THREADS must be integer/],
    [{ SF_NAMESPACE: 'leakwatch__' }, /^SF_NAMESPACE /],
    [{ LEAKWATCH_SECRETS_FILE: '/nonexistent/secrets.json' }, /^LEAKWATCH_SECRETS_FILE cannot be read as JSON/],
    [{ OUTBOX_BASE_DELAY_MS: '5000', OUTBOX_MAX_DELAY_MS: '100' }, /^OUTBOX_MAX_DELAY_MS must be at least OUTBOX_BASE_DELAY_MS$/],
  ])('names the variable and what is wrong: %o', (change, message) => {
    expect(() => loadConfig({ ...VALID, ...change })).toThrow(message);
  });

  it('never echoes a secret in its errors', () => {
    expect(() => loadConfig({ ...VALID, LEAKWATCH_ORG_SECRETS: '00D5g000004Cx1aEAC=tiny' })).toThrow(/^(?!.*tiny).*$/);
  });

  it('gives every org of the secrets the SF_* connection', () => {
    const config = loadConfig({ ...VALID, LEAKWATCH_ORG_SECRETS: `${ORG_A}=${SECRET_A},${ORG_B}=${SECRET_B}` });
    expect(config.orgConnections).toEqual(
      new Map([
        [ORG_A.slice(0, 15), config.salesforce],
        [ORG_B.slice(0, 15), config.salesforce],
      ]),
    );
  });
});

const ORG_A = '00D5g000004Cx1aEAC';
const ORG_B = '00D5g000007Zz9bEAC';
const SECRET_A = 'secret-of-org-a-0123456789';
const SECRET_B = 'secret-of-org-b-0123456789';
const CONNECTION_B = {
  loginUrl: 'https://org-b.my.salesforce.com',
  clientId: 'consumer-key-b',
  username: 'integration@org-b.example',
  privateKeyPath: '/run/secrets/org-b.key',
};

const orgsFile = (content: unknown): string => {
  const file = join(mkdtempSync(join(scratch, 'orgs-')), 'orgs.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('one connection per org from LEAKWATCH_ORGS_FILE', () => {
  it('gives each org its own settings over the SF_* defaults, and its secret', () => {
    const file = orgsFile({
      [ORG_A]: { secret: SECRET_A },
      [ORG_B.slice(0, 15)]: { secret: SECRET_B, ...CONNECTION_B, apiVersion: '61.0', namespace: null },
    });
    const config = loadConfig({
      ...VALID,
      SF_NAMESPACE: 'leakwatch',
      LEAKWATCH_ORG_SECRETS: undefined,
      LEAKWATCH_ORGS_FILE: file,
    });
    expect(config.orgSecrets).toEqual(
      new Map([
        [ORG_A.slice(0, 15), SECRET_A],
        [ORG_B.slice(0, 15), SECRET_B],
      ]),
    );
    expect(config.orgConnections?.get(ORG_A.slice(0, 15))).toEqual({
      loginUrl: 'https://login.salesforce.com',
      clientId: 'consumer-key',
      username: 'integration@acme-shop.example',
      privateKeyPath: '/run/secrets/server.key',
      apiVersion: '62.0',
      namespace: 'leakwatch',
    });
    expect(config.orgConnections?.get(ORG_B.slice(0, 15))).toEqual({ ...CONNECTION_B, apiVersion: '61.0' });
  });

  it('needs no SF_* variables when every org has a complete connection of its own', () => {
    const file = orgsFile({ [ORG_B]: { secret: SECRET_B, ...CONNECTION_B } });
    const config = loadConfig({ LEAKWATCH_ORGS_FILE: file });
    expect(config.salesforce).toBeUndefined();
    expect(config.orgConnections?.get(ORG_B.slice(0, 15))).toEqual({ ...CONNECTION_B, apiVersion: '62.0' });
  });

  it('takes the secret from LEAKWATCH_ORG_SECRETS and fills a partial connection from SF_*', () => {
    const file = orgsFile({ [ORG_A]: { username: 'other-user@acme-shop.example' } });
    const config = loadConfig({ ...VALID, LEAKWATCH_ORGS_FILE: file });
    expect(config.orgSecrets.get(ORG_A.slice(0, 15))).toBe('test-secret-0123456789abcdef');
    expect(config.orgConnections?.get(ORG_A.slice(0, 15))).toMatchObject({
      loginUrl: 'https://login.salesforce.com',
      username: 'other-user@acme-shop.example',
    });
  });

  const NO_SF = {
    SF_LOGIN_URL: undefined,
    SF_CLIENT_ID: undefined,
    SF_USERNAME: undefined,
    SF_PRIVATE_KEY_PATH: undefined,
  };
  const ONLY_FILE = { ...NO_SF, LEAKWATCH_ORG_SECRETS: undefined };

  it.each([
    [
      { [ORG_A]: { secret: SECRET_A } },
      ONLY_FILE,
      /^SF_LOGIN_URL, SF_CLIENT_ID, SF_USERNAME, SF_PRIVATE_KEY_PATH must be set for org 00D5g000004Cx1a, which has no loginUrl, clientId, username, privateKeyPath of its own in LEAKWATCH_ORGS_FILE$/,
    ],
    [
      { [ORG_B]: { secret: SECRET_B, ...CONNECTION_B, privateKeyPath: undefined } },
      ONLY_FILE,
      /^SF_PRIVATE_KEY_PATH must be set for org 00D5g000007Zz9b, which has no privateKeyPath of its own/,
    ],
    [{ [ORG_B]: { secret: SECRET_B, ...CONNECTION_B } }, NO_SF, /^SF_LOGIN_URL, .* must be set for org 00D5g000004Cx1a/],
    [{ '001000000000001': { secret: SECRET_A } }, {}, /^LEAKWATCH_ORGS_FILE lists "001000000000001", which is not a Salesforce Organization id/],
    [{ [ORG_A]: { secret: SECRET_A }, [ORG_A.slice(0, 15)]: { secret: SECRET_A } }, {}, /^LEAKWATCH_ORGS_FILE lists org 00D5g000004Cx1a twice/],
    [{ [ORG_A]: SECRET_A }, {}, /^LEAKWATCH_ORGS_FILE: org 00D5g000004Cx1a must be an object/],
    [
      { [ORG_A]: { secret: SECRET_A, loginURL: 'https://x' } },
      {},
      /^LEAKWATCH_ORGS_FILE: org 00D5g000004Cx1a has an unknown setting "loginURL" \(known: secret, loginUrl/,
    ],
    [{ [ORG_A]: { secret: SECRET_A, loginUrl: 'login.salesforce.com' } }, {}, /^LEAKWATCH_ORGS_FILE: org 00D5g000004Cx1a: loginUrl must be an http\(s\) URL$/],
    [{ [ORG_A]: { secret: SECRET_A, apiVersion: 62 } }, {}, /^LEAKWATCH_ORGS_FILE: org 00D5g000004Cx1a: apiVersion must be an API version/],
    [{ [ORG_A]: { secret: SECRET_A, namespace: 'leakwatch__' } }, {}, /^LEAKWATCH_ORGS_FILE: org 00D5g000004Cx1a: namespace must be a namespace prefix/],
    [{ [ORG_A]: { secret: 'short-secret' } }, {}, /^LEAKWATCH_ORGS_FILE has a secret shorter than 16 characters for org 00D5g000004Cx1a/],
    [
      { [ORG_B]: { ...CONNECTION_B } },
      {},
      /^LEAKWATCH_ORGS_FILE: org 00D5g000007Zz9b has no bearer secret; give it a "secret" there or list it in LEAKWATCH_ORG_SECRETS/,
    ],
    [
      { [ORG_A]: { secret: SECRET_A } },
      {},
      /^org 00D5g000004Cx1a has one bearer secret in LEAKWATCH_ORG_SECRETS and another in LEAKWATCH_ORGS_FILE; keep one$/,
    ],
    [[ORG_A], {}, /^LEAKWATCH_ORGS_FILE must hold a JSON object/],
    [`{"${ORG_A}": {"secret": "${SECRET_A}",}}`, {}, /^LEAKWATCH_ORGS_FILE cannot be read as JSON: a syntax error at character \d+$/],
  ])('names the file, the org and what is wrong, never a secret: %j', (content, env, message) => {
    const run = () => loadConfig({ ...VALID, ...env, LEAKWATCH_ORGS_FILE: orgsFile(content) });
    expect(run).toThrow(message);
    expect(run).toThrow(/^(?!.*(secret-of-org|test-secret|short-secret)).*$/);
  });

  it('names a missing orgs file', () => {
    expect(() => loadConfig({ ...VALID, LEAKWATCH_ORGS_FILE: '/nonexistent/orgs.json' })).toThrow(/^LEAKWATCH_ORGS_FILE cannot be read as JSON: ENOENT/);
  });
});
