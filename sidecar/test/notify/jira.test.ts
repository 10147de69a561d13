import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startJiraEmulator, type JiraEmulator } from '../../src/emulator/jira.js';
import { createJiraTarget, type JiraTargetOptions } from '../../src/notify/jira.js';
import type { IncidentNotification } from '../../src/notify/notification.js';

const USER = { email: 'dpo-bot@acme-shop.example', apiToken: 'token-for-tests' };
const DESK = {
  id: '3',
  projectKey: 'LW',
  projectId: '10042',
  requestTypes: [
    { id: '31', fields: [{ fieldId: 'summary', required: true }, { fieldId: 'description' }, { fieldId: 'labels' }] },
    { id: '32', fields: [{ fieldId: 'summary', required: true }, { fieldId: 'description' }] },
  ],
};

const notification = (incidentKey: string, revision: number, overrides: Partial<IncidentNotification> = {}): IncidentNotification => ({
  orgId: '00D5g000004Cx1aEAC',
  incidentKey,
  revision,
  title: 'Contacts exported by an integration user from a new network',
  severity: 'High',
  status: revision === 1 ? 'Triage' : 'Confirmed',
  detectedAt: '2026-12-05T03:04:05.000Z',
  awarenessAt: '2026-12-05T03:10:00.000Z',
  deadlines: { gdprAuthorityBy: '2026-12-08T03:10:00.000Z', nis2EarlyWarningBy: '2026-12-06T03:10:00.000Z' },
  dataCategories: ['EMAIL_ADDRESS', 'PHONE_NUMBER'],
  estimatedRecords: 1200,
  estimatedSubjects: 1150,
  systems: ['Contact', 'ShopSync Connector'],
  actors: ['s•••@•••.example'],
  summary: 'An integration user exported 1,200 contacts from a network it had not used before.',
  verdicts: [{ eventId: 'evt-1', severity: 'High', riskScore: 0.91, reasons: ['bulk export'], occurredAt: '2026-12-05T03:04:00.000Z' }],
  maskedSamples: ['j•••@•••.com', '+49 •••• ••12'],
  ...overrides,
});

