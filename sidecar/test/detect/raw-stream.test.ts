import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { collectedEventId } from '../../src/collect/event-id.js';
import { orgTime } from '../../src/collect/keyset.js';
import { runSource, type CollectDeps } from '../../src/collect/run-source.js';
import type { CollectorSource } from '../../src/collect/source.js';
import { buildSources } from '../../src/collect/sources/index.js';
import { oauthTokenKey } from '../../src/collect/sources/oauth-tokens.js';
import { orgKey, toId18 } from '../../src/contract/salesforce-id.js';
import type { Verdict } from '../../src/contract/verdict.js';
import { createDetector, DEFAULT_DETECTION_CONFIG } from '../../src/detect/index.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { seedEventLogFile } from '../../src/emulator/seeding-client.js';
import type { StoredEvent } from '../../src/ingest/stored-event.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { generateScenario, type Scenario } from '../../scenarios/ecommerce.js';
import { ADMIN, MARKETING, ORG_ID } from '../../scenarios/org.js';
import { inOrg, renderRawOrg, type RawOrg } from '../../scenarios/raw-org.js';
import type { LabelledEvent } from '../../scenarios/stream-builder.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/**
 * When each day's collection runs: 00:30 UTC, after the day's last token use and before the next
 * (the earliest is the commerce connector's, at 01:00). No token of the stream is used twice in a
 * day, so a daily read of OauthToken sees every move of a LastUsedDate that a read every 15 minutes
 * would see; more reads would only add empty ones. A day's event log files, generated at 02:30 the
 * next morning, are read a day later, which changes nothing: events are scored by their own times.
 */
const POLL_AT_MS = 30 * MINUTE_MS;
const ORG = orgKey(ORG_ID);

interface Scored {
  incident: string | null;
  occurredAt: string;
  /** Where the event came from: a collector source (with the event log type), or the package. */
  origin: string;
  verdict: Verdict;
}

describe(
  'the labelled e-commerce stream collected from raw org data ' +
    '(no OAuth scopes on tokens, no row counts on UI look-ups, no object on report runs: the org records none; ' +
    'a permission set assigned again to its holder is left out: an org cannot hold it twice)',
  () => {
    let scenario: Scenario;
    let raw: RawOrg;
    let org: OrgEmulator;
    let testStore: TestStore;
    let stored: StoredEvent[];
    let labels: Map<string, string>;
    let verdicts: Scored[];

    beforeAll(async () => {
      const started = Date.now();
      scenario = generateScenario();
      raw = renderRawOrg(scenario);
      // An org whose admin gave the integration user Customize Application: every user's tokens are read.
      org = await startOrgEmulator({ port: 0, customizeApplication: true });
      testStore = await openTestStore('pglite');
      const fileIds = await seed(org, raw);
      await collectDayByDay(org, raw, testStore, Date.parse(scenario.start), scenario.days);
      const collectedMs = Date.now() - started;

      const rows = await testStore.store.query<{ classified: StoredEvent }>('SELECT classified FROM ingested_event WHERE org_id = $1', [ORG]);
      stored = rows.map((r) => r.classified);
      labels = collectedLabels(raw, fileIds);
      const collected = stored.map((s): LabelledEvent => ({
        incident: labels.get(s.event.id) ?? null,
        input: { orgId: s.orgId, event: s.event, findings: s.findings },
      }));
      verdicts = scoreInOrder(scenario, [...collected, ...raw.packageEvents]);
      console.log(
        `raw stream: ${stored.length} collected events and ${raw.packageEvents.length} package events; ` +
          `seeded and collected in ${collectedMs} ms, scored in ${Date.now() - started - collectedMs} ms`,
      );
    }, 180_000);

    afterAll(async () => {
      await org?.close();
      await testStore?.dispose();
    });

    it('renders reads, logins, token uses, assignments and setup changes as raw rows; only DML comes from the package', () => {
      const dml = scenario.events.filter((e) => e.input.event.kind === 'dml');
      expect(raw.packageEvents).toHaveLength(dml.length);
      const labelled = new Set(raw.labels.values());
      for (const incident of scenario.incidents) {
        const fromPackage = raw.packageEvents.some((e) => e.incident === incident.id);
        expect(fromPackage || labelled.has(incident.id), incident.id).toBe(true);
      }
      expect(raw.omitted.map((o) => o.event.incident)).toEqual([null, null]);
      expect(raw.omitted.every((o) => o.why.includes('already holds'))).toBe(true);
    });

    it('collects every raw row through the real sources as exactly one event (each token use by one daily read)', () => {
      const bySource = new Map<string, number>();
      for (const s of stored) {
        const source = String(s.event.details?.['source']);
        bySource.set(source, (bySource.get(source) ?? 0) + 1);
      }
      const rowsOf = (sobject: string) => raw.records.find((g) => g.sobject === sobject)?.records ?? [];
      // The audit trail's assignment rows name the assigner of an assignment and give no event of their own.
      const assignRows = rowsOf('SetupAuditTrail').filter((r) => r['Action'] === 'PermSetAssign').length;
      expect(Object.fromEntries(bySource)).toEqual({
        EventLogFile: raw.eventLogFiles.reduce((n, f) => n + f.requestIds.length, 0),
        LoginHistory: rowsOf('LoginHistory').length,
        SetupAuditTrail: rowsOf('SetupAuditTrail').length - assignRows,
        PermissionSetAssignment: rowsOf('PermissionSetAssignment').length,
        OauthToken: raw.changes.filter((c) => c.sobject === 'OauthToken').length,
      });
      const collectedIncidents = new Set(labels.values());
      for (const incident of new Set(raw.labels.values())) expect(collectedIncidents, incident).toContain(incident);
    });

    it('finds at least 95% of the injected incidents, each with the reason it calls for', () => {
      const found = foundIncidents(scenario, verdicts);
      const recall = found.size / scenario.incidents.length;
      const missed = scenario.incidents.filter((i) => !found.has(i.id)).map((i) => `${i.id} (${i.expectedCode})`);
      const origins = scenario.incidents.map((i) => {
        const from = verdicts.filter((v) => v.incident === i.id && v.verdict.reasons.some((r) => r.code === i.expectedCode)).map((v) => v.origin);
        return `  ${i.id.padEnd(30)} ${i.expectedCode.padEnd(24)} ${[...new Set(from)].join(', ') || 'missed'}`;
      });
      console.log(`raw stream recall: ${found.size}/${scenario.incidents.length} = ${recall.toFixed(3)}\n${origins.join('\n')}`);
      expect(recall, `missed: ${missed.join(', ')}`).toBeGreaterThanOrEqual(0.95);
    });

    it('raises at most one false positive on any simulated day of normal traffic', () => {
      const start = Date.parse(scenario.start);
      const perDay = new Array<number>(scenario.days).fill(0);
      const falsePositives = verdicts.filter((v) => v.incident === null);
      for (const { occurredAt } of falsePositives) perDay[Math.floor((Date.parse(occurredAt) - start) / DAY_MS)]! += 1;
      const listed = falsePositives.map((v) => `${v.occurredAt} ${v.verdict.reasons.map((r) => r.code).join('+')} (${v.origin})`);
      console.log(
        `raw stream false positives: ${falsePositives.length} in ${scenario.days} days ` +
          `(${(falsePositives.length / scenario.days).toFixed(2)} a day, at most ${Math.max(...perDay)} on one day)` +
          (listed.length > 0 ? `: ${listed.join('; ')}` : ''),
      );
      expect(perDay).toHaveLength(scenario.days);
      expect(Math.max(...perDay)).toBeLessThanOrEqual(1);
      expect(falsePositives.length / scenario.days).toBeLessThanOrEqual(1);
    });

    it('finds chunked and slow exfiltration though every collected request stays under every per-request threshold', () => {
      const config = DEFAULT_DETECTION_CONFIG;
      const threshold = Math.min(config.minAnomalyVolume, config.minWeeklyAnomalyVolume, config.massDeleteThreshold, config.massUpdateThreshold);
      const slow = scenario.incidents.filter((i) => i.id.startsWith('slow-')).map((i) => i.id);
      expect(slow.sort()).toEqual(['slow-api-exfiltration', 'slow-integration-exfiltration', 'slow-patient-exfiltration', 'slow-report-exfiltration']);
      const found = foundIncidents(scenario, verdicts);
      for (const incident of slow) {
        const requests = stored.filter((s) => labels.get(s.event.id) === incident && s.event.recordCount !== undefined);
        expect(requests.length, incident).toBeGreaterThan(20);
        expect(Math.max(...requests.map((s) => s.event.recordCount ?? 0)), incident).toBeLessThan(threshold);
        expect(found.has(incident), `${incident} found with volume_anomaly`).toBe(true);
      }
    });

    it('queues the two permission incidents for review, with the assigner the setup audit trail names', () => {
      const reviews = verdicts.filter((v) => v.verdict.permissionReview);
      expect(reviews.map((v) => v.incident).sort()).toEqual(['critical-permission', 'view-all-contacts']);
      expect(reviews.find((v) => v.incident === 'critical-permission')?.verdict.permissionReview).toMatchObject({
        assigneeId: inOrg(MARKETING.userId),
        assignedById: inOrg(ADMIN.userId),
        criticalPermissions: ['ModifyAllData', 'ViewAllData'],
      });
    });
  },
);

/** Loads the raw rows through the emulator: records in code, log files through its seeding API. Returns the files' ids. */
async function seed(org: OrgEmulator, raw: RawOrg): Promise<string[]> {
  for (const group of raw.records) org.seed(group.sobject, group.records);
  const fileIds: string[] = [];
  for (const { eventType, interval, logDate, createdDate, csv } of raw.eventLogFiles) {
    fileIds.push((await seedEventLogFile(org.url, { eventType, interval, logDate, createdDate, csv })).id);
  }
  return fileIds;
}

/**
 * Reads every source once a simulated day, as the collect loop would, through the real client,
 * sources and runner into the store. Before each read the org's tokens are brought to that moment.
 */
async function collectDayByDay(org: OrgEmulator, raw: RawOrg, testStore: TestStore, start: number, days: number): Promise<void> {
  const client = createOrgClient({
    loginUrl: org.url,
    clientId: org.connectedApp.clientId,
    username: org.identity.username,
    privateKey: org.connectedApp.privateKey,
  });
  const deps = {
    store: testStore.store,
    classifier: createClassifier({ salt: 'raw-stream-test-salt-01' }),
    owner: 'raw-stream',
    integrationUsers: raw.integrationUsers,
  };
  const sources = buildSources({ detection: DEFAULT_DETECTION_CONFIG });
  let next = 0;
  for (let day = 1; day <= days + 1; day++) {
    const now = new Date(start + day * DAY_MS + POLL_AT_MS);
    for (let due = raw.changes[next]; due && due.at <= now.getTime(); due = raw.changes[++next]) {
      org.seed(due.sobject, [due.record]);
    }
    for (const source of sources) await collect({ ...deps, now: () => now }, client, source);
  }
}

/** Runs one source until nothing more is due, as the collect loop does. */
async function collect(deps: CollectDeps, client: OrgClient, source: CollectorSource): Promise<void> {
  for (;;) {
    const outcome = await runSource(deps, ORG, client, source);
    if (outcome.status === 'done') return;
    if (outcome.status !== 'stopped') {
      throw new Error(`${source.name}: ${outcome.status}${'why' in outcome ? ` (${outcome.why})` : ''}`);
    }
  }
}

/**
 * The incident of each collected event, from the raw row it came from: a collected event's id
 * derives from its org, source and row (`event-id.ts`), so the rows' labels give the events'.
 */
function collectedLabels(raw: RawOrg, fileIds: readonly string[]): Map<string, string> {
  const labels = new Map<string, string>();
  const label = (source: string, rowKey: string, incident: string) => labels.set(collectedEventId(ORG, source, rowKey), incident);
  for (const group of raw.records) {
    for (const row of group.records) {
      const id = String(row['Id']);
      const incident = raw.labels.get(id);
      if (!incident) continue;
      if (group.sobject === 'LoginHistory' || group.sobject === 'SetupAuditTrail') label(group.sobject, id, incident);
      if (group.sobject === 'PermissionSetAssignment') label(group.sobject, `${id}:${orgTime(row['SystemModstamp'])}`, incident);
    }
  }
  // OauthToken has no id in an org: the source keys a token by its user, app and creation time.
  const tokenKeys = new Map<string, string>();
  for (const change of raw.changes) {
    const row = change.record;
    if (change.sobject === 'OauthToken' && row['UserId'] !== undefined && !tokenKeys.has(String(row['Id']))) {
      tokenKeys.set(
        String(row['Id']),
        oauthTokenKey({ UserId: String(row['UserId']), AppName: String(row['AppName']), CreatedDate: String(row['CreatedDate']) }),
      );
    }
  }
  for (const [key, incident] of raw.labels) {
    const [seededId, usedAt] = key.split('@');
    const tokenId = tokenKeys.get(seededId ?? '');
    if (!tokenId || !usedAt) continue;
    // The first read of a token reports it as seen, later reads as used again.
    label('OauthToken', `${tokenId}:seen:${usedAt}`, incident);
    label('OauthToken', `${tokenId}:used:${usedAt}`, incident);
  }
  raw.eventLogFiles.forEach((file, index) => {
    const fileId = toId18(fileIds[index] ?? '');
    file.requestIds.forEach((requestId, line) => {
      const incident = raw.labels.get(requestId);
      if (incident) label('EventLogFile', `${fileId}:${line + 1}:${requestId}`, incident);
    });
  });
  return labels;
}

/** Scores every event in time order with a detector that knows the canaries, as the stream's own test does. */
function scoreInOrder(scenario: Scenario, events: LabelledEvent[]): Scored[] {
  const detector = createDetector({
    config: {
      canaries: [
        { kind: 'record', recordId: scenario.canaries.recordId, label: 'canary contact' },
        { kind: 'marker', value: scenario.canaries.marker, label: 'canary email' },
      ],
    },
  });
  const ordered = [...events].sort((a, b) => a.input.event.occurredAt.localeCompare(b.input.event.occurredAt));
  const scored: Scored[] = [];
  for (const e of ordered) {
    const verdict = detector.scoreOpen(e.input);
    if (verdict) scored.push({ incident: e.incident, occurredAt: e.input.event.occurredAt, origin: originOf(e), verdict });
  }
  return scored;
}

function originOf(e: LabelledEvent): string {
  const { kind, details } = e.input.event;
  const source = details?.['source'];
  if (kind === 'dml' || typeof source !== 'string') return 'package (DML)';
  return typeof details?.['eventType'] === 'string' ? `${source} ${details['eventType']}` : source;
}

function foundIncidents(scenario: Scenario, verdicts: readonly Scored[]): Set<string> {
  const found = new Set<string>();
  for (const { incident, verdict } of verdicts) {
    const expected = scenario.incidents.find((i) => i.id === incident)?.expectedCode;
    if (incident && expected && verdict.reasons.some((r) => r.code === expected)) found.add(incident);
  }
  return found;
}
