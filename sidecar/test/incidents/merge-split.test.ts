import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOrgEmulator } from '../../src/emulator/index.js';
import { verifyChain } from '../../src/evidence/chain.js';
import { createOrgClient } from '../../src/writeback/index.js';
import { readEvidence } from '../../src/evidence/log.js';
import type { IncidentState, IncidentVerdict } from '../../src/incidents/correlate.js';
import { mergeStates, splitState } from '../../src/incidents/merge-split.js';
import { loadDraftTemplates } from '../../src/notify/drafts.js';
import type { NotificationTarget } from '../../src/notify/notification.js';
import errorHandler from '../../src/plugins/error-handler.js';
import incidentsRoute from '../../src/routes/incidents.js';
import v1Routes from '../../src/routes/v1.js';
import { insertIncident } from './incident-state.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1aEAC';
const OTHER_ORG = '00D5g000004Cx2bEAC';
const SECRET = 'a-secret-of-the-org-0123456789abcdef';
const OTHER_SECRET = 'another-orgs-secret-0123456789abcdef';
const ORG_SECRETS = new Map([
  [ORG.slice(0, 15), SECRET],
  [OTHER_ORG.slice(0, 15), OTHER_SECRET],
]);
const AUTH = { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' };
const DPO_USER = '0055g00000DpOaaAAA';
const A = 'a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const B = 'b7e20d11-3c4f-4a5b-9c6d-7e8f9a0b1c2d';
const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function verdict(n: number, overrides: Partial<IncidentVerdict> = {}): IncidentVerdict {
  return {
    eventId: eventId(n),
    severity: 'High',
    riskScore: 70 + n,
    codes: ['volume_anomaly'],
    occurredAt: `2026-03-02T0${n}:00:00.000Z`,
    detectedAt: `2026-03-02T0${n}:01:00.000Z`,
    summary: `Verdict ${n}.`,
    actorId: '0055g00000AlIcEAAZ',
    actorName: 's•••@•••.example',
    object: 'Contact',
    recordCount: 100 * n,
    ...overrides,
  };
}

function incident(key: string, verdicts: IncidentVerdict[], overrides: Partial<IncidentState> = {}): IncidentState {
  return {
    key,
    orgId: ORG,
    revision: 2,
    openedAt: verdicts[0]!.detectedAt,
    lastVerdictAt: verdicts.at(-1)!.occurredAt,
    firstEventAt: verdicts[0]!.occurredAt,
    severity: 'High',
    canary: false,
    title: 'Unusual volume of records read',
    actors: [...new Set(verdicts.map((v) => v.actorId))],
    actorNames: [...new Set(verdicts.map((v) => v.actorName))],
    apps: [],
    sessions: [],
    objects: ['Contact'],
    dataCategories: ['EMAIL_ADDRESS'],
    estimatedRecords: verdicts.reduce((n, v) => n + (v.recordCount ?? 0), 0),
    estimatedSubjects: verdicts.reduce((n, v) => n + (v.recordCount ?? 0), 0),
    verdictCount: verdicts.length,
    verdicts,
    ...overrides,
  };
}

describe('merging and splitting incidents', () => {
  it('merges: every verdict, counts added, the earliest detection and awareness, the highest severity', () => {
    const a = incident(A, [verdict(3), verdict(4)], { org: { status: 'Confirmed', milestones: { confirm: { at: '2026-03-02T05:00:00.000Z' } } } });
    const b = incident(B, [verdict(1, { severity: 'Critical', actorId: '0055g00000BoBbbAAA', actorName: 'b•••@•••.example', object: 'Lead' })], {
      severity: 'Critical',
      dataCategories: ['PHONE_NUMBER'],
      awarenessAt: '2026-03-02T01:30:00.000Z',
      awarenessBasis: 'confirmation',
    });
    const merged = mergeStates(a, [b]);
    expect(merged).toMatchObject({
      key: A,
      revision: 3,
      openedAt: '2026-03-02T01:01:00.000Z',
      firstEventAt: '2026-03-02T01:00:00.000Z',
      lastVerdictAt: '2026-03-02T04:00:00.000Z',
      severity: 'Critical',
      actorNames: ['b•••@•••.example', 's•••@•••.example'],
      dataCategories: ['EMAIL_ADDRESS', 'PHONE_NUMBER'],
      estimatedRecords: 800,
      verdictCount: 3,
      awarenessAt: '2026-03-02T01:30:00.000Z',
      awarenessBasis: 'confirmation',
      org: a.org,
    });
    expect(merged.verdicts.map((v) => v.eventId)).toEqual([eventId(1), eventId(3), eventId(4)]);
  });

  it('splits: the verdicts and their counts move, the awareness stays, the rest is what its verdicts say', () => {
    const a = incident(A, [verdict(1), verdict(2, { object: 'Lead', connectedAppId: '0H45g000000ShSyCAK' }), verdict(3)], {
      awarenessAt: '2026-03-02T01:01:00.000Z',
    });
    const { remaining, split } = splitState(a, new Set([eventId(2)]), B);
    expect(remaining).toMatchObject({ key: A, revision: 3, verdictCount: 2, estimatedRecords: 400, apps: [], objects: ['Contact'] });
    expect(split).toMatchObject({
      key: B,
      revision: 1,
      verdictCount: 1,
      estimatedRecords: 200,
      apps: ['0H45g000000ShSyCAK'],
      objects: ['Lead'],
      openedAt: '2026-03-02T02:01:00.000Z',
      awarenessAt: '2026-03-02T01:01:00.000Z',
      dataCategories: ['EMAIL_ADDRESS'],
    });
    expect(split.org).toBeUndefined();
  });

  describe.each(STORE_KINDS)('through the API, on %s', (kind) => {
    let test: TestStore;
    let app: FastifyInstance;
    let woken = 0;
    const delivered: string[] = [];
    const target: NotificationTarget = {
      kind: 'webhook',
      name: 'soc',
      async deliver(_n, key) {
        delivered.push(key);
        return { ok: true, remoteId: key, created: true };
      },
    };
    const post = (url: string, body: unknown, headers: Record<string, string> = AUTH) =>
      app.inject({ method: 'POST', url, headers, payload: JSON.stringify(body) });
    const stateOf = async (key: string) =>
      (await test.store.query<{ state: IncidentState }>('SELECT state FROM incident WHERE incident_key = $1::uuid', [key]))[0]?.state;

    beforeAll(async () => {
      test = await openTestStore(kind);
      app = Fastify({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } } }).withTypeProvider<TypeBoxTypeProvider>();
      await app.register(errorHandler);
      const templates = await loadDraftTemplates();
      await app.register(v1Routes, {
        orgSecrets: ORG_SECRETS,
        routes: (v1) =>
          v1.register(incidentsRoute, {
            store: test.store,
            incidents: { minSeverity: 'High', windowMs: 86_400_000, drafts: { templates } },
            notifyTargets: [{ target, orgs: [], minSeverity: 'High' }],
            onChanged: () => (woken += 1),
          }),
      });
      await app.ready();
    });
    afterAll(async () => {
      await app.close();
      await test.dispose();
    });
    beforeEach(async () => {
      for (const table of ['incident', 'incident_member', 'outbox', 'notification', 'evidence_entry', 'incident_draft'])
        await test.store.query(`DELETE FROM ${table}`);
      const states = [
        incident(A, [verdict(1), verdict(2)]),
        incident(B, [verdict(3)]),
        incident('c9d8e7f6-a5b4-4c3d-8e2f-1a0b9c8d7e6f', [verdict(5)], { orgId: OTHER_ORG }),
      ];
      for (const s of states) {
        await insertIncident(test.store, s);
        for (const v of s.verdicts)
          await test.store.query('INSERT INTO incident_member (org_id, event_id, incident_key) VALUES ($1, $2::uuid, $3::uuid)', [s.orgId, v.eventId, s.key]);
      }
    });

    it('merges B into A: B is closed as merged, its verdicts move, both are written back, notified and in the evidence log', async () => {
      const response = await post(`/v1/incidents/${A}/merge`, { incidents: [B], requestedBy: DPO_USER });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ key: A, revision: 3, verdictCount: 3 });
      expect(response.json().verdicts.map((v: { eventId: string }) => v.eventId)).toEqual([eventId(1), eventId(2), eventId(3)]);
      expect(woken).toBeGreaterThan(0);
      expect((await stateOf(B))?.mergedInto).toBe(A);
      const members = await test.store.query<{ event_id: string; incident_key: string }>(
        'SELECT event_id::text AS event_id, incident_key::text AS incident_key FROM incident_member WHERE org_id = $1 ORDER BY event_id',
        [ORG],
      );
      expect(members.map((m) => m.incident_key)).toEqual([A, A, A]);

      const outbox = await test.store.query<{ sobject: string; external_id: string; record: Record<string, unknown>; parent_id: string | null }>(
        'SELECT sobject, external_id, record, parent_id::text AS parent_id FROM outbox ORDER BY id',
      );
      expect(
        outbox
          .filter((o) => o.sobject === 'Incident__c')
          .map((o) => o.external_id)
          .sort(),
      ).toEqual([`${A}#3`, `${B}#3`]);
      const closed = outbox.find((o) => o.external_id === `${B}#3`);
      expect(closed?.record).toMatchObject({ Status__c: 'Merged', MergedInto__r: { IncidentKey__c: A } });
      expect(String(closed?.record['Summary__c'])).toMatch(new RegExp(`^Merged into incident ${A}`));
      expect(outbox.find((o) => o.external_id === `${A}#3`)?.record).not.toHaveProperty('Status__c');
      // The org takes both revisions as written: Merged is a status, MergedInto__r names the survivor.
      const org = await startOrgEmulator({ orgId: ORG, pubsub: false });
      try {
        const client = createOrgClient({
          loginUrl: org.url,
          clientId: org.connectedApp.clientId,
          username: org.identity.username,
          privateKey: org.connectedApp.privateKey,
        });
        // The survivor first: in a real org its earlier revisions are there before anyone merges into it.
        for (const key of [A, B]) {
          const o = outbox.find((r) => r.external_id === `${key}#3`);
          expect((await client.upsert('Incident__c', 'IncidentKey__c', [o!.record]))[0]).toMatchObject({ success: true });
        }
        const stored = org.records('Incident__c');
        const survivor = stored.find((r) => r.IncidentKey__c === A);
        expect(stored.find((r) => r.IncidentKey__c === B)).toMatchObject({ Status__c: 'Merged', MergedInto__c: survivor?.Id });
      } finally {
        await org.close();
      }
      const relink = outbox.find((o) => o.sobject === 'LeakVerdict__c');
      expect(relink?.record).toEqual({ EventId__c: eventId(3), Incident__r: { IncidentKey__c: A } });
      expect(relink?.parent_id).not.toBeNull();

      const notified = await test.store.query<{ idempotency_key: string; payload: { status: string } }>(
        'SELECT idempotency_key, payload FROM notification ORDER BY idempotency_key',
      );
      expect(notified.map((n) => [n.idempotency_key, n.payload.status])).toEqual([
        [`${A}:3:soc`, 'Triage'],
        [`${B}:3:soc`, 'Merged'],
      ]);
      const evidence = await readEvidence(test.store, ORG);
      expect(verifyChain(evidence).ok).toBe(true);
      expect(evidence[0]).toMatchObject({ kind: 'review-decision', subject: A, data: { decision: 'merge', merged: [B], userId: DPO_USER } });
      expect(
        evidence
          .filter((e) => e.kind === 'incident-revision')
          .map((e) => e.subject)
          .sort(),
      ).toEqual([A, B]);
      expect(
        Number((await test.store.query<{ n: string }>('SELECT count(*) AS n FROM incident_draft WHERE incident_key = $1::uuid AND revision = 3', [A]))[0]?.n),
      ).toBeGreaterThan(0);

      // B is gone into A: merging it again, or splitting it, is refused.
      expect((await post(`/v1/incidents/${A}/merge`, { incidents: [B] })).statusCode).toBe(409);
      expect((await post(`/v1/incidents/${B}/split`, { verdicts: [eventId(3)] })).statusCode).toBe(409);
    });

    it('splits a verdict out into a new incident that keeps the awareness', async () => {
      const response = await post(`/v1/incidents/${A}/split`, { verdicts: [eventId(2)] });
      expect(response.statusCode).toBe(200);
      const { remaining, split } = response.json();
      expect(remaining).toMatchObject({ key: A, revision: 3, verdictCount: 1 });
      expect(split).toMatchObject({ revision: 1, verdictCount: 1, awareness: { at: '2026-03-02T01:01:00.000Z', basis: 'detection' } });
      const member = await test.store.query<{ incident_key: string }>(
        'SELECT incident_key::text AS incident_key FROM incident_member WHERE event_id = $1::uuid',
        [eventId(2)],
      );
      expect(member[0]?.incident_key).toBe(split.key);
      const notified = await test.store.query<{ idempotency_key: string }>('SELECT idempotency_key FROM notification ORDER BY idempotency_key');
      expect(notified.map((n) => n.idempotency_key).sort()).toEqual([`${A}:3:soc`, `${split.key}:1:soc`].sort());
    });

    it('refuses what cannot be done, with reasons, and nothing of another org', async () => {
      const cases: Array<[string, unknown, number, string]> = [
        [`/v1/incidents/${A}/merge`, { incidents: [A] }, 400, 'itself'],
        [`/v1/incidents/${A}/merge`, { incidents: ['c9d8e7f6-a5b4-4c3d-8e2f-1a0b9c8d7e6f'] }, 404, 'c9d8e7f6'],
        [`/v1/incidents/${A}/split`, { verdicts: [eventId(1), eventId(2)] }, 400, 'at least one'],
        [`/v1/incidents/${A}/split`, { verdicts: [eventId(3)] }, 400, eventId(3)],
        [`/v1/incidents/${A}/merge`, { incidents: [] }, 400, 'incidents'],
        [`/v1/incidents/${A}/merge`, { incidents: [B], requestedBy: 'Jana Berg' }, 400, 'requestedBy'],
      ];
      for (const [url, body, status, words] of cases) {
        const response = await post(url, body);
        expect(response.statusCode, url).toBe(status);
        expect(response.json().message).toContain(words);
      }
      expect((await post(`/v1/incidents/${A}/merge`, { incidents: [B] }, { ...AUTH, authorization: `Bearer ${OTHER_SECRET}` })).statusCode).toBe(404);
      expect(await test.store.query('SELECT 1 FROM outbox')).toEqual([]);
      expect(await readEvidence(test.store, ORG)).toEqual([]);
    });
  });
});
