import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import { claimRecords } from '../../src/outbox/claim-records.js';
import type { OrgClient } from '../../src/outbox/org-client.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { eventually } from '../api/build-test-app.js';
import { AUTH, dmlEvent, envelope, ORG_SECRETS } from '../api/envelopes.js';
import { everyEventScores, fakeOrg } from '../api/fakes.js';
import { createTestDatabase, type TestDatabase } from '../store/test-stores.js';
import { queueVerdicts } from './outbox-fixture.js';

describe('two replicas on one PostgreSQL database', () => {
  let db: TestDatabase;
  let stores: [Store, Store];
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    stores = [await openStore({ databaseUrl: db.url, dataDir: 'unused' }), await openStore({ databaseUrl: db.url, dataDir: 'unused' })];
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const store of stores) await store.close();
    await db.drop();
  });

  it('never hands the same outbox row to both at once', async () => {
    await queueVerdicts(stores[0], 300);
    const [first, second] = await Promise.all([claimRecords(stores[0], 'a', 200, 60_000), claimRecords(stores[1], 'b', 200, 60_000)]);
    const ids = [...first, ...second].map((r) => r.id);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    await stores[0].query('DELETE FROM outbox WHERE parent_id IS NOT NULL');
    await stores[0].query('DELETE FROM outbox');
  });

  it('shares the work and writes no record twice', async () => {
    const org = fakeOrg();
    const callsBy = [0, 0];
    for (const i of [0, 1]) {
      const client: OrgClient = {
        upsert: async (...args) => {
          callsBy[i] = (callsBy[i] ?? 0) + 1;
          await new Promise((r) => setTimeout(r, 5));
          return org.client.upsert(...args);
        },
      };
      const app = await buildApp({
        store: stores[i] as Store,
        classifier: createClassifier({ salt: 'test-salt-0123456789' }),
        detector: everyEventScores(),
        orgClientFor: () => client,
        orgSecrets: ORG_SECRETS,
        pollMs: 5,
        replicaId: `replica-${i}`,
      });
      await app.ready();
      apps.push(app);
    }
    const events = Array.from({ length: 1000 }, () => dmlEvent());
    for (let i = 0; i < events.length; i += 50) {
      const res = await (apps[(i / 50) % 2] as FastifyInstance).inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', ...AUTH },
        payload: JSON.stringify(envelope(events.slice(i, i + 50))),
      });
      expect(res.statusCode).toBe(202);
    }
    await eventually(() => org.records('PiiFinding__c').length === 2000, 60_000);
    expect(org.records('LeakVerdict__c')).toHaveLength(1000);
    expect([...org.writes.values()].filter((n) => n !== 1)).toEqual([]);
    expect(callsBy.every((n) => n > 0)).toBe(true);
  });
});
