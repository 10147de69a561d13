import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { planCanaries, seedCanaries } from '../../src/collect/canaries.js';
import { runSource } from '../../src/collect/run-source.js';
import type { CollectorSource } from '../../src/collect/source.js';
import {
  ASSIGN_ACTIONS,
  eventLogFileSource,
  loginHistorySource,
  oauthTokenSource,
  permissionAssignmentSource,
  setupAuditTrailSource,
} from '../../src/collect/sources/index.js';
import type { EventEnvelope, LeakEvent } from '../../src/contract/event.js';
import { toId18 } from '../../src/contract/salesforce-id.js';
import type { Verdict } from '../../src/contract/verdict.js';
import { EventLogBook, logLine, orgDateTime } from '../../src/demo/org-data.js';
import { createDetector, DEFAULT_DETECTION_CONFIG, type DetectionEngine } from '../../src/detect/index.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { seedEventLogFile, seedRecords } from '../../src/emulator/seeding-client.js';
import { classifyEvents } from '../../src/ingest/classify-events.js';
import { eventProblems } from '../../src/ingest/event-validator.js';
import type { StoredEvent } from '../../src/ingest/stored-event.js';
import { verdictRecords } from '../../src/verdicts/verdict-records.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';

/**
 * Every rule of the detector, driven from what an org really holds: rows of the standard objects
 * and event log CSV (Salesforce's field and column names) seeded through the emulator's seeding
 * API, read by the collectors' own sources into a store, classified, and scored by a real detector
 * in the order the events happened. Rules fed only by the package's capture triggers are driven
 * from the package's documented payloads (`schemas/examples/apex-*.json`) through the same
 * classification.
 *
 * The org is one emulator; each test is a fresh connection of the sidecar to it (its own org key:
 * its own cursors, snapshots and detector state) and scores only the events of its own users, so
 * that the rows other tests seeded do not warm its baselines.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Midnight UTC today, fixed once so that a run crossing midnight keeps one calendar. */
const TODAY = Math.floor(Date.now() / DAY) * DAY;
/** An hour of a day `daysAgo` days before today, UTC. */
const dayAt = (daysAgo: number, hour: number, minute = 0) => TODAY - daysAgo * DAY + hour * HOUR + minute * MINUTE;
/** A date-time `ms` ago as the REST API writes it (to the second). */
const ago = (ms: number) => orgDateTime(Date.now() - ms);

const SALT = 'rules-from-org-salt-01';
const classifier = createClassifier({ salt: SALT });
const INTEGRATION_PROFILE = toId18('00e5g00000IntPr');

/** Ids by key prefix: `id('005', 'Vol01')` → an 18-character User id. */
const id = (prefix: string, tail: string) => toId18(`${prefix}5g${'0'.repeat(10 - tail.length)}${tail}`);
const userId = (tail: string) => id('005', tail);
/** A Contact id per index, for the record ids of bulk slices. */
const contactId = (n: number) => id('003', `B${n.toString(36).padStart(4, '0')}`);

function example(name: string): EventEnvelope {
  return JSON.parse(readFileSync(new URL(`../../schemas/examples/${name}.json`, import.meta.url), 'utf8')) as EventEnvelope;
}

const codes = (verdict: Verdict | null | undefined): string[] => verdict?.reasons.map((r) => r.code) ?? [];

