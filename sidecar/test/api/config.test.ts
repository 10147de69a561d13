import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const VALID = {
  LEAKWATCH_ORG_SECRETS: '00D5g000004Cx1aEAC=test-secret-0123456789abcdef',
  SF_LOGIN_URL: 'https://login.salesforce.com',
  SF_CLIENT_ID: 'consumer-key',
  SF_USERNAME: 'integration@acme-shop.example',
  SF_PRIVATE_KEY_PATH: '/run/secrets/server.key',
};

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
    expect(config.salesforce.apiVersion).toBe('62.0');
    expect(config.classifyThreads).toBe(availableParallelism());
  });

  it("passes the package's namespace to the write-back connection only when set", () => {
    expect(loadConfig({ ...VALID, SF_NAMESPACE: 'leakwatch' }).salesforce.namespace).toBe('leakwatch');
    expect(loadConfig(VALID).salesforce).not.toHaveProperty('namespace');
  });

  it('reads the number of classification threads', () => {
    expect(loadConfig({ ...VALID, LEAKWATCH_CLASSIFY_THREADS: '3' }).classifyThreads).toBe(3);
  });

  it('reads the secrets file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'leakwatch-config-')), 'secrets.json');
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
    [
      { LEAKWATCH_ORG_SECRETS: undefined },
      /^LEAKWATCH_ORG_SECRETS or LEAKWATCH_SECRETS_FILE must name at least one org/,
    ],
    [
      { LEAKWATCH_ORG_SECRETS: '00D5g000004Cx1aEAC=short' },
      /^LEAKWATCH_ORG_SECRETS has a secret shorter than 16 characters/,
    ],
    [
      { LEAKWATCH_ORG_SECRETS: '001000000000001=test-secret-0123456789' },
      /^LEAKWATCH_ORG_SECRETS has an entry whose org id is not/,
    ],
    [{ LEAKWATCH_CLASSIFY_THREADS: '0' }, /^LEAKWATCH_CLASSIFY_THREADS must be >= 1/],
    [{ LEAKWATCH_CLASSIFY_THREADS: 'two' }, /^LEAKWATCH_CLASSIFY_THREADS must be integer/],
    [{ SF_NAMESPACE: 'leakwatch__' }, /^SF_NAMESPACE /],
    [{ LEAKWATCH_SECRETS_FILE: '/nonexistent/secrets.json' }, /^LEAKWATCH_SECRETS_FILE cannot be read as JSON/],
    [
      { OUTBOX_BASE_DELAY_MS: '5000', OUTBOX_MAX_DELAY_MS: '100' },
      /^OUTBOX_MAX_DELAY_MS must be at least OUTBOX_BASE_DELAY_MS$/,
    ],
  ])('names the variable and what is wrong: %o', (change, message) => {
    expect(() => loadConfig({ ...VALID, ...change })).toThrow(message);
  });

  it('never echoes a secret in its errors', () => {
    expect(() => loadConfig({ ...VALID, LEAKWATCH_ORG_SECRETS: '00D5g000004Cx1aEAC=tiny' })).toThrow(/^(?!.*tiny).*$/);
  });
});
