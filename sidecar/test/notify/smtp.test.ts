import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpEmulator, type SmtpEmulator } from '../../src/emulator/smtp.js';
import type { IncidentNotification } from '../../src/notify/notification.js';
import { createSmtpTarget, IDEMPOTENCY_HEADER, messageIdOf, type SmtpTargetOptions } from '../../src/notify/smtp.js';
import { loadTargets, NotifyConfigError } from '../../src/notify/targets.js';

const INCIDENT_KEY = '6f1c2d3e-0000-4000-8000-00000000abcd';
const KEY = `${INCIDENT_KEY}:3:dpo-mail`;
const USER = { username: 'leakwatch', password: 'relay-secret' };
/** A raw value the incident came from; only its masked form may appear in a mail. */
const RAW = 'jane.doe@example.com';

const notification = (overrides: Partial<IncidentNotification> = {}): IncidentNotification => ({
  orgId: '00D5g000004Cx1aEAC',
  incidentKey: INCIDENT_KEY,
  revision: 3,
  title: 'Contacts exported by an integration user from a new network',
  severity: 'High',
  status: 'Triage',
  detectedAt: '2026-03-02T09:15:00.000Z',
  awarenessAt: '2026-03-02T09:15:00.000Z',
  deadlines: { gdprAuthorityBy: '2026-03-05T09:15:00.000Z', nis2EarlyWarningBy: '2026-03-03T09:15:00.000Z' },
  dataCategories: ['EMAIL_ADDRESS', 'PHONE_NUMBER'],
  estimatedRecords: 1200,
  estimatedSubjects: 1150,
  systems: ['Contact', 'ShopSync Connector'],
  actors: ['s•••@•••.example'],
  summary: 'An integration user exported 1,200 contacts from a network never seen before.',
  verdicts: [{ eventId: 'evt-1', severity: 'High', riskScore: 88, reasons: ['bulk export'], occurredAt: '2026-03-02T09:10:00.000Z' }],
  maskedSamples: ['j•••@•••.com'],
  ...overrides,
});

