import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import type { ClassifiedEvent, Detector, Severity, Verdict } from '../../src/contract/verdict.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { DEFAULT_JIRA_SERVICE_DESK, DEFAULT_JIRA_USER, startJiraEmulator, type JiraEmulator } from '../../src/emulator/jira.js';
import { startServiceNowEmulator, type ServiceNowEmulator } from '../../src/emulator/servicenow.js';
import { DEFAULT_INCIDENT_SETTINGS } from '../../src/incidents/correlate.js';
import { deadlinesFrom } from '../../src/notify/clocks.js';
import { createJiraTarget } from '../../src/notify/jira.js';
import { createServiceNowTarget } from '../../src/notify/servicenow.js';
import type { ConfiguredTarget } from '../../src/notify/targets.js';
import { createWebhookTarget, verifyWebhook } from '../../src/notify/webhook.js';
import { createOrgClient } from '../../src/writeback/client.js';
import { AUTH, envelope, ORG_SECRETS } from '../api/envelopes.js';
import { eventually } from '../api/build-test-app.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1aEAC';
const ALICE = '0055g00000AlIcEAAZ';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const T0 = Date.parse('2026-11-30T10:00:00Z');

const bySeverity = (): Detector => ({
  async score(c: ClassifiedEvent): Promise<Verdict | null> {
    const severity = (c.event.details?.['severity'] as Severity | undefined) ?? 'Info';
    if (severity === 'Info') return null;
    return {
      eventId: c.event.id,
      orgId: c.orgId,
      severity,
      riskScore: 90,
      reasons: [{ code: 'volume_anomaly', weight: 90, message: 'Unusual volume.' }],
      piiTypes: [],
      zScore: null,
    };
  },
});

const event = (severity: Severity, minutes: number) => ({
  id: crypto.randomUUID(),
  kind: 'export',
  operation: 'export',
  occurredAt: new Date(T0 + minutes * 60_000).toISOString(),
  actor: { userId: ALICE, username: 'alice@acme-shop.example' },
  object: 'Contact',
  recordCount: 2_000,
  details: { severity },
});

