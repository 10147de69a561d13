import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';
import { buildTestApp } from './build-test-app.js';
import { AUTH, dmlEvent, ORG_ID } from './envelopes.js';

const post = (app: FastifyInstance, payload: string) =>
  app.inject({ method: 'POST', url: '/v1/events', headers: { 'content-type': 'application/json', ...AUTH }, payload });

/** An envelope as JSON text around events given as JSON text, so keys like __proto__ go over the wire as sent. */
const envelopeText = (events: string[]) => `{"schemaVersion":1,"orgId":"${ORG_ID}","batchId":"${randomUUID()}","events":[${events.join(',')}]}`;

describe.each(STORE_KINDS)('strings the store cannot hold and hostile keys, on %s', (kind) => {
  let testStore: TestStore;
  let app: FastifyInstance;
  beforeAll(async () => {
    testStore = await openTestStore(kind);
    ({ app } = await buildTestApp(testStore.store));
  });
  afterAll(async () => {
    await app.close();
    await testStore.dispose();
  });

  const stored = async (id: string) =>
    (await testStore.store.query<{ classified: unknown }>('SELECT classified FROM ingested_event WHERE event_id = $1', [id]))[0]?.classified;

  it.each([
    ['a NUL in actor.profile', { actor: { userId: '0055g00000AbCdEAAZ', profile: 'Integ\u0000ration' } }, 'replaced by U+FFFD'],
    ['an unpaired surrogate in actor.username', { actor: { userId: '0055g00000AbCdEAAZ', username: 'a\uD800@acme.example' } }, 'replaced by U+FFFD'],
    ['a NUL in actor.sessionId', { actor: { userId: '0055g00000AbCdEAAZ', sessionId: 'job\u0000' } }, '"sessionId":"k:'],
    ['a NUL in a details key and value', { details: { 'k\u0000': 'v\u0000', list: ['\uDC00'] } }, 'replaced by U+FFFD'],
    [
      'an unpaired surrogate in a field name, label and type',
      { fields: [{ name: 'D\uD800', label: '\uDBFF', type: 'T\u0000', value: 'x' }] },
      'replaced by U+FFFD',
    ],
  ])('%s: the event and the good ones beside it are stored, the string made safe', async (_name, overrides, safe) => {
    const bad = dmlEvent(overrides);
    const good = dmlEvent();
    const res = await post(app, envelopeText([JSON.stringify(bad), JSON.stringify(good)]));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 2, duplicates: 0, rejected: [] });
    const text = JSON.stringify(await stored(bad.id));
    expect(text).not.toMatch(/\\u0000|\\ud[89a-f][0-9a-f]{2}/i);
    expect(text).toContain(safe);
    expect(await stored(good.id)).toBeDefined();
  });

  it('a __proto__ key in details: the event is stored without it, with a note, and nothing is polluted', async () => {
    const event = dmlEvent();
    const text = JSON.stringify(event).replace(/}$/, ',"details":{"__proto__":{"isAdmin":true},"note":"ok"}}');
    const res = await post(app, envelopeText([text]));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: [] });
    const kept = (await stored(event.id)) as { event: { details: Record<string, unknown> }; notes: string[] };
    expect(kept.event.details).toEqual({ note: 'ok' });
    expect(kept.notes).toContain('details: 1 key named __proto__ dropped');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('a __proto__ key where the schema lists the properties rejects that event alone, with a reason', async () => {
    const bad = dmlEvent();
    const good = dmlEvent();
    const badText = JSON.stringify(bad).replace('"actor":{', '"actor":{"__proto__":{"x":1},');
    const res = await post(app, envelopeText([badText, JSON.stringify(good)]));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      accepted: 1,
      rejected: [{ index: 0, eventId: bad.id, reasons: ['actor has an unknown property "__proto__"'] }],
    });
  });
});