describe('Jira Service Management target', () => {
  let jira: JiraEmulator;
  const target = (overrides: Partial<JiraTargetOptions> = {}) =>
    createJiraTarget({
      name: 'security-desk',
      baseUrl: jira.url,
      email: USER.email,
      apiToken: USER.apiToken,
      serviceDeskId: DESK.id,
      requestTypeId: '31',
      timeoutMs: 2_000,
      ...overrides,
    });
  const requestsFor = (incidentKey: string) => jira.requests().filter((r) => r.labels.includes(`leakwatch-${incidentKey}`));

  beforeAll(async () => {
    jira = await startJiraEmulator({ users: [USER], serviceDesks: [DESK] });
  });
  afterAll(() => jira.close());
  afterEach(() => jira.setFaults({ unavailable: 0, rateLimited: 0, dropConnections: 0, dropResponses: 0, latencyMs: 0 }));

  it('opens one request per incident, labelled with the incident key, and links to it', async () => {
    const key = randomUUID();
    const result = await target().deliver(notification(key, 1), `${key}:1:security-desk`);

    expect(result).toMatchObject({ ok: true, created: true, remoteId: expect.stringMatching(/^LW-\d+$/) });
    expect(result.ok && result.remoteUrl).toBe(`${jira.url}/servicedesk/customer/portal/3/${result.ok && result.remoteId}`);
    const [request, ...others] = requestsFor(key);
    expect(others).toHaveLength(0);
    expect(request).toMatchObject({ serviceDeskId: '3', requestTypeId: '31', labels: [`leakwatch-${key}`], reporter: USER.email });
    expect(jira.comments(request!.issueKey)).toHaveLength(0);
  });

  it('adds one internal comment naming the revision when a later revision comes, found again by search', async () => {
    const key = randomUUID();
    const first = await target().deliver(notification(key, 1), `${key}:1:security-desk`);
    const second = await target().deliver(notification(key, 2), `${key}:2:security-desk`);

    expect(second).toEqual({ ok: true, created: false, remoteId: first.ok && first.remoteId, remoteUrl: first.ok && first.remoteUrl });
    expect(requestsFor(key)).toHaveLength(1);
    const comments = jira.comments(requestsFor(key)[0]!.issueKey);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ public: false, author: USER.email });
    expect(comments[0]!.body.split('\n')[0]).toBe('Revision 2');
    expect(comments[0]!.body).toContain('Status: Confirmed');
  });

  it('posts nothing more when the same idempotency key comes twice', async () => {
    const key = randomUUID();
    const jsm = target();
    await jsm.deliver(notification(key, 1), `${key}:1:security-desk`);
    await jsm.deliver(notification(key, 2), `${key}:2:security-desk`);

    const again = [
      await target().deliver(notification(key, 2), `${key}:2:security-desk`),
      await target().deliver(notification(key, 1), `${key}:1:security-desk`),
    ];

    expect(again.every((r) => r.ok && !r.created)).toBe(true);
    expect(requestsFor(key)).toHaveLength(1);
    expect(jira.comments(requestsFor(key)[0]!.issueKey)).toHaveLength(1);
  });

  it('keeps one request while search has not caught up with a request this process created', async () => {
    const lagging = await startJiraEmulator({ users: [USER], serviceDesks: [DESK], searchLagMs: 60_000 });
    try {
      const key = randomUUID();
      const jsm = target({ baseUrl: lagging.url });
      const [first, second] = await Promise.all([
        jsm.deliver(notification(key, 1), `${key}:1:security-desk`),
        jsm.deliver(notification(key, 2), `${key}:2:security-desk`),
      ]);

      expect(first).toMatchObject({ ok: true, created: true });
      expect(second).toMatchObject({ ok: true, created: false, remoteId: first.ok && first.remoteId });
      expect(lagging.requests()).toHaveLength(1);
      expect(lagging.comments(lagging.requests()[0]!.issueKey)).toHaveLength(1);
    } finally {
      await lagging.close();
    }
  });

  it('writes only what the notification carries', async () => {
    const key = randomUUID();
    await target().deliver(notification(key, 1), `${key}:1:security-desk`);
    await target().deliver(notification(key, 2, { maskedSamples: [] }), `${key}:2:security-desk`);

    const [request] = requestsFor(key);
    expect(Object.keys(request!.fields).sort()).toEqual(['description', 'labels', 'summary']);
    expect(request!.fields.summary).toBe('Leakwatch High: Contacts exported by an integration user from a new network');
    const facts = [
      'Contacts exported by an integration user from a new network',
      `Incident ${key}, org 00D5g000004Cx1aEAC, revision 1`,
      'Severity: High',
      'Status: Triage',
      'Detected: 2026-12-05T03:04:05.000Z',
      'Aware since: 2026-12-05T03:10:00.000Z',
      '',
      'An integration user exported 1,200 contacts from a network it had not used before.',
      '',
      'Deadlines:',
      'GDPR, notify the supervisory authority by: 2026-12-08T03:10:00.000Z',
      'NIS2 early warning by: 2026-12-06T03:10:00.000Z',
      'Data categories: EMAIL_ADDRESS, PHONE_NUMBER',
      'Records (estimate): 1200',
      'Data subjects (estimate): 1150',
      'Systems: Contact, ShopSync Connector',
      'Actors: s•••@•••.example',
      'Verdicts: 1',
      '- 2026-12-05T03:04:00.000Z High, risk 0.91',
      'Masked samples: 2',
      '- j•••@•••.com',
      '- +49 •••• ••12',
      '',
    ];
    const description = String(request!.fields.description).split('\n');
    expect(description.slice(0, -1)).toEqual(facts);
    expect(description.at(-1)).toMatch(/^Leakwatch delivery [0-9a-f]{32}$/);
    expect(description.join('\n')).not.toContain('bulk export');

    const comment = jira.comments(request!.issueKey)[0]!.body.split('\n');
    expect(comment.slice(0, 2)).toEqual(['Revision 2', '']);
    expect(comment).toContain('Masked samples: 0');
    expect(comment).not.toContain('- j•••@•••.com');
    expect(comment.at(-1)).toMatch(/^Leakwatch delivery [0-9a-f]{32}$/);
    expect(comment.at(-1)).not.toBe(description.at(-1));
  });

  it('reports a bad API token as final, with the server message', async () => {
    const result = await target({ apiToken: 'revoked' }).deliver(notification(randomUUID(), 1), 'k:1:security-desk');

    expect(result).toEqual({
      ok: false,
      retryable: false,
      status: 401,
      error: 'Jira service desk lookup answered 401: Client must be authenticated to access this resource.',
    });
  });

  it('reports an unknown request type as final, with the server message', async () => {
    const key = randomUUID();
    const result = await target({ requestTypeId: '99' }).deliver(notification(key, 1), `${key}:1:security-desk`);

    expect(result).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(!result.ok && result.error).toBe('Jira request create answered 400: Request type 99 does not exist in service desk 3.');
    expect(requestsFor(key)).toHaveLength(0);
  });

  it('reports a request type without a Labels field as final, naming the field', async () => {
    const result = await target({ requestTypeId: '32' }).deliver(notification(randomUUID(), 1), 'k:1:security-desk');

    expect(result).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(!result.ok && result.error).toContain("Field 'labels' is not on request type 32.");
  });

  it('reports an unknown service desk as final', async () => {
    const result = await target({ serviceDeskId: '404' }).deliver(notification(randomUUID(), 1), 'k:1:security-desk');

    expect(result).toMatchObject({ ok: false, retryable: false, status: 404 });
  });

  it('asks to retry after Retry-After when rate limited', async () => {
    jira.setFaults({ rateLimited: 1, retryAfterSeconds: 7 });
    const result = await target().deliver(notification(randomUUID(), 1), 'k:1:security-desk');

    expect(result).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 7_000 });
    expect(!result.ok && result.error).toBe('Jira service desk lookup answered 429: Rate limit exceeded.');
  });

  it('asks to retry on 503, and the retry opens the request once', async () => {
    const key = randomUUID();
    const jsm = target();
    await jsm.deliver(notification(randomUUID(), 1), 'warm-up:1:security-desk');
    jira.setFaults({ unavailable: 1 });

    const failed = await jsm.deliver(notification(key, 1), `${key}:1:security-desk`);
    const retried = await jsm.deliver(notification(key, 1), `${key}:1:security-desk`);

    expect(failed).toEqual({ ok: false, retryable: true, status: 503, error: 'Jira search answered 503: Service Unavailable' });
    expect(retried).toMatchObject({ ok: true, created: true });
    expect(requestsFor(key)).toHaveLength(1);
  });

  it('opens the request once when the answer to its creation is lost', async () => {
    const key = randomUUID();
    jira.setFaults({ dropResponses: 1 });
    const lost = await target().deliver(notification(key, 1), `${key}:1:security-desk`);
    const retried = await target().deliver(notification(key, 1), `${key}:1:security-desk`);

    expect(lost).toMatchObject({ ok: false, retryable: true });
    expect(retried).toMatchObject({ ok: true, created: false, remoteId: requestsFor(key)[0]?.issueKey });
    expect(requestsFor(key)).toHaveLength(1);
    expect(jira.comments(requestsFor(key)[0]!.issueKey)).toHaveLength(0);
  });

  it('waits for the search rather than open a second request when a lost create is not yet searchable', async () => {
    const lagging = await startJiraEmulator({ users: [USER], serviceDesks: [DESK], searchLagMs: 60_000 });
    try {
      const key = randomUUID();
      const jsm = target({ baseUrl: lagging.url });
      lagging.setFaults({ dropResponses: 1 });
      const lost = await jsm.deliver(notification(key, 1), `${key}:1:security-desk`);
      const retried = await jsm.deliver(notification(key, 1), `${key}:1:security-desk`);

      expect(lost).toMatchObject({ ok: false, retryable: true });
      // The request exists but the search does not show it yet: the target asks to be retried.
      expect(retried).toMatchObject({ ok: false, retryable: true, retryAfterMs: 10_000 });
      expect(retried.ok === false && retried.error).toMatch(/waiting for the search/);
      expect(lagging.requests()).toHaveLength(1);
    } finally {
      await lagging.close();
    }
  });

  it('comments once when the answer to a comment is lost', async () => {
    const key = randomUUID();
    const jsm = target();
    await jsm.deliver(notification(key, 1), `${key}:1:security-desk`);
    jira.setFaults({ dropResponses: 1 });
    const lost = await jsm.deliver(notification(key, 2), `${key}:2:security-desk`);
    const retried = await jsm.deliver(notification(key, 2), `${key}:2:security-desk`);

    expect(lost).toMatchObject({ ok: false, retryable: true });
    expect(retried).toMatchObject({ ok: true, created: false });
    expect(jira.comments(requestsFor(key)[0]!.issueKey)).toHaveLength(1);
  });

  it('asks to retry when the connection drops', async () => {
    jira.setFaults({ dropConnections: 1 });
    const result = await target().deliver(notification(randomUUID(), 1), 'k:1:security-desk');

    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.ok || result.status).toBeUndefined();
    expect(!result.ok && result.error).toMatch(/^Jira service desk lookup: network error/);
  });

  it('asks to retry when Jira answers too slowly', async () => {
    jira.setFaults({ latencyMs: 300 });
    const result = await target({ timeoutMs: 50 }).deliver(notification(randomUUID(), 1), 'k:1:security-desk');

    expect(result).toEqual({ ok: false, retryable: true, error: 'Jira service desk lookup: timed out after 50 ms' });
  });
});
