import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { eventLogBatches } from '../../src/collect/event-log/parse.js';
import { DEMO_ORG_ID } from '../../src/demo/cast.js';
import { buildScenario, NORMAL_DAYS } from '../../src/demo/scenario.js';
import { standardObjects } from '../../src/emulator/standard-objects.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/event-envelope.schema.json', import.meta.url), 'utf8'));
const CANARIES = ['0035g00000CaNaRAAA', '0035g00000CaNaSAAA'];

describe('the built-in demo scenario', () => {
  const now = new Date('2026-11-23T19:30:00Z');
  const scenario = buildScenario(now);
  const incidentDay = scenario.incidentDay(CANARIES);
  const packageEvents = [...scenario.history.events, ...incidentDay.events];
  const records = [scenario.setup, scenario.history.org, incidentDay.org].flatMap((data) => data.records);
  const files = [scenario.history.org, incidentDay.org].flatMap((data) => data.eventLogFiles);

  it('sends the package events as a valid envelope under the event schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const envelope = { schemaVersion: 1, orgId: DEMO_ORG_ID, batchId: '8e2d6a1b-7c3f-4a9e-b5d4-0f1e2d3c4b5a', events: packageEvents };
    expect(validate(envelope) ? [] : validate.errors).toEqual([]);
    // The package's triggers see DML only: reads, logins, tokens and setup changes are the org's own data.
    expect(new Set(packageEvents.map((e) => e.kind))).toEqual(new Set(['dml']));
  });

  it('seeds only documented fields of objects the emulator knows', () => {
    for (const { sobject, records: rows } of records) {
      const object = standardObjects().find((o) => o.name === sobject);
      expect(object, sobject).toBeDefined();
      const fields = new Set(object?.fields.keys());
      for (const row of rows)
        expect(
          Object.keys(row).filter((k) => !fields.has(k)),
          sobject,
        ).toEqual([]);
    }
  });

  it('is the same on every run, lies wholly in the past, and the incident day does not depend on the canaries', () => {
    expect(buildScenario(now).history).toEqual(scenario.history);
    expect(scenario.incidentDay([]).events).toEqual(incidentDay.events);
    const times = packageEvents.map((event) => Date.parse(event.occurredAt));
    expect(Math.max(...times)).toBeLessThan(Date.parse('2026-11-23T00:00:00Z'));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse('2026-11-23T00:00:00Z') - (NORMAL_DAYS + 1) * 86_400_000);
    for (const file of files) expect(Date.parse(file.createdDate.replace('+0000', 'Z'))).toBeLessThan(now.getTime());
  });

  it('logs the 03:00 pull of 48,000 Contacts by the integration user in the API and ApiTotalUsage logs', async () => {
    const { bulkPull } = scenario.incidents;
    let rows = 0;
    let calls = 0;
    for (const file of incidentDay.org.eventLogFiles) {
      const body = (async function* () {
        yield Buffer.from(file.csv);
      })();
      for await (const batch of eventLogBatches(body, { id: '0AT5g0000000001AAA', eventType: file.eventType, orgId: DEMO_ORG_ID })) {
        expect(batch.unmapped).toBe(0);
        for (const event of batch.events) {
          if (event.actor.userId !== bulkPull.userId || new Date(event.occurredAt).getUTCHours() !== bulkPull.hourUtc) continue;
          if (file.eventType === 'API') rows += event.recordCount ?? 0;
          if (file.eventType === 'ApiTotalUsage') calls += 1;
        }
      }
    }
    expect(rows).toBe(bulkPull.rows);
    expect(calls).toBe(24);
  });

  it('plants the assignment, the app, the sharing rule and the canary reads as raw org rows', () => {
    const rowsOf = (sobject: string) => incidentDay.org.records.filter((g) => g.sobject === sobject).flatMap((g) => g.records);
    const { permission, newApp, sharingRule, canaryReader } = scenario.incidents;
    expect(rowsOf('PermissionSetAssignment')).toEqual([expect.objectContaining({ AssigneeId: permission.assigneeId })]);
    // PermissionSetAssignment has no assigner: only the audit trail row of the same minute names who assigned it.
    expect(rowsOf('SetupAuditTrail')).toContainEqual(expect.objectContaining({ Action: 'PermSetAssign', CreatedById: permission.assignerId }));
    expect(rowsOf('SetupAuditTrail')).toContainEqual(expect.objectContaining({ Section: 'Sharing Rules', CreatedById: sharingRule.userId }));
    expect(rowsOf('OauthToken')).toEqual([expect.objectContaining({ UserId: newApp.userId, AppName: newApp.appName })]);
    const uri = incidentDay.org.eventLogFiles
      .filter((f) => f.eventType === 'URI')
      .map((f) => f.csv)
      .join('\n');
    for (const id of CANARIES) expect(uri).toContain(`"${id}"`);
    expect(uri).toContain(canaryReader);
  });

  it('plants a mass delete and a card number in a case comment through the package', () => {
    const byId = new Map(packageEvents.map((event) => [event.id, event]));
    const deleted = scenario.incidents.massDelete.map((id) => byId.get(id)?.recordCount ?? 0).reduce((sum, count) => sum + count, 0);
    expect(deleted).toBeGreaterThanOrEqual(2000);
    const comment = byId.get(scenario.incidents.cardInCase)?.fields?.[0]?.value ?? '';
    const card = /\b4\d{3}(?: \d{4}){3}\b/.exec(comment)?.[0] ?? '';
    const digits = card.replace(/ /g, '').split('').map(Number).reverse();
    const luhn = digits.reduce((sum, digit, index) => sum + (index % 2 === 1 ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit), 0);
    expect(luhn % 10).toBe(0);
    expect(scenario.personalValues).toContain(card);
  });
});