describe('smtp notification target', () => {
  let relay: SmtpEmulator;
  const target = (overrides: Partial<SmtpTargetOptions> = {}) =>
    createSmtpTarget({
      name: 'dpo-mail',
      host: relay.host,
      port: relay.port,
      secure: false,
      requireTLS: false,
      auth: { user: USER.username, pass: USER.password },
      from: 'leakwatch@acme-shop.example',
      to: ['dpo@acme-shop.example', 'privacy@acme-shop.example'],
      timeoutMs: 5_000,
      ...overrides,
    });

  beforeAll(async () => {
    relay = await startSmtpEmulator({ users: [USER] });
  });
  afterAll(async () => {
    await relay.close();
  });
  beforeEach(() => relay.setFaults({ dropConnections: 0, reply421: 0, reply451: 0, reply550: 0 }));

  it('sends one mail with the subject, the deadlines, a deterministic Message-ID and the key header, masked only', async () => {
    const before = relay.messages().length;
    const result = await target().deliver(notification(), KEY);
    const mail = relay.messages().at(-1)!;
    expect(relay.messages()).toHaveLength(before + 1);
    expect(result).toEqual({ ok: true, remoteId: mail.queueId, created: true });
    expect(mail.user).toBe(USER.username);
    expect(mail.envelope).toEqual({ from: 'leakwatch@acme-shop.example', to: ['dpo@acme-shop.example', 'privacy@acme-shop.example'] });
    expect(mail.headers['subject']).toBe('[Leakwatch High] Contacts exported by an integration user from a new network');
    expect(mail.headers['message-id']).toBe(messageIdOf(KEY, 'leakwatch@acme-shop.example'));
    expect(mail.headers[IDEMPOTENCY_HEADER.toLowerCase()]).toBe(KEY);
    expect(mail.headers['content-type']).toMatch(/^text\/plain/);
    const body = mail.body.replace(/=\r?\n/g, '');
    expect(body).toContain('GDPR: notify the supervisory authority by 2026-03-05T09:15:00.000Z');
    expect(body).toContain('Data categories: EMAIL_ADDRESS, PHONE_NUMBER');
    expect(body).toContain('Records: 1200');
    expect(body).not.toMatch(/https?:\/\//);
    expect(`${JSON.stringify(mail.headers)}${mail.body}`).not.toContain(RAW);
  });

  it('labels a drill and a reminder with its clock, how far it ran and the deadline', async () => {
    await target().deliver(
      notification({ drill: true, kind: 'reminder', reminder: { clock: 'gdpr72h', state: 'past90', dueAt: '2026-03-05T09:15:00.000Z' } }),
      `${INCIDENT_KEY}:3:dpo-mail:gdpr72h:past90`,
    );
    const mail = relay.messages().at(-1)!;
    expect(mail.headers['subject']).toBe('[Leakwatch High] Drill: Reminder: Contacts exported by an integration user from a new network');
    const body = mail.body.replace(/=\r?\n/g, '');
    expect(body).toContain('DRILL: synthetic canary data only');
    expect(body).toContain(
      'Reminder: GDPR Art. 33 notification to the supervisory authority (72 hours): more than 90 % of its time has passed; deadline 2026-03-05T09:15:00.000Z.',
    );
  });

  it('gives every attempt of one delivery the same Message-ID, and another delivery another one', async () => {
    await target().deliver(notification(), KEY);
    await target().deliver(notification(), KEY);
    await target().deliver(notification({ revision: 4 }), `${INCIDENT_KEY}:4:dpo-mail`);
    const [first, second, third] = relay
      .messages()
      .slice(-3)
      .map((mail) => mail.headers['message-id']);
    expect(first).toBe(second);
    expect(third).not.toBe(first);
  });

  it('dead-letters a refused login (535) without retrying', async () => {
    const before = relay.stats.authFailures;
    const result = await target({ auth: { user: USER.username, pass: 'wrong' } }).deliver(notification(), KEY);
    expect(result).toMatchObject({ ok: false, retryable: false, status: 535 });
    expect(relay.stats.authFailures).toBe(before + 1);
    expect(JSON.stringify(result)).not.toContain('wrong');
  });

  it('retries a temporary 421 or 451 and a dropped connection, then delivers', async () => {
    for (const fault of [{ reply421: 1 }, { reply451: 1 }]) {
      relay.setFaults(fault);
      const before = relay.messages().length;
      const failed = await target().deliver(notification(), KEY);
      expect(failed).toMatchObject({ ok: false, retryable: true });
      expect(relay.messages()).toHaveLength(before);
      expect(await target().deliver(notification(), KEY)).toMatchObject({ ok: true });
    }
    relay.setFaults({ dropConnections: 1 });
    expect(await target().deliver(notification(), KEY)).toMatchObject({ ok: false, retryable: true });
    expect(relay.stats.faultsInjected).toMatchObject({ reply421: 1, reply451: 1, dropConnections: 1 });
  });

  it('dead-letters a permanent 550 and leaves the server text (which may name addresses) out', async () => {
    relay.setFaults({ reply550: 1 });
    const result = await target().deliver(notification(), KEY);
    expect(result).toMatchObject({ ok: false, retryable: false, status: 550 });
    expect(result.ok === false && result.error).toMatch(/^SMTP 550 5\.7\.1/);
  });

  it('retries when nothing listens (connection refused)', async () => {
    const result = await target({ port: 1 }).deliver(notification(), KEY);
    expect(result).toMatchObject({ ok: false, retryable: true });
  });
});

describe('smtp entries of LEAKWATCH_NOTIFY_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakwatch-smtp-'));
  const load = (entry: Record<string, unknown>, env: Record<string, string> = { SMTP_PASSWORD: 'relay-secret' }) => {
    const path = join(dir, 'notify.json');
    writeFileSync(path, JSON.stringify({ targets: [{ name: 'dpo-mail', kind: 'smtp', ...entry }] }));
    return loadTargets(path, env);
  };
  const valid = {
    host: 'smtp.acme-shop.example',
    port: 587,
    requireTLS: true,
    auth: { user: 'leakwatch', passwordEnv: 'SMTP_PASSWORD' },
    from: 'leakwatch@acme-shop.example',
    to: ['dpo@acme-shop.example'],
  };

  it('builds an smtp target from a valid entry', () => {
    const [configured] = load(valid);
    expect(configured?.target).toMatchObject({ kind: 'smtp', name: 'dpo-mail' });
  });

  it.each([
    [{ host: '' }, 'targets[0].host must be a non-empty string'],
    [{ port: 70_000 }, 'targets[0].port must be an integer from 1 to 65535'],
    [{ secure: 'yes' }, 'targets[0].secure must be true or false'],
    [{ secure: true }, 'targets[0].requireTLS cannot be set with secure'],
    [{ requireTLS: false }, 'targets[0].secure or requireTLS must be true: mail to smtp.acme-shop.example would otherwise travel in clear text'],
    [{ auth: { passwordEnv: 'SMTP_PASSWORD' } }, 'targets[0].auth.user must be a non-empty string'],
    [{ auth: { user: 'leakwatch', passwordEnv: 'UNSET_VARIABLE' } }, 'targets[0].auth.passwordEnv names UNSET_VARIABLE, which is not set'],
    [{ from: 'leakwatch' }, 'targets[0].from must be one mail address'],
    [{ to: [] }, 'targets[0].to must be a non-empty list of mail addresses'],
    [{ to: ['dpo@acme-shop.example', 'nobody'] }, 'targets[0].to[1] must be one mail address'],
  ])('refuses %j with a message naming the field', (change, message) => {
    expect(() => load({ ...valid, ...change })).toThrow(NotifyConfigError);
    expect(() => load({ ...valid, ...change })).toThrow(message);
  });

  it('allows clear text to a loopback relay only, and never echoes the password', () => {
    expect(load({ ...valid, host: '127.0.0.1', requireTLS: false })).toHaveLength(1);
    try {
      load({ ...valid, port: 0 });
    } catch (error) {
      expect(String(error)).not.toContain('relay-secret');
    }
  });
});
