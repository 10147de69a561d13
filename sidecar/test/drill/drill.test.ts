import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { drillActorId } from '../../src/drill/drill-events.js';
import type { DrillReport } from '../../src/drill/drill-report.js';
import { AUTH, envelope } from '../api/envelopes.js';
import { eventually } from '../api/build-test-app.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';
import { OTHER_SECRET, startDrillHarness, type DrillHarness } from './drill-harness.js';

const TABLES = ['drill', 'notification', 'outbox', 'incident_member', 'incident', 'ingested_event', 'evidence_entry'];

describe.each(STORE_KINDS)('notification drills on %s', (kind) => {
  let testStore: TestStore;
  let harness: DrillHarness | undefined;

  beforeAll(async () => {
    testStore = await openTestStore(kind);
  });
  afterAll(async () => testStore.dispose());
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const start = async (policy?: Parameters<typeof startDrillHarness>[1]) => {
    for (const table of TABLES) await testStore.store.query(`DELETE FROM ${table}`).catch(() => undefined);
    harness = await startDrillHarness(testStore.store, policy);
    return harness;
  };
  const startDrill = async (h: DrillHarness, timeoutSeconds = 60) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/drills',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: { timeoutSeconds },
    });
    expect(res.statusCode).toBe(202);
    const body = res.json() as { drillId: string; location: string; eventIds: string[] };
    expect(res.headers.location).toBe(`/v1/drills/${body.drillId}`);
    return body;
  };
  const report = async (h: DrillHarness, location: string, headers: Record<string, string> = AUTH) => {
    const res = await h.app.inject({ method: 'GET', url: location, headers });
    expect(res.statusCode).toBe(200);
    return res.json() as DrillReport;
  };
  const finished = async (h: DrillHarness, location: string) => {
    let last: DrillReport | undefined;
    await eventually(async () => (last = await report(h, location)).state !== 'running', 30_000);
    return last as DrillReport;
  };

  it('reaches every configured target, labelled as a drill, and reports each delivery and its latency', async () => {
    const h = await start();
    const { location, eventIds } = await startDrill(h);
    const done = await finished(h, location);

    expect(done.state).toBe('done');
    expect(done.events).toMatchObject({ sent: 2, stored: 2, scored: 2, pending: 0, quiet: 0 });
    expect(done.verdicts.map((v) => v.eventId).sort()).toEqual([...eventIds].sort());
    expect(done.verdicts.every((v) => v.severity === 'Critical' && v.reasons.includes('canary_touched'))).toBe(true);
    expect(done.incident).toMatchObject({ revision: 1, severity: 'Critical' });
    expect(done.incident!.title).toMatch(/^Drill: Canary records read/);
    expect(done.targets.map((t) => [t.name, t.kind, t.state])).toEqual([
      ['soc', 'servicenow', 'delivered'],
      ['dpo-desk', 'jira', 'delivered'],
      ['siem', 'webhook', 'delivered'],
    ]);
    for (const t of done.targets) {
      expect(t.deliveredMs).toBeGreaterThanOrEqual(0);
      expect(t.deliveredMs).toBeLessThanOrEqual(done.elapsedMs);
      expect(t.remoteId).toBeTruthy();
    }

    // Every target labels it a drill; no target saw a marker value.
    const [ticket] = h.servicenow.records('incident');
    expect(String(ticket?.short_description)).toMatch(/^\[Leakwatch DRILL\] Drill: /);
    expect(h.jira.requests()).toHaveLength(1);
    expect(JSON.stringify(h.jira.requests()[0])).toContain('Leakwatch DRILL Critical: Drill: ');
    expect(h.hook.received).toHaveLength(1);
    expect(h.hook.received[0]).toMatchObject({ drillHeader: 'true', payload: { data: { drill: true, incidentKey: done.incident!.key } } });
    for (const sent of [h.servicenow.records('incident'), h.jira.requests(), h.hook.received.map((r) => r.payload)])
      expect(JSON.stringify(sent)).not.toMatch(/drill@canary\.leakwatch\.invalid|Leakwatch-drill\b/);
    // The stored events keep the drill mark and no marker value.
    const stored = await testStore.store.query<{ classified: { event: { details?: Record<string, unknown> } } }>('SELECT classified FROM ingested_event');
    expect(stored.every((r) => r.classified.event.details?.['drill'] === true)).toBe(true);
    expect(JSON.stringify(stored)).not.toContain('drill@canary.leakwatch.invalid');
    // The incident reaches the org too, titled as a drill.
    await eventually(() => h.org.records('Incident__c').length === 1);
    expect(String(h.org.records('Incident__c')[0]?.Name)).toMatch(/^Drill: /);
  });

  it('shows a failing target as retrying with its error, then dead, while the others deliver', async () => {
    const h = await start({ maxAttempts: 3, baseDelayMs: 300, maxDelayMs: 600 });
    h.hook.failNext(1_000);
    const { location } = await startDrill(h);
    await eventually(async () => (await report(h, location)).targets.find((t) => t.name === 'siem')?.state === 'retrying', 20_000);
    const retrying = (await report(h, location)).targets.find((t) => t.name === 'siem')!;
    expect(retrying.lastError).toMatch(/503/);
    expect(retrying.deliveredMs).toBeUndefined();
    const done = await finished(h, location);
    expect(done.state).toBe('done');
    const siem = done.targets.find((t) => t.name === 'siem')!;
    expect(siem).toMatchObject({ state: 'dead', attempts: 3 });
    expect(siem.lastError).toMatch(/503/);
    expect(done.targets.filter((t) => t.name !== 'siem').every((t) => t.state === 'delivered')).toBe(true);
  });

  it('times out while a target keeps retrying', async () => {
    const h = await start({ maxAttempts: 50, baseDelayMs: 200, maxDelayMs: 400 });
    h.jira.setFaults({ unavailable: 1_000 });
    const { location } = await startDrill(h, 2);
    const done = await finished(h, location);
    expect(done.state).toBe('timed-out');
    expect(done.targets.find((t) => t.name === 'dpo-desk')?.state).toBe('retrying');
  });

  it('never puts a real verdict into a drill incident, nor a drill verdict into a real one', async () => {
    const h = await start();
    const { drillId, location } = await startDrill(h);
    const drill = await finished(h, location);
    // A real verdict by the drill's own actor, in the same minute: a real incident of its own.
    const real = {
      id: crypto.randomUUID(),
      kind: 'export',
      operation: 'export',
      occurredAt: new Date().toISOString(),
      actor: { userId: drillActorId(drillId), username: 'ops@acme-shop.example' },
      object: 'Contact',
      recordCount: 500,
      details: { severity: 'Critical' },
    };
    const posted = await h.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: envelope([real]),
    });
    expect(posted.statusCode).toBe(202);
    await eventually(async () => (await testStore.store.query('SELECT 1 FROM incident')).length === 2);
    const incidents = await testStore.store.query<{ state: { key: string; drill?: boolean; revision: number; verdicts: Array<{ eventId: string }> } }>(
      'SELECT state FROM incident',
    );
    const drillIncident = incidents.find((i) => i.state.key === drill.incident!.key)!.state;
    const realIncident = incidents.find((i) => i.state.key !== drill.incident!.key)!.state;
    expect(drillIncident).toMatchObject({ drill: true, revision: 1 });
    expect(drillIncident.verdicts.map((v) => v.eventId)).not.toContain(real.id);
    expect(realIncident.drill).toBeUndefined();
    expect(realIncident.verdicts.map((v) => v.eventId)).toEqual([real.id]);

    // A second drill opens an incident of its own too.
    const second = await finished(h, (await startDrill(h)).location);
    expect(second.incident!.key).not.toBe(drill.incident!.key);
    expect(second.incident!.revision).toBe(1);
  });

  it('a sender cannot mark real events as a drill through /v1/events', async () => {
    const h = await start();
    const marked = {
      id: crypto.randomUUID(),
      kind: 'export',
      operation: 'export',
      occurredAt: new Date().toISOString(),
      actor: { userId: '0055g00000AlIcEAAZ' },
      object: 'Contact',
      recordCount: 10,
      details: { drill: true, severity: 'High' },
    };
    const posted = await h.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: envelope([marked]),
    });
    expect(posted.statusCode).toBe(202);
    await eventually(async () => (await testStore.store.query('SELECT 1 FROM incident')).length === 1);
    const [row] = await testStore.store.query<{ classified: { event: { details: Record<string, unknown> } } }>('SELECT classified FROM ingested_event');
    expect(row!.classified.event.details).not.toHaveProperty('drill');
    const [incident] = await testStore.store.query<{ state: { drill?: boolean; title: string } }>('SELECT state FROM incident');
    expect(incident!.state.drill).toBeUndefined();
    expect(incident!.state.title).not.toMatch(/^Drill/);
  });

  it('another org cannot read a drill, and an unknown or malformed id is refused', async () => {
    const h = await start();
    const { location } = await startDrill(h);
    const other = await h.app.inject({ method: 'GET', url: location, headers: { authorization: `Bearer ${OTHER_SECRET}` } });
    expect(other.statusCode).toBe(404);
    expect(other.json().message).toMatch(/No drill of this org/);
    expect((await h.app.inject({ method: 'GET', url: `/v1/drills/${crypto.randomUUID()}`, headers: AUTH })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/v1/drills/not-a-uuid', headers: AUTH })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: location })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'POST', url: '/v1/drills', headers: { 'content-type': 'application/json' }, payload: {} })).statusCode).toBe(401);
    expect(
      (await h.app.inject({ method: 'POST', url: '/v1/drills', headers: { ...AUTH, 'content-type': 'application/json' }, payload: { timeoutSeconds: 0 } }))
        .statusCode,
    ).toBe(400);
    // The other org has no target of its own (the webhook is this org's only, the rest are everyone's).
    const otherStart = await h.app.inject({
      method: 'POST',
      url: '/v1/drills',
      headers: { authorization: `Bearer ${OTHER_SECRET}`, 'content-type': 'application/json' },
      payload: {},
    });
    expect(otherStart.statusCode).toBe(202);
    const otherReport = (
      await h.app.inject({ method: 'GET', url: otherStart.json().location, headers: { authorization: `Bearer ${OTHER_SECRET}` } })
    ).json() as DrillReport;
    expect(otherReport.targets.map((t) => t.name)).toEqual(['soc', 'dpo-desk']);
  });
});