describe('every rule, from raw org data', () => {
  let org: OrgEmulator;
  let client: OrgClient;
  let testStore: TestStore;
  let nextOrg = 0;

  beforeAll(async () => {
    // Customize Application: the OAuth token rules read other users' tokens (see the OauthToken source).
    org = await startOrgEmulator({ port: 0, customizeApplication: true });
    client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
    });
    testStore = await openTestStore('pglite');
    await seed('Profile', [{ Id: INTEGRATION_PROFILE, Name: 'Minimum Access - API Only Integrations' }]);
  });
  afterAll(async () => {
    await org?.close();
    await testStore?.dispose();
  });

  /** Raw records through the emulator's seeding API, with the org's own field names. */
  const seed = (sobject: string, records: Array<Record<string, unknown>>): Promise<string[]> => seedRecords(org.url, sobject, records);

  /** Event log files (CSV with Salesforce's column names) through the seeding API. */
  async function seedLogFiles(...books: EventLogBook[]): Promise<void> {
    for (const file of books.flatMap((b) => b.files())) await seedEventLogFile(org.url, file);
  }

  const users = (list: Array<{ id: string; username: string; integration?: boolean }>) =>
    seed(
      'User',
      list.map((u) => ({
        Id: u.id,
        Username: u.username,
        LastName: u.username.split('@')[0],
        IsActive: true,
        ...(u.integration ? { ProfileId: INTEGRATION_PROFILE } : {}),
      })),
    );

  /** A fresh connection of the sidecar: its org key, its detector, and the stored events it has already returned. */
  function connection(detectorOptions: Parameters<typeof createDetector>[0] = {}) {
    nextOrg += 1;
    const orgKey = toId18(`00D5g0000LwR${String(nextOrg).padStart(3, '0')}`);
    const detector: DetectionEngine = createDetector(detectorOptions);
    const returned = new Set<string>();
    return {
      orgKey,
      detector,
      /**
       * Runs a source until it has read everything due, as the collect loop does, and returns the
       * events stored for `actors` that an earlier call did not return, oldest first.
       */
      async collect<P>(source: CollectorSource<P>, actors: readonly string[]): Promise<StoredEvent[]> {
        for (;;) {
          const outcome = await runSource({ store: testStore.store, classifier, owner: 'rules-from-org' }, orgKey, client, source);
          expect(['done', 'stopped'], JSON.stringify(outcome)).toContain(outcome.status);
          if (outcome.status === 'done') break;
        }
        const rows = await testStore.store.query<{ classified: StoredEvent }>('SELECT classified FROM ingested_event WHERE org_id = $1', [orgKey]);
        const fresh = rows
          .map((r) => r.classified)
          .filter((s) => !returned.has(s.event.id) && actors.includes(s.event.actor.userId))
          .sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt) || a.event.id.localeCompare(b.event.id));
        for (const s of fresh) returned.add(s.event.id);
        return fresh;
      },
      /** Scores stored events in order, as the scoring stage does. */
      async score(events: readonly StoredEvent[]): Promise<Array<{ stored: StoredEvent; verdict: Verdict | null }>> {
        const out = [];
        for (const stored of events)
          out.push({ stored, verdict: await detector.score({ orgId: stored.orgId, event: stored.event, findings: stored.findings }) });
        return out;
      },
      /** Package payloads as `POST /v1/events` takes them: validated, then classified with the collectors' classifier. */
      async ingest(events: LeakEvent[]): Promise<StoredEvent[]> {
        for (const event of events) expect(eventProblems(event), event.id).toBeNull();
        return classifyEvents(classifier, orgKey, events);
      },
    };
  }

  const assignments = () => permissionAssignmentSource({ permissions: DEFAULT_DETECTION_CONFIG.criticalPermissions, assignActions: ASSIGN_ACTIONS });

  it('volume_anomaly: EventLogFile API lines, three weeks of about 200 Contact rows a day, then 6,000', async () => {
    const analyst = userId('Vol01');
    await users([{ id: analyst, username: 'analyst@acme-shop.example' }]);
    const daily = new EventLogBook('Daily');
    const hourly = new EventLogBook('Hourly');
    const apiLine = (at: number, rows: number, n: number) =>
      logLine(org.identity.orgId, 'API', at, analyst, `vol-${n}`, {
        ENTITY_NAME: 'Contact',
        ROWS_PROCESSED: rows,
        SESSION_KEY: `vol-session-${n}`,
        CLIENT_IP: '198.51.100.20',
        CLIENT_NAME: 'Workbench',
        API_TYPE: 'P',
        METHOD_NAME: 'query',
      });
    for (let k = 22; k >= 2; k--) daily.add('API', dayAt(k, 10, 5), apiLine(dayAt(k, 10, 5), 180 + (k % 5) * 10, k));
    hourly.add('API', dayAt(1, 10, 5), apiLine(dayAt(1, 10, 5), 6_000, 1));
    await seedLogFiles(daily, hourly);

    const sidecar = connection();
    const events = await sidecar.collect(eventLogFileSource({ eventTypes: ['API'] }), [analyst]);
    expect(events).toHaveLength(22);
    expect(events.at(-1)?.event).toMatchObject({ kind: 'export', operation: 'query', object: 'Contact', recordCount: 6_000 });
    const scored = await sidecar.score(events);
    const spike = scored.at(-1)?.verdict;
    expect(codes(spike)).toContain('volume_anomaly');
    expect(spike?.reasons.find((r) => r.code === 'volume_anomaly')?.message).toContain('6000 Contact records (query) in one');
    // The usual days, warm or not, never stand out.
    expect(scored.slice(0, -1).flatMap((s) => codes(s.verdict))).not.toContain('volume_anomaly');
  });

  it('mass_delete_pii: from the package bulk-delete payload (apex-contact-bulk-delete.json), as deletes reach the sidecar only from the package triggers', async () => {
    const [template] = example('apex-contact-bulk-delete').events as [LeakEvent];
    // A 1,200-record Bulk API delete: every 200-record chunk runs in its own transaction and the
    // trigger publishes one summarised event per chunk, shaped like the documented slice.
    const slices = Array.from({ length: 6 }, (_, i): LeakEvent => ({
      ...template,
      id: randomUUID(),
      occurredAt: new Date(Date.parse(template.occurredAt) + i * 20_000).toISOString(),
      recordCount: 200,
      recordIds: Array.from({ length: 200 }, (_, j) => contactId(i * 200 + j)),
      details: { ...template.details, sliceSize: 200 },
    }));
    const sidecar = connection();
    const scored = await sidecar.score(await sidecar.ingest(slices));
    expect(scored.slice(0, 4).map((s) => s.verdict)).toEqual([null, null, null, null]);
    expect(codes(scored[4]?.verdict)).toContain('mass_delete_pii');
    expect(scored[4]?.verdict?.reasons.find((r) => r.code === 'mass_delete_pii')?.message).toContain('deleted 1000 Contact records');
  });

  it('mass_update_pii: from the package update payload (apex-contact-update.json) in its summarised bulk form, as updates reach the sidecar only from the package triggers', async () => {
    const [template] = example('apex-contact-update').events as [LeakEvent];
    const { fields: _values, ...withoutValues } = template;
    // 5,200 records in 200-record chunks: slices at or above the bulk threshold carry ids, no values.
    const slices = Array.from({ length: 26 }, (_, i): LeakEvent => ({
      ...withoutValues,
      id: randomUUID(),
      occurredAt: new Date(Date.parse(template.occurredAt) + i * 10_000).toISOString(),
      recordCount: 200,
      recordIds: Array.from({ length: 200 }, (_, j) => contactId(i * 200 + j)),
      details: { trigger: 'AFTER_UPDATE', sliceSize: 200, apiType: 'bulk', summarised: true },
    }));
    const sidecar = connection();
    const scored = await sidecar.score(await sidecar.ingest(slices));
    expect(scored.slice(0, 24).flatMap((s) => codes(s.verdict))).toEqual([]);
    expect(codes(scored[24]?.verdict)).toContain('mass_update_pii');
  });

  it('pii_in_free_text: from the package CaseComment payload (apex-case-comment-insert.json), as field values reach the sidecar only from the package triggers', async () => {
    const [comment] = example('apex-case-comment-insert').events as [LeakEvent];
    const phoneOnly: LeakEvent = {
      ...comment,
      id: randomUUID(),
      fields: comment.fields?.map((f) => ({ ...f, value: 'Jane Doe asked for a call back on +44 20 7946 0958.' })),
    };
    const sidecar = connection();
    const [card, phone] = await sidecar.score(await sidecar.ingest([comment, phoneOnly]));
    expect(codes(card?.verdict)).toEqual(['pii_in_free_text']);
    expect(card?.verdict?.reasons[0]?.message).toContain('CREDIT_CARD found in CaseComment.CommentBody');
    expect(JSON.stringify(card)).not.toContain('4111 1111');
    expect(codes(phone?.verdict)).not.toContain('pii_in_free_text');
  });

  it('unusual_hour: EventLogFile RestApi lines, twenty days of office-hour requests, then one at 03:00', async () => {
    const agent = userId('Hrs01');
    await users([{ id: agent, username: 'night.owl@acme-shop.example' }]);
    const daily = new EventLogBook('Daily');
    const hourly = new EventLogBook('Hourly');
    const restLine = (at: number, n: string) =>
      logLine(org.identity.orgId, 'RestApi', at, agent, `hrs-${n}`, {
        ENTITY_NAME: 'Contact',
        ROWS_PROCESSED: 3,
        SESSION_KEY: `hrs-session-${n}`,
        CLIENT_IP: '198.51.100.30',
        USER_AGENT: 'Mozilla/5.0',
        METHOD: 'GET',
        URI: '/services/data/v62.0/query',
        STATUS_CODE: 200,
      });
    for (let k = 21; k >= 2; k--) for (const hour of [9, 10, 11]) daily.add('RestApi', dayAt(k, hour, 15), restLine(dayAt(k, hour, 15), `${k}-${hour}`));
    hourly.add('RestApi', dayAt(1, 3, 5), restLine(dayAt(1, 3, 5), 'night'));
    hourly.add('RestApi', dayAt(1, 10, 15), restLine(dayAt(1, 10, 15), 'day'));
    await seedLogFiles(daily, hourly);

    const sidecar = connection();
    const events = await sidecar.collect(eventLogFileSource({ eventTypes: ['RestApi'] }), [agent]);
    expect(events).toHaveLength(62);
    const scored = await sidecar.score(events);
    const night = scored.find((s) => s.stored.event.occurredAt === new Date(dayAt(1, 3, 5)).toISOString());
    const day = scored.find((s) => s.stored.event.occurredAt === new Date(dayAt(1, 10, 15)).toISOString());
    expect(codes(night?.verdict)).toContain('unusual_hour');
    expect(night?.verdict?.reasons.find((r) => r.code === 'unusual_hour')?.message).toContain('active at 03:00 UTC');
    expect(codes(day?.verdict)).not.toContain('unusual_hour');
  });

  it('integration_interactive: LoginHistory rows, an API-only integration user signing in through the browser', async () => {
    const shopsync = userId('Int01');
    const marketer = userId('Int02');
    await users([
      { id: shopsync, username: 'shopsync.int@acme-shop.example', integration: true },
      { id: marketer, username: 'marketer.int@acme-shop.example' },
    ]);
    const login = (UserId: string, LoginType: string, msAgo: number) => ({
      UserId,
      LoginTime: ago(msAgo),
      LoginType,
      SourceIp: '203.0.113.10',
      Status: 'Success',
      Application: LoginType === 'Application' ? 'Browser' : 'ShopSync',
      Browser: LoginType === 'Application' ? 'Chrome 130' : 'Unknown',
      Platform: 'Unknown',
      CountryIso: 'DE',
    });
    await seed('LoginHistory', [
      login(shopsync, 'Remote Access 2.0', 30 * MINUTE),
      login(shopsync, 'Application', 20 * MINUTE),
      login(marketer, 'Application', 10 * MINUTE),
    ]);
    const sidecar = connection();
    const events = await sidecar.collect(loginHistorySource(), [shopsync, marketer]);
    const [api, browser, person] = await sidecar.score(events);
    expect(api?.verdict).toBeNull();
    expect(codes(browser?.verdict)).toEqual(['integration_interactive']);
    expect(browser?.stored.event.details).toMatchObject({ source: 'LoginHistory', loginType: 'Application' });
    expect(person?.verdict).toBeNull();
  });

  it('failed_login_burst and new_login_country: LoginHistory rows, a password-guessing hour and a login from a new country', async () => {
    const agent = userId('Log01');
    const other = userId('Log02');
    await users([
      { id: agent, username: 'agent.login@acme-shop.example' },
      { id: other, username: 'other.login@acme-shop.example' },
    ]);
    const login = (UserId: string, at: number, Status: string, CountryIso: string) => ({
      UserId,
      LoginTime: orgDateTime(at),
      LoginType: 'Application',
      SourceIp: CountryIso === 'GB' ? '192.0.2.20' : '198.51.100.99',
      Status,
      Application: 'Browser',
      Browser: 'Chrome 131',
      Platform: 'Windows 10',
      CountryIso,
    });
    const rows = [
      // Ten days of ordinary logins from the United Kingdom.
      ...Array.from({ length: 10 }, (_, d) => login(agent, dayAt(12 - d, 8, 30), 'Success', 'GB')),
      // Twelve wrong passwords within the hour, then a login from Brazil.
      ...Array.from({ length: 12 }, (_, i) => login(agent, dayAt(2, 2, 4 * i), 'Invalid Password', 'BR')),
      login(agent, dayAt(2, 3, 10), 'Success', 'BR'),
      // Another user: nine failures in an hour, and a first login from a new country before any warm-up.
      ...Array.from({ length: 9 }, (_, i) => login(other, dayAt(2, 2, 5 * i), 'Invalid Password', 'FR')),
      login(other, dayAt(2, 4, 0), 'Success', 'FR'),
    ];
    await seed('LoginHistory', rows);
    const sidecar = connection();
    const events = await sidecar.collect(loginHistorySource(), [agent, other]);
    expect(events).toHaveLength(rows.length);
    const scored = await sidecar.score(events);
    const flagged = scored.filter((s) => s.verdict).map((s) => ({ user: s.stored.event.actor.userId, codes: codes(s.verdict) }));
    expect(flagged).toEqual([
      { user: agent, codes: ['failed_login_burst'] },
      { user: agent, codes: ['new_login_country'] },
    ]);
    // The country is an ISO code, kept as sent; the source IP is masked.
    expect(scored.at(-1)?.stored.event.details).toMatchObject({ country: 'FR', sourceIp: expect.stringContaining('•') });
  });

  it('canary_touched: a canary Contact planted in the org, then an EventLogFile URI line naming it (URI_ID_DERIVED)', async () => {
    const reader = userId('Can01');
    await users([{ id: reader, username: 'curious@acme-shop.example' }]);
    const sidecar = connection();
    const [canary] = await seedCanaries(
      client,
      async (canaries) => {
        for (const c of canaries) await sidecar.detector.registerCanary(sidecar.orgKey, c);
      },
      planCanaries('Contact', 1),
    );
    const customer = (await seed('Contact', [{ FirstName: 'Jane', LastName: 'Doe', Email: 'jane.doe@private-mail.example' }]))[0] as string;
    const hourly = new EventLogBook('Hourly');
    const view = (at: number, recordId: string, n: string) =>
      logLine(org.identity.orgId, 'URI', at, reader, `can-${n}`, {
        URI: `/lightning/r/Contact/${recordId}/view`,
        URI_ID_DERIVED: recordId,
        SESSION_KEY: 'can-session',
        CLIENT_IP: '198.51.100.40',
        REFERRER_URI: '/lightning/o/Contact/list',
      });
    hourly.add('URI', dayAt(1, 15, 1), view(dayAt(1, 15, 1), toId18(customer), 'customer'));
    hourly.add('URI', dayAt(1, 15, 2), view(dayAt(1, 15, 2), canary!.recordId, 'canary'));
    await seedLogFiles(hourly);

    const events = await sidecar.collect(eventLogFileSource({ eventTypes: ['URI'] }), [reader]);
    const [ordinary, touched] = await sidecar.score(events);
    expect(ordinary?.verdict).toBeNull();
    expect(codes(touched?.verdict)).toEqual(['canary_touched']);
    expect(touched?.verdict?.reasons[0]?.message).toContain(canary!.label);
  });

  it('canary_value_seen: a canary e-mail copied into another Contact, from the package update payload (apex-contact-update.json), as no collected source reads record values', async () => {
    const sidecar = connection({ hashSalt: SALT });
    const [canary] = await seedCanaries(
      client,
      async (canaries) => {
        for (const c of canaries) await sidecar.detector.registerCanary(sidecar.orgKey, c);
      },
      planCanaries('Contact', 1),
    );
    const email = canary!.markers.find((m) => m.includes('@')) as string;
    const [update] = example('apex-contact-update').events as [LeakEvent];
    const copied: LeakEvent = {
      ...update,
      id: randomUUID(),
      fields: update.fields?.map((f) => (f.name === 'Email' ? { ...f, value: email } : f)),
    };
    const [documented, copy] = await sidecar.score(await sidecar.ingest([update, copied]));
    expect(codes(documented?.verdict)).not.toContain('canary_value_seen');
    // Stored events keep no field values: the marker is recognised by its salted hash among the findings.
    expect(copy?.stored.event.fields?.every((f) => f.value === undefined)).toBe(true);
    expect(codes(copy?.verdict)).toContain('canary_value_seen');
    expect(copy?.verdict?.reasons.find((r) => r.code === 'canary_value_seen')?.message).toContain('Contact.Email');
    expect(JSON.stringify(copy?.verdict)).not.toContain(email);
  });

  it('critical_permission: a PermissionSetAssignment of a set with Modify All Data (reviewed), and the same permission turned on in a set in the audit trail (not reviewed)', async () => {
    const admin = userId('Prm01');
    const marketer = userId('Prm02');
    await users([
      { id: admin, username: 'admin.prm@acme-shop.example' },
      { id: marketer, username: 'marketer.prm@acme-shop.example' },
    ]);
    const set = id('0PS', 'Prm01');
    await seed('PermissionSet', [{ Id: set, Name: 'Export_Power', Label: 'Export Power', PermissionsModifyAllData: true, PermissionsExportReport: true }]);
    const at = ago(30 * MINUTE);
    await seed('PermissionSetAssignment', [{ AssigneeId: marketer, PermissionSetId: set, IsActive: true, SystemModstamp: at }]);
    await seed('SetupAuditTrail', [
      {
        Action: 'PermSetAssign',
        Section: 'Manage Users',
        Display: 'Permission set Export Power: assigned to user marketer.prm@acme-shop.example',
        CreatedById: admin,
        CreatedDate: at,
      },
      {
        Action: 'PermSetEnableUserPerm',
        Section: 'Manage Users',
        Display: 'Changed permission set Support Escalations: Modify All Data was changed from False to True',
        CreatedById: admin,
        CreatedDate: ago(20 * MINUTE),
      },
    ]);
    const sidecar = connection();
    const [assigned] = await sidecar.score(await sidecar.collect(assignments(), [admin, marketer]));
    expect(codes(assigned?.verdict)).toEqual(['critical_permission']);
    expect(assigned?.verdict?.reasons[0]?.message).toContain('Export Power grants ModifyAllData, ExportReport to');
    expect(assigned?.verdict?.permissionReview).toMatchObject({
      assigneeId: marketer,
      assignedById: admin,
      criticalPermissions: ['ModifyAllData', 'ExportReport'],
    });

    const [changed] = await sidecar.score(await sidecar.collect(setupAuditTrailSource(), [admin]));
    expect(changed?.stored.event).toMatchObject({
      kind: 'permission',
      operation: 'change',
      details: { permissionSetName: 'Support Escalations', permissions: ['ModifyAllData'] },
    });
    expect(codes(changed?.verdict)).toEqual(['critical_permission']);
    expect(changed?.verdict?.reasons[0]?.message).toContain('turned on ModifyAllData in permission set Support Escalations; everyone assigned it now has it.');
    expect(changed?.verdict?.permissionReview).toBeUndefined();
    const records = verdictRecords(changed!.stored, changed!.verdict!, new Date());
    expect(records.map((r) => r.sobject)).not.toContain('PermissionReview__c');
  });

  it('pii_object_modify_all: an assigned permission set whose ObjectPermissions give Modify All on Contact', async () => {
    const admin = userId('Mod01');
    const agent = userId('Mod02');
    await users([
      { id: admin, username: 'admin.mod@acme-shop.example' },
      { id: agent, username: 'agent.mod@acme-shop.example' },
    ]);
    const set = id('0PS', 'Mod01');
    await seed('PermissionSet', [{ Id: set, Name: 'Contact_Cleanup', Label: 'Contact Cleanup' }]);
    await seed('ObjectPermissions', [
      {
        ParentId: set,
        SobjectType: 'Contact',
        PermissionsRead: true,
        PermissionsEdit: true,
        PermissionsViewAllRecords: true,
        PermissionsModifyAllRecords: true,
      },
    ]);
    const at = ago(25 * MINUTE);
    await seed('PermissionSetAssignment', [{ AssigneeId: agent, PermissionSetId: set, IsActive: true, SystemModstamp: at }]);
    await seed('SetupAuditTrail', [
      {
        Action: 'PermSetAssign',
        Section: 'Manage Users',
        Display: 'Permission set Contact Cleanup: assigned to user agent.mod@acme-shop.example',
        CreatedById: admin,
        CreatedDate: at,
      },
    ]);
    const sidecar = connection();
    const [assigned] = await sidecar.score(await sidecar.collect(assignments(), [admin, agent]));
    expect(codes(assigned?.verdict)).toEqual(['pii_object_modify_all']);
    expect(assigned?.verdict?.permissionReview?.criticalPermissions).toEqual(['ModifyAll:Contact']);
  });

  it('pii_object_view_all: View All on Lead raises it, View All on Opportunity (no personal data) does not', async () => {
    const admin = userId('Vie01');
    const analyst = userId('Vie02');
    await users([
      { id: admin, username: 'admin.vie@acme-shop.example' },
      { id: analyst, username: 'analyst.vie@acme-shop.example' },
    ]);
    const leads = id('0PS', 'Vie01');
    const deals = id('0PS', 'Vie02');
    await seed('PermissionSet', [
      { Id: leads, Name: 'Lead_Insights', Label: 'Lead Insights' },
      { Id: deals, Name: 'Deal_Insights', Label: 'Deal Insights' },
    ]);
    await seed('ObjectPermissions', [
      { ParentId: leads, SobjectType: 'Lead', PermissionsRead: true, PermissionsViewAllRecords: true },
      { ParentId: deals, SobjectType: 'Opportunity', PermissionsRead: true, PermissionsViewAllRecords: true },
    ]);
    await seed('PermissionSetAssignment', [
      { AssigneeId: analyst, PermissionSetId: leads, IsActive: true, SystemModstamp: ago(24 * MINUTE) },
      { AssigneeId: analyst, PermissionSetId: deals, IsActive: true, SystemModstamp: ago(22 * MINUTE) },
    ]);
    await seed('SetupAuditTrail', [
      {
        Action: 'PermSetAssign',
        Section: 'Manage Users',
        Display: 'Permission set Lead Insights: assigned to user analyst.vie@acme-shop.example',
        CreatedById: admin,
        CreatedDate: ago(24 * MINUTE),
      },
      {
        Action: 'PermSetAssign',
        Section: 'Manage Users',
        Display: 'Permission set Deal Insights: assigned to user analyst.vie@acme-shop.example',
        CreatedById: admin,
        CreatedDate: ago(22 * MINUTE),
      },
    ]);
    const sidecar = connection();
    const [lead, deal] = await sidecar.score(await sidecar.collect(assignments(), [admin, analyst]));
    expect(lead?.stored.event.details).toMatchObject({ permissionSetName: 'Lead Insights' });
    expect(codes(lead?.verdict)).toEqual(['pii_object_view_all']);
    expect(deal?.stored.event.details).toMatchObject({
      permissionSetName: 'Deal Insights',
      objectPermissions: [{ object: 'Opportunity', viewAll: true, modifyAll: false }],
    });
    expect(deal?.verdict).toBeNull();
  });

  it('self_assigned_permission: the audit trail row logging the assignment was made by the assignee', async () => {
    const dev = userId('Slf01');
    await users([{ id: dev, username: 'dev.self@acme-shop.example' }]);
    const set = id('0PS', 'Slf01');
    await seed('PermissionSet', [{ Id: set, Name: 'Report_Builder', Label: 'Report Builder', PermissionsExportReport: true }]);
    const at = ago(15 * MINUTE);
    await seed('PermissionSetAssignment', [{ AssigneeId: dev, PermissionSetId: set, IsActive: true, SystemModstamp: at }]);
    await seed('SetupAuditTrail', [
      {
        Action: 'PermSetAssign',
        Section: 'Manage Users',
        Display: 'Permission set Report Builder: assigned to user dev.self@acme-shop.example',
        CreatedById: dev,
        CreatedDate: at,
      },
    ]);
    const sidecar = connection();
    const [assigned] = await sidecar.score(await sidecar.collect(assignments(), [dev]));
    expect(assigned?.stored.event.details).toMatchObject({ assigneeId: dev, assignedById: dev, assignerKnown: true });
    expect(codes(assigned?.verdict)).toEqual(['critical_permission', 'self_assigned_permission']);
  });

  it('sharing_opened_pii: SetupAuditTrail rows opening Contact to all internal users and Lead to the public, and narrowing Contact again', async () => {
    const admin = userId('Shr01');
    await users([{ id: admin, username: 'admin.shr@acme-shop.example' }]);
    await seed('SetupAuditTrail', [
      {
        Action: 'createdCriteriaSharingRule',
        Section: 'Sharing Rules',
        Display: 'Created sharing rule Partner_Contacts for Contact: shared with All Internal Users, Read/Write access',
        CreatedById: admin,
        CreatedDate: ago(40 * MINUTE),
      },
      {
        Action: 'changedObjectSharing',
        Section: 'Sharing Defaults',
        Display: 'Lead: Private -> Public Read Only',
        CreatedById: admin,
        CreatedDate: ago(35 * MINUTE),
      },
      {
        Action: 'changedObjectSharing',
        Section: 'Sharing Defaults',
        Display: 'Contact: Public Read/Write -> Private',
        CreatedById: admin,
        CreatedDate: ago(30 * MINUTE),
      },
      {
        Action: 'insertSharingRule',
        Section: 'Sharing Rules',
        Display: 'Created Contact sharing rule Support_Contacts: owned by Role Support, shared with Role and Subordinates Sales, Read Only',
        CreatedById: admin,
        CreatedDate: ago(25 * MINUTE),
      },
    ]);
    const sidecar = connection();
    const [rule, leadDefault, narrowed, toRole] = await sidecar.score(await sidecar.collect(setupAuditTrailSource(), [admin]));
    expect(codes(rule?.verdict)).toEqual(['sharing_opened_pii']);
    expect(rule?.verdict?.reasons[0]?.message).toContain('opened Contact, an object holding personal data, to AllInternalUsers with Edit access.');
    expect(codes(leadDefault?.verdict)).toEqual(['sharing_opened_pii']);
    expect(leadDefault?.verdict?.reasons[0]?.weight).toBe(DEFAULT_DETECTION_CONFIG.openSharingAudiences['PublicReadOnly']);
    expect(narrowed?.verdict).toBeNull();
    expect(toRole?.verdict).toBeNull();
  });

  it('new_connected_app: an OauthToken for an app never seen appears after the warm-up; an admin changing an unseen app is worded as a change', async () => {
    const rep = userId('App01');
    const admin = userId('App02');
    await users([
      { id: rep, username: 'rep.app@acme-shop.example' },
      { id: admin, username: 'admin.app@acme-shop.example' },
    ]);
    await seed('ConnectedApplication', [{ Id: id('0H4', 'App01'), Name: 'Field Service Mobile' }]);
    await seed('OauthToken', [{ AppName: 'Field Service Mobile', UserId: rep, CreatedDate: ago(60 * DAY), LastUsedDate: ago(20 * DAY), UseCount: 40 }]);
    const sidecar = connection();
    const learnt = await sidecar.collect(oauthTokenSource(), [rep]);
    expect(learnt.map((s) => s.event.operation)).toEqual(['authorize']);

    await seed('OauthToken', [{ AppName: 'MailBlast AI', UserId: rep, CreatedDate: ago(5 * MINUTE), LastUsedDate: ago(5 * MINUTE), UseCount: 1 }]);
    await seed('SetupAuditTrail', [
      {
        Action: 'updateConnectedApplication',
        Section: 'Connected Apps',
        Display: 'Changed connected app Partner Portal Sync: Callback URL was changed from https://a.example/cb to https://b.example/cb',
        CreatedById: admin,
        CreatedDate: ago(HOUR),
      },
    ]);
    const fresh = [...(await sidecar.collect(oauthTokenSource(), [rep])), ...(await sidecar.collect(setupAuditTrailSource(), [admin]))].sort((a, b) =>
      a.event.occurredAt.localeCompare(b.event.occurredAt),
    );
    const [first, changed, authorised] = await sidecar.score([...learnt, ...fresh]);
    expect(first?.verdict).toBeNull();
    expect(codes(authorised?.verdict)).toEqual(['new_connected_app']);
    expect(authorised?.verdict?.reasons[0]?.message).toContain('authorised connected app MailBlast AI, never seen in this org before.');
    expect(codes(changed?.verdict)).toEqual(['new_connected_app']);
    expect(changed?.verdict?.reasons[0]?.message).toContain('changed connected app Partner Portal Sync (never seen before).');
    expect(changed?.verdict?.reasons[0]?.message).not.toContain('authorised');
  });

  it('new_oauth_scopes: SetupAuditTrail rows, a connected app created with api scopes, then given chatter_api after the warm-up', async () => {
    const admin = userId('Scp01');
    await users([{ id: admin, username: 'admin.scp@acme-shop.example' }]);
    const app = id('0H4', 'Scp01');
    await seed('ConnectedApplication', [{ Id: app, Name: 'Order Sync' }]);
    await seed('SetupAuditTrail', [
      {
        Action: 'insertConnectedApplication',
        Section: 'Connected Apps',
        Display:
          'Created connected app Order Sync with OAuth scopes: Manage user data via APIs (api), Perform requests at any time (refresh_token, offline_access)',
        CreatedById: admin,
        CreatedDate: ago(20 * DAY),
      },
      {
        Action: 'changeOauthDefaultScope',
        Section: 'Connected Apps',
        Display: 'Changed OAuth scopes for connected app Order Sync from api, refresh_token, offline_access to api, refresh_token, offline_access, chatter_api',
        CreatedById: admin,
        CreatedDate: ago(DAY),
      },
    ]);
    const sidecar = connection();
    const [created, widened] = await sidecar.score(await sidecar.collect(setupAuditTrailSource(), [admin]));
    expect(created?.stored.event.details).toMatchObject({ connectedAppId: app, scopes: ['api', 'refresh_token', 'offline_access'] });
    expect(created?.verdict).toBeNull();
    expect(codes(widened?.verdict)).toEqual(['new_oauth_scopes']);
    expect(widened?.verdict?.reasons[0]?.message).toContain('Connected app Order Sync was given scopes chatter_api by');
  });

  it('broad_oauth_scopes: SetupAuditTrail rows, an app created with Full access after the warm-up raises it, one with the identity scope does not', async () => {
    const admin = userId('Brd01');
    await users([{ id: admin, username: 'admin.brd@acme-shop.example' }]);
    await seed('SetupAuditTrail', [
      {
        Action: 'insertConnectedApplication',
        Section: 'Connected Apps',
        Display: 'Created connected app Helpdesk Widget with OAuth scopes: Access the identity URL service (id)',
        CreatedById: admin,
        CreatedDate: ago(20 * DAY),
      },
      {
        Action: 'insertConnectedApplication',
        Section: 'Connected Apps',
        Display: 'Created connected app Lead Exporter Pro with OAuth scopes: Full access (full)',
        CreatedById: admin,
        CreatedDate: ago(2 * HOUR),
      },
      {
        Action: 'insertConnectedApplication',
        Section: 'Connected Apps',
        Display: 'Created connected app Badge Reader with OAuth scopes: Access the identity URL service (id)',
        CreatedById: admin,
        CreatedDate: ago(HOUR),
      },
    ]);
    const sidecar = connection();
    const [, exporter, badges] = await sidecar.score(await sidecar.collect(setupAuditTrailSource(), [admin]));
    expect(codes(exporter?.verdict)).toEqual(['new_connected_app', 'broad_oauth_scopes']);
    expect(exporter?.verdict?.reasons[0]?.message).toContain('created connected app Lead Exporter Pro (scopes full).');
    expect(codes(badges?.verdict)).toEqual(['new_connected_app']);
  });

  it('integration_new_app: EventLogFile RestApi lines, an integration user acting through an app only a person used before', async () => {
    const sync = userId('Ina01');
    const analyst = userId('Ina02');
    await users([
      { id: sync, username: 'erp.sync@acme-shop.example', integration: true },
      { id: analyst, username: 'analyst.ina@acme-shop.example' },
    ]);
    const erpApp = id('0H4', 'Ina01');
    const biApp = id('0H4', 'Ina02');
    const daily = new EventLogBook('Daily');
    const hourly = new EventLogBook('Hourly');
    const rest = (user: string, app: string, at: number, n: string) =>
      logLine(org.identity.orgId, 'RestApi', at, user, `ina-${n}`, {
        ENTITY_NAME: 'Order',
        ROWS_PROCESSED: 40,
        SESSION_KEY: `ina-${n}`,
        CLIENT_IP: '203.0.113.50',
        USER_AGENT: 'Connector/2.0',
        METHOD: 'GET',
        URI: '/services/data/v62.0/query',
        STATUS_CODE: 200,
        CONNECTED_APP_ID: app.slice(0, 15),
      });
    // Twelve days: the ERP connector through its own app, the analyst through a BI app.
    for (let k = 13; k >= 2; k--) {
      daily.add('RestApi', dayAt(k, 9), rest(sync, erpApp, dayAt(k, 9), `erp-${k}`));
      daily.add('RestApi', dayAt(k, 10), rest(analyst, biApp, dayAt(k, 10), `bi-${k}`));
    }
    // Then the connector's user acts through the BI app, and the analyst through the ERP app.
    hourly.add('RestApi', dayAt(1, 9, 30), rest(sync, biApp, dayAt(1, 9, 30), 'erp-through-bi'));
    hourly.add('RestApi', dayAt(1, 10, 30), rest(analyst, erpApp, dayAt(1, 10, 30), 'bi-through-erp'));
    await seedLogFiles(daily, hourly);
    const sidecar = connection();
    const events = await sidecar.collect(eventLogFileSource({ eventTypes: ['RestApi'] }), [sync, analyst]);
    expect(events).toHaveLength(26);
    const scored = await sidecar.score(events);
    const flagged = scored.filter((s) => s.verdict).map((s) => ({ user: s.stored.event.actor.userId, codes: codes(s.verdict) }));
    // A person trying another app is left alone; the integration user is not.
    expect(flagged).toEqual([{ user: sync, codes: ['integration_new_app'] }]);
  });

  it('dormant_token_woke: an OauthToken silent for 45 days used again; an admin editing the app 40 days apart is no token use', async () => {
    const rep = userId('Dor01');
    const admin = userId('Dor02');
    await users([
      { id: rep, username: 'former.rep@acme-shop.example' },
      { id: admin, username: 'admin.dor@acme-shop.example' },
    ]);
    await seed('ConnectedApplication', [{ Id: id('0H4', 'Dor01'), Name: 'Sleepy Sync' }]);
    const [token] = await seed('OauthToken', [{ AppName: 'Sleepy Sync', UserId: rep, CreatedDate: ago(60 * DAY), LastUsedDate: ago(45 * DAY), UseCount: 12 }]);
    const edit = (msAgo: number, to: string) => ({
      Action: 'updateConnectedApplication',
      Section: 'Connected Apps',
      Display: `Changed connected app Sleepy Sync: Callback URL was changed from https://sync.example/cb to ${to}`,
      CreatedById: admin,
      CreatedDate: ago(msAgo),
    });
    await seed('SetupAuditTrail', [edit(50 * DAY, 'https://sync.example/v2/cb'), edit(10 * DAY, 'https://sync.example/v3/cb')]);
    const sidecar = connection();
    const learnt = [...(await sidecar.collect(oauthTokenSource(), [rep])), ...(await sidecar.collect(setupAuditTrailSource(), [admin]))];
    await seed('OauthToken', [{ Id: token, LastUsedDate: ago(5 * MINUTE), UseCount: 13 }]);
    const used = await sidecar.collect(oauthTokenSource(), [rep]);
    expect(used.map((s) => s.event.operation)).toEqual(['login']);
    const scored = await sidecar.score([...learnt, ...used].sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt)));
    expect(scored.map((s) => `${s.stored.event.details?.['source']}:${s.stored.event.operation}`)).toEqual([
      'SetupAuditTrail:change',
      'OauthToken:authorize',
      'SetupAuditTrail:change',
      'OauthToken:login',
    ]);
    expect(scored.slice(0, 3).map((s) => s.verdict)).toEqual([null, null, null]);
    expect(codes(scored[3]?.verdict)).toEqual(['dormant_token_woke']);
    expect(scored[3]?.verdict?.reasons[0]?.message).toMatch(/token for Sleepy Sync was used again after 4[45] silent days\.$/);
  });
});
