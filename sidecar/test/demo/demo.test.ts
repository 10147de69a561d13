import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKETING, SHOP_SYNC } from '../../src/demo/cast.js';
import { CUSTOMER } from '../../src/demo/middleware.js';
import { buildScenario } from '../../src/demo/scenario.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const scenario = buildScenario();

let dataDir: string;
let output: string;
let orgRecords: Record<string, Record<string, unknown>[]>;

const filesUnder = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));

/** Every row of every table in the store, as text. */
const dumpStore = async (storeDir: string): Promise<string> => {
  const db = new PGlite(storeDir);
  try {
    const tables = await db.query<{ name: string }>(
      "SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
    );
    const dumps = await Promise.all(
      tables.rows.map(async ({ name }) => (await db.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`)).rows.map((r) => r.row).join('\n')),
    );
    return dumps.join('\n');
  } finally {
    await db.close();
  }
};

const leaked = (haystack: string | Buffer, values: string[]): string[] => values.filter((value) => haystack.includes(value));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'leakwatch-demo-test-'));
  const run = await promisify(execFile)(
    'npm',
    ['start', '--silent', '--', '--once', '--port', '0', '--org-port', '0', '--log-level', 'debug', '--data-dir', dataDir],
    {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  output = `${run.stdout}\n${run.stderr}`;
  orgRecords = JSON.parse(await readFile(join(dataDir, 'org-records.json'), 'utf8'));
}, 180_000);
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('npm start -- --once', () => {
  it('removes the marketer’s Modify All Data assignment once a second reviewer rejects it, and the review says Done', () => {
    const { permission } = scenario.incidents;
    const review = (orgRecords.PermissionReview__c ?? []).find((r) => r.AssigneeId__c === permission.assigneeId);
    expect(review).toMatchObject({ Status__c: 'Rejected', EnforcementStatus__c: 'Done', EnforcementAttempts__c: 1, EnforcementError__c: null });
    expect(review?.DecidedBy__c).not.toBe(permission.assignerId);
    expect(review?.DecidedBy__c).not.toBe(permission.assigneeId);
    expect((orgRecords.PermissionSetAssignment ?? []).some((a) => a.Id === review?.AssignmentId__c)).toBe(false);
    expect(output).toMatch(
      /containment +the marketer's Modify All Data assignment: rejected by a second reviewer and removed from the org in \d+\.\d s \(PermissionSetAssignment 0Pa… gone\)/,
    );
  });

  it('freezes the ShopSync integration user at once after the stolen token read canaries, and the incident shows the time to containment', () => {
    const actions = orgRecords.ContainmentAction__c ?? [];
    const automatic = actions.filter((a) => a.TargetId__c === SHOP_SYNC.userId);
    expect(automatic.map((a) => `${String(a.Action__c)} ${String(a.Status__c)} ${String(a.Mode__c)}`).sort()).toEqual([
      'EndSessions Done Automatic',
      'FreezeUser Done Automatic',
      'RevokeOAuthTokens Done Automatic',
    ]);
    expect(Object.fromEntries(automatic.map((a) => [a.Action__c, a.Outcome__c]))).toEqual({
      FreezeUser: 'frozen',
      EndSessions: '1 of 1 sessions ended',
      RevokeOAuthTokens: '1 of 1 OAuth tokens revoked (ShopSync Connector)',
    });
    // The org: ShopSync frozen, its session ended and its token revoked.
    expect((orgRecords.UserLogin ?? []).find((l) => l.UserId === SHOP_SYNC.userId)?.IsFrozen).toBe(true);
    expect((orgRecords.AuthSession ?? []).filter((s) => s.UsersId === SHOP_SYNC.userId)).toEqual([]);
    expect((orgRecords.OauthToken ?? []).filter((t) => t.UserId === SHOP_SYNC.userId)).toEqual([]);
    const incident = (orgRecords.Incident__c ?? []).find((i) => i.IncidentKey__c === automatic[0]?.IncidentKey__c);
    expect(incident?.ContainedAt__c).toBeTruthy();
    expect(Number(incident?.TimeToContainmentSeconds__c)).toBeGreaterThanOrEqual(0);
    expect(Number(incident?.TimeToContainmentSeconds__c)).toBeLessThan(600);
    expect(output).toMatch(
      /containment +ShopSync read canaries: frozen automatically \(playbook CanaryIntegrationUser\); .*time to containment \d+ s on incident/,
    );
    // A person's canary reads only propose: nothing is done to the marketer before a reviewer approves.
    const marketer = actions.filter((a) => a.TargetId__c === MARKETING.userId);
    expect(marketer.map((a) => `${String(a.Action__c)} ${String(a.Status__c)} ${String(a.Mode__c)}`).sort()).toEqual([
      'EndSessions Proposed AfterApproval',
      'FreezeUser Proposed AfterApproval',
    ]);
    expect((orgRecords.UserLogin ?? []).find((l) => l.UserId === MARKETING.userId)?.IsFrozen).not.toBe(true);
  });

  it('replays the scenario and ends its first pass by printing where to look and the verdicts by severity', () => {
    expect(output).toMatch(/first pass done\. \d+ verdicts written to the org/);
    expect(output).toMatch(/by severity: +Critical \d+ · High \d+ · Medium \d+ · Low \d+ · Info \d+/);
    expect(output).toContain('Where to look:');
    expect(output).toMatch(/org verdicts +http:\/\/127\.0\.0\.1:\d+\/__emulator\/records\/LeakVerdict__c/);
  });

  it('writes a verdict into the org for each planted incident, from the org data the collectors read', () => {
    const verdicts = orgRecords.LeakVerdict__c ?? [];
    const codes = (record: Record<string, unknown>): string[] => (JSON.parse(String(record.Reasons__c)) as { code: string }[]).map((r) => r.code);
    const withCode = (code: string) => verdicts.filter((v) => codes(v).includes(code));
    const { bulkPull, massDelete, permission, newApp, sharingRule, canaryReader, cardInCase } = scenario.incidents;
    // The live theft, streamed: every verdict on it is the connector's user acting from the thief's session, this hour.
    const live = verdicts.filter(
      (v) => v.ActorUserId__c === bulkPull.userId && new Date(String(v.OccurredAt__c).replace('+0000', 'Z')).getTime() > Date.now() - 3_600_000,
    );
    const pulls = withCode('volume_anomaly').filter((v) => v.ActorUserId__c === bulkPull.userId && !live.includes(v));
    expect(pulls.length).toBeGreaterThan(0);
    expect(
      pulls.every(
        (v) =>
          v.ObjectName__c === 'Contact' &&
          v.OrgEventKind__c === 'export' &&
          new Date(String(v.OccurredAt__c).replace('+0000', 'Z')).getUTCHours() === bulkPull.hourUtc,
      ),
    ).toBe(true);
    // The log names the user by id; the collector looks the user up, and the verdict keeps the username masked.
    expect(pulls[0]).toMatchObject({ ActorIsIntegration__c: true, ActorUsername__c: 's•••@•••.example' });
    expect(withCode('critical_permission')).toEqual([expect.objectContaining({ OrgEventKind__c: 'permission', ActorUserId__c: permission.assignerId })]);
    // The integration user holds Customize Application (containment revokes tokens with it), so the
    // OAuth collector sees the marketer's token at its authorisation, before the app acts; the REST
    // API log's CONNECTED_APP_ID then shows an app already known.
    expect(withCode('new_connected_app')).toEqual([
      expect.objectContaining({ OrgEventKind__c: 'oauth', Operation__c: 'authorize', ActorUserId__c: newApp.userId, ConnectedAppId__c: newApp.appId }),
    ]);
    expect(withCode('sharing_opened_pii')).toEqual([
      expect.objectContaining({ OrgEventKind__c: 'sharing', ActorUserId__c: sharingRule.userId, ObjectName__c: sharingRule.object }),
    ]);
    expect(withCode('canary_touched').filter((v) => v.ActorUserId__c === canaryReader)).toHaveLength(2);
    // The thief's pages name both canaries on one page: one verdict.
    expect(withCode('canary_touched').filter((v) => v.ActorUserId__c === bulkPull.userId)).toHaveLength(1);
    const byEvent = new Map(verdicts.map((record) => [record.EventId__c, record]));
    expect(byEvent.get(cardInCase)?.PiiTypes__c).toContain('CREDIT_CARD');
    expect(massDelete.some((id) => byEvent.has(id))).toBe(true);
    expect(orgRecords.PiiFinding__c?.some((finding) => finding.EntityType__c === 'CREDIT_CARD' && String(finding.MaskedSample__c).includes('•'))).toBe(true);
    expect(orgRecords.PermissionReview__c?.[0]).toMatchObject({ AssigneeId__c: permission.assigneeId });
    // Nothing else: eight ordinary days of logs, logins and DML raise no verdict of their own.
    // What the AI app copied stands out as volume too.
    const appReads = verdicts.filter((v) => v.ConnectedAppId__c === newApp.appId);
    expect(appReads.length).toBeGreaterThan(0);
    const liveCodes = new Set(live.flatMap(codes));
    for (const code of ['integration_new_client', 'canary_touched', 'salesforce_threat_detected', 'unbounded_pii_query', 'paged_enumeration'])
      expect(liveCodes, code).toContain(code);
    expect(live.every((v) => v.OrgEventKind__c === 'export')).toBe(true);
    // The middleware's redacted prompt and its traces' flows raise theirs (see the next test).
    const flows = ['egress_redacted', 'new_data_flow', 'pii_to_ai_outside_region'];
    const planted = new Set([
      ...pulls,
      ...appReads,
      ...live,
      ...['critical_permission', 'new_connected_app', 'sharing_opened_pii', 'canary_touched', 'pii_in_free_text', 'mass_delete_pii', ...flows].flatMap(
        withCode,
      ),
    ]);
    const others = verdicts.filter((v) => !planted.has(v) && !massDelete.includes(String(v.EventId__c)));
    expect(others.map((v) => v.ReasonSummary__c)).toEqual([]);
  });

  it('opens incidents from the verdicts and links the verdicts to them', () => {
    const incidents = orgRecords.Incident__c ?? [];
    const verdicts = orgRecords.LeakVerdict__c ?? [];
    // The permission grant, the integration user's pull, the marketer's day and the live theft.
    expect(incidents.length).toBeGreaterThanOrEqual(4);
    expect(incidents.every((i) => i.Status__c === 'Triage' && typeof i.IncidentKey__c === 'string' && i.DetectedAt__c)).toBe(true);
    const theft = incidents.find((i) => String(i.DataCategories__c ?? '').includes('EMAIL_ADDRESS'));
    expect(theft?.Severity__c).toBe('Critical');
    const linked = verdicts.filter((v) => v.Incident__c);
    expect(linked.length).toBeGreaterThan(incidents.length);
    // Every High or Critical verdict, and every canary read, is in an incident.
    const codes = (record: Record<string, unknown>): string[] => (JSON.parse(String(record.Reasons__c)) as { code: string }[]).map((r) => r.code);
    expect(verdicts.filter((v) => (v.Severity__c === 'High' || v.Severity__c === 'Critical' || codes(v).includes('canary_touched')) && !v.Incident__c)).toEqual(
      [],
    );
  });

  it('notifies the incidents to ServiceNow, Jira Service Management and a signed webhook', () => {
    const line = /notified +ServiceNow (\d+) tickets · Jira (\d+) requests · webhook (\d+) deliveries signed and verified(.*)/.exec(output);
    expect(line).not.toBeNull();
    const incidents = (orgRecords.Incident__c ?? []).length;
    // One ticket and one request per incident (High and above); the webhook hears of Critical ones, each revision once.
    expect(Number(line![1])).toBe(incidents);
    expect(Number(line![2])).toBe(incidents);
    expect(Number(line![3])).toBeGreaterThanOrEqual(1);
    expect(line![4]).toBe('');
  });

  it('mails the DPO list and opens one Case per incident in the org, with a LeakAlert__e per delivery', () => {
    const line = /mail (\d+) to the DPO list · org (\d+) Cases, (\d+) LeakAlert__e events published/.exec(output);
    expect(line).not.toBeNull();
    const incidents = (orgRecords.Incident__c ?? []).length;
    // One mail and one alert per revision of each incident (High and above), one Case per incident.
    expect(Number(line![1])).toBeGreaterThanOrEqual(incidents);
    expect(Number(line![2])).toBe(incidents);
    expect(Number(line![3])).toBeGreaterThanOrEqual(incidents);
  });

  it('exports an incident as a signed, hash-chained evidence bundle that verifies', () => {
    expect(output).toMatch(/evidence +incident [0-9a-f-]{36}: \d+ hash-chained entries \(verdicts, revisions, deliveries\), signature verified/);
  });

  it('detects the live token theft in real time, and says when the event log path would have seen it', () => {
    expect(output).toMatch(/detected in real time: first verdict in the org \d+\.\d s after the queries streamed/);
    expect(output).toMatch(/the event log path sees these calls only in the hour's API log file, which the org writes after \d\d:00 UTC/);
  });

  it('writes the coverage map of every source into the org', () => {
    const sources = new Map(orgRecords.CollectorStatus__c?.map((record) => [record.SourceKey__c, record]));
    for (const source of ['SetupAuditTrail', 'PermissionSetAssignment', 'LoginHistory', 'OauthToken', 'EventLogFile']) {
      expect(sources.get(source), source).toMatchObject({ State__c: 'Collected', Available__c: true });
    }
    for (const topic of ['/event/ApiEventStream', '/event/ApiAnomalyEvent', '/event/LoginEventStream']) {
      expect(sources.get(topic), topic).toMatchObject({ State__c: 'Subscribed', Available__c: true });
    }
    // The map written after the last collection: every event log line of both phases.
    const lines = [scenario.history.org, scenario.incidentDay([]).org]
      .flatMap((d) => d.eventLogFiles)
      .reduce((n, f) => n + f.csv.trimEnd().split('\n').length - 1, 0);
    expect(Number(sources.get('EventLogFile')?.RowsTotal__c)).toBe(lines + 2);
  });

  it("redacts the middleware's prompt to OpenAI and shows last night's sync to an unlisted host as a new flow", () => {
    expect(output).toMatch(
      /egress +shop-middleware → api\.openai\.com: redact \(EMAIL_ADDRESS, PERSON\); the prompt sent: "Customer <PERSON_1> \(<EMAIL_1>\) asks where her order 00012345 is/,
    );
    expect(output).toMatch(/nightly-sync → sftp-gw\.archive-partner\.example \(4 calls; region unknown, new, not allow-listed\)/);
    expect(output).toMatch(/shop-middleware → erp\.my-shop\.example \(6 calls; region DE, allow-listed\)/);
    const verdicts = orgRecords.LeakVerdict__c ?? [];
    const withCode = (code: string) => verdicts.filter((v) => (JSON.parse(String(v.Reasons__c)) as { code: string }[]).some((r) => r.code === code));
    expect(withCode('egress_redacted')).toHaveLength(1);
    expect(withCode('egress_redacted')[0]).toMatchObject({ OrgEventKind__c: 'egress', ObjectName__c: 'Contact' });
    expect(withCode('new_data_flow').map((v) => String(v.Reasons__c).includes('sftp-gw.archive-partner.example'))).toEqual([true]);
    expect(withCode('pii_to_ai_outside_region').map((v) => String(v.Reasons__c).includes('api.openai.com'))).toEqual([true]);
  });

  it('writes the data map into the org: flows with their policy facts, and classification suggestions', () => {
    const flows = new Map((orgRecords.DataFlow__c ?? []).map((r) => [`${String(r.SourceService__c)} → ${String(r.DestinationHost__c)}`, r]));
    expect([...flows.keys()].sort()).toEqual([
      'nightly-sync → sftp-gw.archive-partner.example',
      'shop-middleware → api.openai.com',
      'shop-middleware → erp.my-shop.example',
    ]);
    expect(flows.get('shop-middleware → api.openai.com')).toMatchObject({
      AiService__c: true,
      AllowListed__c: true,
      RegionAllowed__c: false,
      Spans30d__c: 12,
      PolicyName__c: 'OpenAI',
    });
    expect(flows.get('nightly-sync → sftp-gw.archive-partner.example')).toMatchObject({ AiService__c: false, AllowListed__c: false, Objects__c: 'Contact' });
    expect(String(flows.get('nightly-sync → sftp-gw.archive-partner.example')?.Fields__c).split(';')).toContain('Contact.Email');
    expect(flows.get('shop-middleware → erp.my-shop.example')).toMatchObject({ Region__c: 'DE', RegionAllowed__c: true });
    // The card number in the case comment: the field is suggested Restricted with PCI.
    const suggestion = (orgRecords.FieldClassification__c ?? []).find((r) => r.FieldKey__c === 'CaseComment.CommentBody');
    expect(suggestion).toMatchObject({ Status__c: 'Suggested', SuggestedSensitivity__c: 'Restricted' });
    expect(String(suggestion?.SuggestedCompliance__c).split(';')).toContain('PCI');
    expect(output).toMatch(/data map +3 flows \(DataFlow__c\) and 1 field classification suggestions/);
  });

  it('keeps no raw personal value of the scenario in the store, the org or the logs', async () => {
    const values = [...scenario.personalValues, CUSTOMER.name, CUSTOMER.email];
    expect(values.length).toBeGreaterThan(50);
    const storeDir = join(dataDir, 'store');
    const rows = await dumpStore(storeDir);
    // The integration user's login is in the store, masked, like every value the org sent.
    expect(values).toContain('shopsync@acme-shop.example');
    expect(rows).toContain('s•••@•••.example');
    expect(leaked(rows, values)).toEqual([]);
    for (const file of await filesUnder(storeDir)) expect({ file, leaked: leaked(await readFile(file), values) }).toEqual({ file, leaked: [] });
    // The org itself holds its users and customers; what Leakwatch wrote into it holds none of them.
    const written = Object.entries(orgRecords).filter(([sobject]) => sobject.endsWith('__c'));
    expect(written.length).toBeGreaterThan(3);
    expect(leaked(JSON.stringify(written), values)).toEqual([]);
    expect(output).toMatch(/"level":(20|30)/);
    expect(leaked(output, values)).toEqual([]);
  });
});
