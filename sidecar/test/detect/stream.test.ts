import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/contract/verdict.js';
import { createDetector } from '../../src/detect/index.js';
import { generateScenario, type Scenario } from '../../scenarios/ecommerce.js';
import { manifestOf, MANIFEST_PATH, type StreamManifest } from '../../scenarios/manifest.js';

const DAY_MS = 86_400_000;

describe('the labelled e-commerce stream', () => {
  let scenario: Scenario;
  let verdicts: Array<{ incident: string | null; occurredAt: string; verdict: Verdict }>;

  beforeAll(() => {
    scenario = generateScenario();
    const detector = createDetector({
      config: {
        canaries: [
          { kind: 'record', recordId: scenario.canaries.recordId, label: 'canary contact' },
          { kind: 'marker', value: scenario.canaries.marker, label: 'canary email' },
        ],
      },
    });
    verdicts = [];
    for (const e of scenario.events) {
      const verdict = detector.scoreOpen(e.input);
      if (verdict) verdicts.push({ incident: e.incident, occurredAt: e.input.event.occurredAt, verdict });
    }
  });

  it('is the committed stream: same seed, same events, same digest', () => {
    const committed = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as StreamManifest;
    expect(manifestOf(scenario)).toEqual(committed);
  });

  it('injects every incident kind after the warm-up week, slow exfiltration in small slices', () => {
    const codes = new Set(scenario.incidents.map((i) => i.expectedCode));
    for (const code of [
      'volume_anomaly',
      'mass_delete_pii',
      'mass_update_pii',
      'pii_in_free_text',
      'unusual_hour',
      'integration_interactive',
      'canary_touched',
      'canary_value_seen',
      'critical_permission',
      'pii_object_view_all',
      'sharing_opened_pii',
      'new_connected_app',
      'new_oauth_scopes',
      'dormant_token_woke',
    ])
      expect(codes).toContain(code);
    expect(Math.min(...scenario.incidents.map((i) => i.day))).toBeGreaterThanOrEqual(7);
    const slow = scenario.events.filter((e) => e.incident?.startsWith('slow-'));
    expect(Math.max(...slow.map((e) => e.input.event.recordCount ?? 0))).toBeLessThanOrEqual(450);
    const patientPerDay = new Map<string, number>();
    for (const e of scenario.events.filter((e) => e.incident === 'slow-patient-exfiltration')) {
      const day = e.input.event.occurredAt.slice(0, 10);
      patientPerDay.set(day, (patientPerDay.get(day) ?? 0) + (e.input.event.recordCount ?? 0));
    }
    expect(patientPerDay.size).toBe(8);
    expect(Math.max(...patientPerDay.values())).toBeLessThan(500);
  });

  it('finds at least 95% of the injected incidents, each with the reason it calls for', () => {
    const found = new Set<string>();
    for (const { incident, verdict } of verdicts) {
      const expected = scenario.incidents.find((i) => i.id === incident)?.expectedCode;
      if (expected && verdict.reasons.some((r) => r.code === expected)) found.add(incident!);
    }
    const missed = scenario.incidents.filter((i) => !found.has(i.id)).map((i) => i.id);
    expect(found.size / scenario.incidents.length, `missed: ${missed.join(', ')}`).toBeGreaterThanOrEqual(0.95);
  });

  it('raises at most one false positive on any simulated day of normal traffic', () => {
    const start = Date.parse(scenario.start);
    const perDay = new Array<number>(scenario.days).fill(0);
    for (const { incident, occurredAt } of verdicts) {
      if (incident === null) perDay[Math.floor((Date.parse(occurredAt) - start) / DAY_MS)]! += 1;
    }
    expect(Math.max(...perDay)).toBeLessThanOrEqual(1);
    expect(perDay.reduce((a, b) => a + b, 0) / scenario.days).toBeLessThanOrEqual(1);
  });

  it('queues the permission incidents for review and nothing else', () => {
    const reviews = verdicts.filter((v) => v.verdict.permissionReview);
    expect(reviews.map((v) => v.incident).sort()).toEqual(['critical-permission', 'view-all-contacts']);
    expect(reviews.find((v) => v.incident === 'critical-permission')?.verdict.permissionReview).toMatchObject({
      assigneeUsername: 'campaigns@acme-shop.example',
      criticalPermissions: ['ModifyAllData', 'ViewAllData'],
    });
  });

  it('never puts field values or canary markers in a reason', () => {
    const values = new Set<string>([scenario.canaries.marker]);
    for (const e of scenario.events) for (const f of e.input.event.fields ?? []) if (f.value) values.add(f.value);
    for (const { verdict } of verdicts) for (const r of verdict.reasons) for (const v of values) expect(r.message).not.toContain(v);
  });
});
