import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, dmlEvent, envelope } from '../api/envelopes.js';
import { buildTestApp, eventually } from '../api/build-test-app.js';
import type { fakeOrg } from '../api/fakes.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

describe.each(STORE_KINDS)('events to verdicts on %s', (kind) => {
  let testStore: TestStore;
  let app: FastifyInstance;
  let org: ReturnType<typeof fakeOrg>;

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    ({ app, org } = await buildTestApp(testStore.store));
  });
  afterAll(async () => {
    await app.close();
    await testStore.dispose();
  });

  it('writes every scored event exactly once, each finding after its verdict', async () => {
    const events = Array.from({ length: 600 }, () => dmlEvent());
    for (let i = 0; i < events.length; i += 200) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', ...AUTH },
        payload: JSON.stringify(envelope(events.slice(i, i + 200))),
      });
      expect(res.json()).toMatchObject({ accepted: 200 });
    }
    await eventually(() => org.records('PiiFinding__c').length >= 1200, 60_000);
    const verdictIds = org.records('LeakVerdict__c').map((r) => r.EventId__c);
    expect(new Set(verdictIds)).toEqual(new Set(events.map((e) => e.id)));
    expect([...org.writes.values()].every((n) => n === 1)).toBe(true);
    const notDone = async () => Number((await testStore.store.query<{ n: number | string }>("SELECT count(*) AS n FROM outbox WHERE state <> 'done'"))[0]?.n);
    await eventually(async () => (await notDone()) === 0);
  });

  it('records an event that does not score as quiet and writes nothing for it', async () => {
    await app.close();
    const quietApp = await buildTestApp(testStore.store, { detector: { score: async () => null } });
    app = quietApp.app;
    const event = dmlEvent();
    await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', ...AUTH },
      payload: JSON.stringify(envelope([event])),
    });
    await eventually(async () => {
      const [row] = await testStore.store.query<{ state: string }>('SELECT state FROM ingested_event WHERE event_id = $1', [event.id]);
      return row?.state === 'quiet';
    });
    expect(quietApp.org.calls).toBe(0);
  });
});
