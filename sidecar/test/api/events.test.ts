import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { buildTestApp, eventually } from './build-test-app.js';
import { AUTH, dmlEvent, envelope } from './envelopes.js';
import type { fakeOrg } from './fakes.js';

describe('POST /v1/events', () => {
  let testStore: TestStore;
  let store: Store;
  let app: FastifyInstance;
  let org: ReturnType<typeof fakeOrg>;

  beforeAll(async () => {
    testStore = await openTestStore('pglite');
    store = testStore.store;
    ({ app, org } = await buildTestApp(store));
  });
  afterAll(async () => {
    await app.close();
    await testStore.dispose();
  });

  const post = (body: unknown, headers: Record<string, string> = AUTH) =>
    app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });

  it('stores the batch before the 202 and never stores the field values', async () => {
    const event = dmlEvent();
    const res = await post(envelope([event]));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
    const rows = await store.query<{ classified: unknown }>('SELECT classified FROM ingested_event WHERE event_id = $1', [event.id]);
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows[0]?.classified);
    expect(stored).not.toContain('jane.doe@example.com');
    expect(stored).not.toContain('4111 1111 1111 1111');
    expect(stored).toContain('EMAIL_ADDRESS');
    expect(stored).toContain('CREDIT_CARD');
  });

  it('acknowledges an event id seen before without processing it again', async () => {
    const event = dmlEvent();
    expect((await post(envelope([event]))).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    const again = await post(envelope([event, event]));
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 2 });
    await eventually(() => org.records('LeakVerdict__c').some((r) => r.EventId__c === event.id));
    expect(org.writes.get(`LeakVerdict__c:${event.id}`)).toBe(1);
  });

  it('keeps the valid events of a batch and rejects the others one by one with reasons', async () => {
    const good = dmlEvent();
    const badKind = dmlEvent({ kind: 'teleport' });
    const badActor = dmlEvent({ actor: { userId: 'not-an-id' } });
    const res = await post(envelope([good, badKind, badActor, 42]));
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3]);
    expect(body.rejected[0].reasons.join(' ')).toContain('kind must be one of');
    expect(body.rejected[1].reasons.join(' ')).toContain('actor.userId');
    expect(body.rejected[0].eventId).toBe(badKind.id);
  });

  it('truncates values over 32 KB, classifies the kept part and notes it on the verdict', async () => {
    const event = dmlEvent({
      fields: [{ name: 'Description', type: 'TEXTAREA', value: `mail jane.doe@example.com ${'x'.repeat(40 * 1024)}` }],
    });
    expect((await post(envelope([event]))).statusCode).toBe(202);
    await eventually(() => org.records('LeakVerdict__c').some((r) => r.EventId__c === event.id));
    const verdict = org.records('LeakVerdict__c').find((r) => r.EventId__c === event.id);
    expect(verdict?.ProcessingNotes__c).toBe('Description truncated from 40 KB to 32 KB before classification');
    expect(verdict?.PiiTypes__c).toBe('EMAIL_ADDRESS');
  });

  it('writes the verdict, then its findings with masked samples and salted hashes', async () => {
    const event = dmlEvent();
    await post(envelope([event]));
    await eventually(() => org.records('PiiFinding__c').filter((r) => String(r.FindingKey__c).startsWith(event.id)).length === 2);
    const findings = org.records('PiiFinding__c').filter((r) => String(r.FindingKey__c).startsWith(event.id));
    const card = findings.find((f) => f.EntityType__c === 'CREDIT_CARD');
    expect(card).toMatchObject({
      FindingKey__c: `${event.id}:0035g00000Qw1AaAAJ:Description:CREDIT_CARD`,
      LeakVerdict__r: { EventId__c: event.id },
      ObjectName__c: 'Contact',
      FieldName__c: 'Description',
      Occurrences__c: 1,
    });
    expect(String(card?.MaskedSample__c)).not.toContain('4111 1111 1111 1111');
    expect(String(card?.ValueHash__c)).toMatch(/^[0-9a-f]{64}$/);
    const verdict = org.records('LeakVerdict__c').find((r) => r.EventId__c === event.id);
    expect(verdict).toMatchObject({ Severity__c: 'Medium', RiskScore__c: 50, OrgEventKind__c: 'dml', ZScore__c: 1.5 });
    expect(verdict).not.toHaveProperty('Status__c');
  });

  it('answers 401 alike for a missing, malformed or wrong secret', async () => {
    const body = envelope([dmlEvent()]);
    const replies = await Promise.all([
      post(body, {}),
      post(body, { authorization: 'Basic abc' }),
      post(body, { authorization: 'Bearer wrong-secret-0123456789' }),
    ]);
    for (const r of replies) {
      expect(r.statusCode).toBe(401);
      expect(r.json().message).toBe(replies[0]?.json().message);
    }
  });

  it('answers 403 when the envelope names another org than the secret', async () => {
    const res = await post(envelope([dmlEvent()], { orgId: '00D000000000001EAA' }));
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/secret of org 00D5g000004Cx1aEAC/);
  });

  it("answers 400 when an 18-character orgId's case-safe suffix does not match its first 15 characters", async () => {
    for (const orgId of ['00D5g000004Cx1aAAA', '00D5g000004CX1aEAC']) {
      const res = await post(envelope([dmlEvent()], { orgId }));
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/checksum/);
    }
    // The 15-character form and the right 18-character form are the same org.
    expect((await post(envelope([dmlEvent()], { orgId: '00D5g000004Cx1a' }))).statusCode).toBe(202);
    expect((await post(envelope([dmlEvent()], { orgId: '00D5g000004Cx1aEAC' }))).statusCode).toBe(202);
  });

  it('reports queues, dead letters, model and store on /v1/status', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/status', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ store: 'pglite', modelLoaded: false, deadLetters: 0 });
    expect((await app.inject({ method: 'GET', url: '/v1/status' })).statusCode).toBe(401);
  });

  it('serves liveness, Prometheus metrics and the OpenAPI document', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/leakwatch_ingest_events_total\{outcome="accepted"\} [1-9]/);
    expect(metrics).toContain('leakwatch_classify_duration_seconds_bucket');
    expect(metrics).toMatch(/leakwatch_writeback_records_total\{sobject="LeakVerdict__c",outcome="done"\} [1-9]/);
    const doc = (await app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.paths['/v1/events'].post.requestBody.content['application/json'].schema.properties.schemaVersion).toBeDefined();
    expect(doc.paths['/v1/events'].post.responses['202']).toBeDefined();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/v1/status', '/metrics', '/v1/events']));
    const schema = (await app.inject({ method: 'GET', url: '/docs/event-envelope.schema.json' })).json();
    expect(schema.definitions.event.required).toEqual(['id', 'kind', 'occurredAt', 'actor']);
  });
});