/** A webhook receiver that verifies every delivery, and can fail the first ones. */
function receiver() {
  const received: Array<{ id: string; revision: number }> = [];
  const seen = new Set<string>();
  let failNext = 0;
  let duplicates = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(503).end();
        return;
      }
      const verified = verifyWebhook(SECRET, req.headers as Record<string, string>, body, { seenIds: seen });
      if (!verified.ok) {
        if (verified.reason === 'duplicate-id') duplicates += 1;
        res.writeHead(verified.reason === 'duplicate-id' ? 200 : 400).end();
        return;
      }
      seen.add(verified.id);
      received.push({ id: verified.id, revision: (verified.payload as { data: { revision: number } }).data.revision });
      res.writeHead(204).end();
    });
  });
  return {
    server,
    received,
    duplicates: () => duplicates,
    failNext: (n: number) => (failNext = n),
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/leakwatch`,
  };
}

describe('regulatory clocks', () => {
  it('counts GDPR and NIS2 deadlines from awareness', () => {
    expect(deadlinesFrom('2026-01-30T10:00:00.000Z')).toEqual({
      gdprAuthorityBy: '2026-02-02T10:00:00.000Z',
      nis2EarlyWarningBy: '2026-01-31T10:00:00.000Z',
      nis2NotificationBy: '2026-02-02T10:00:00.000Z',
      // One month after the notification deadline.
      nis2FinalReportBy: '2026-03-02T10:00:00.000Z',
    });
    // A month after 31 January is the last day of February.
    expect(deadlinesFrom('2026-01-28T10:00:00.000Z').nis2FinalReportBy).toBe('2026-02-28T10:00:00.000Z');
  });
});

describe.each(STORE_KINDS)('incident notifications on %s', (kind) => {
  let testStore: TestStore;
  let org: OrgEmulator;
  let servicenow: ServiceNowEmulator;
  let jira: JiraEmulator;
  let hook: ReturnType<typeof receiver>;
  let app: FastifyInstance;

  beforeAll(async () => {
    testStore = await openTestStore(kind);
  });
  afterAll(async () => testStore.dispose());
  beforeEach(async () => {
    for (const table of ['notification', 'outbox', 'incident_member', 'incident', 'ingested_event']) await testStore.store.query(`DELETE FROM ${table}`);
    org = await startOrgEmulator({ orgId: ORG, pubsub: false });
    servicenow = await startServiceNowEmulator();
    jira = await startJiraEmulator();
    hook = receiver();
    await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', r));
    const targets: ConfiguredTarget[] = [
      {
        target: createServiceNowTarget({ name: 'soc', instanceUrl: servicenow.url, auth: { kind: 'basic', username: 'leakwatch', password: 'leakwatch' } }),
        orgs: [],
        minSeverity: 'High',
      },
      {
        target: createJiraTarget({
          name: 'dpo-desk',
          baseUrl: jira.url,
          email: DEFAULT_JIRA_USER.email,
          apiToken: DEFAULT_JIRA_USER.apiToken,
          serviceDeskId: DEFAULT_JIRA_SERVICE_DESK.id,
          requestTypeId: DEFAULT_JIRA_SERVICE_DESK.requestTypes[0]!.id,
        }),
        orgs: [],
        minSeverity: 'High',
      },
      { target: createWebhookTarget({ name: 'siem', url: hook.url(), secret: SECRET }), orgs: [ORG], minSeverity: 'Critical' },
    ];
    const client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
    });
    app = await buildApp({
      store: testStore.store,
      classifier: createClassifier({ salt: 'notify-test-salt-0123' }),
      detector: bySeverity(),
      orgClientFor: () => client,
      orgSecrets: ORG_SECRETS,
      pollMs: 20,
      retryPolicy: { maxAttempts: 6, baseDelayMs: 10, maxDelayMs: 50 },
      incidents: DEFAULT_INCIDENT_SETTINGS,
      notifyTargets: targets,
      logger: false,
    });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await Promise.all([org.close(), servicenow.close(), jira.close(), new Promise((r) => hook.server.close(r))]);
  });

  const post = async (events: unknown[]) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', ...AUTH },
      payload: JSON.stringify(envelope(events)),
    });
    expect(res.statusCode).toBe(202);
  };
  const status = async () =>
    (await app.inject({ method: 'GET', url: '/v1/status', headers: AUTH })).json() as { notifications: { pending: number; dead: number; delivered: number } };

  it('delivers each revision of an incident once to each target, in order, through target faults', async () => {
    servicenow.setFaults({ unavailable: 1, rateLimited: 1, retryAfterSeconds: 0 });
    jira.setFaults({ unavailable: 2 });
    hook.failNext(2);
    await post([event('High', 0)]);
    await eventually(async () => (await status()).notifications.delivered === 2, 30_000);
    await post([event('Critical', 30)]);
    await eventually(async () => (await status()).notifications.delivered === 2 + 3, 30_000);
    expect((await status()).notifications).toMatchObject({ pending: 0, dead: 0 });

    // ServiceNow: one ticket for the incident, its work notes naming each revision once.
    const tickets = servicenow.records('incident');
    expect(tickets).toHaveLength(1);
    const notes = servicenow.records('sys_journal_field').filter((n) => n.element === 'work_notes');
    expect(notes).toHaveLength(2);
    // Jira: one request, a comment for the second revision.
    expect(jira.requests()).toHaveLength(1);
    expect(jira.comments(jira.requests()[0]!.issueKey)).toHaveLength(1);
    // The webhook only hears of Critical incidents: the second revision, once, verified.
    expect(hook.received.map((r) => r.revision)).toEqual([2]);
    expect(hook.duplicates()).toBe(0);
    // Nothing of the events' values went anywhere: the actor is masked in every target.
    expect(JSON.stringify(tickets)).not.toContain('alice@acme-shop.example');
    expect(JSON.stringify(jira.requests())).not.toContain('alice@acme-shop.example');
  });

  it('dead-letters a notification the target refuses, shows it in the status, and re-drives it', async () => {
    jira.setFaults({ unavailable: 100 });
    await post([event('High', 0)]);
    await eventually(async () => (await status()).notifications.dead === 1, 30_000);
    expect((await status()).notifications.delivered).toBe(1);
    jira.setFaults({ unavailable: 0 });
    const redrive = await app.inject({
      method: 'POST',
      url: '/v1/notifications/redrive',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: { target: 'dpo-desk' },
    });
    expect(redrive.json()).toEqual({ redriven: 1 });
    await eventually(async () => (await status()).notifications.delivered === 2, 30_000);
    expect(jira.requests()).toHaveLength(1);
  });
});
