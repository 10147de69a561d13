import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { DEMO_ORG_ID } from '../../src/demo/cast.js';
import { buildScenario, NORMAL_DAYS } from '../../src/demo/scenario.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/event-envelope.schema.json', import.meta.url), 'utf8'));

describe('the built-in demo scenario', () => {
  const now = new Date('2026-11-23T19:30:00Z');
  const scenario = buildScenario(now);

  it('is a valid envelope under the event schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const envelope = { schemaVersion: 1, orgId: DEMO_ORG_ID, batchId: '8e2d6a1b-7c3f-4a9e-b5d4-0f1e2d3c4b5a', events: scenario.events.slice(0, 2000) };
    expect(validate(envelope) ? [] : validate.errors).toEqual([]);
  });

  it('is the same on every run, lies wholly in the past and is ordered in time', () => {
    expect(buildScenario(now).events).toEqual(scenario.events);
    const times = scenario.events.map((event) => Date.parse(event.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThan(Date.parse('2026-11-23T00:00:00Z'));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse('2026-11-23T00:00:00Z') - (NORMAL_DAYS + 1) * 86_400_000);
  });

  it('plants the four incidents: a 03:00 bulk export by the integration user, a mass delete, an over-permissioned assignment, a card in a case comment', () => {
    const byId = new Map(scenario.events.map((event) => [event.id, event]));
    const exportEvent = byId.get(scenario.incidents.bulkExport);
    expect(exportEvent).toMatchObject({ kind: 'export', object: 'Contact', actor: { isIntegration: true } });
    expect(new Date(exportEvent?.occurredAt ?? '').getUTCHours()).toBe(3);
    const deleted = scenario.incidents.massDelete.map((id) => byId.get(id)?.recordCount ?? 0).reduce((sum, count) => sum + count, 0);
    expect(deleted).toBeGreaterThanOrEqual(2000);
    expect(byId.get(scenario.incidents.permission)?.details?.criticalPermissions).toContain('ModifyAllData');
    const comment = byId.get(scenario.incidents.cardInCase)?.fields?.[0]?.value ?? '';
    const card = /\b4\d{3}(?: \d{4}){3}\b/.exec(comment)?.[0] ?? '';
    const digits = card.replace(/ /g, '').split('').map(Number).reverse();
    const luhn = digits.reduce((sum, digit, index) => sum + (index % 2 === 1 ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit), 0);
    expect(luhn % 10).toBe(0);
    expect(scenario.personalValues).toContain(card);
  });
});
