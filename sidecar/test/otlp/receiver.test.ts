import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/index.js';
import { STORE_KINDS } from '../store/test-stores.js';
import { ORG_ID, SECRET } from '../api/envelopes.js';
import { eventually, useTestApp } from '../api/build-test-app.js';
import { exportResult, exportSpans, listening, type ClientSpan } from './otlp-harness.js';

const OTHER_ORG = '00D5g000009OtHeEAC';
const OTHER_SECRET = 'other-org-secret-0123456789';

/** What a span's attributes hold beyond hosts and names: none of it may be stored. */
const PRIVATE = ['jane.doe@example.com', 'sk-live-0123456789abcdef', '/v1/chat/completions', 'customer=4711', 'Jane Doe'];

const day = new Date('2026-11-02T10:00:00.000Z');

/** The shop middleware asking OpenAI about a Contact: the URL, a prompt and a key in attributes that must not be kept. */
function openAiCall(i: number): ClientSpan {
  return {
    name: 'POST',
    startTime: new Date(day.getTime() + i * 1000),
    attributes: {
      'http.request.method': 'POST',
      'server.address': 'api.openai.com',
      'url.full': 'https://api.openai.com/v1/chat/completions?customer=4711',
      'http.request.body.size': 1200,
      'salesforce.object': 'Contact',
      'salesforce.fields': ['Contact.Email', 'Contact.LastName'],
      'gen_ai.prompt': 'Summarise Jane Doe, jane.doe@example.com',
      'http.request.header.authorization': ['Bearer sk-live-0123456789abcdef'],
    },
  };
}

/** The nightly sync to a host no policy knows, named only by the older `http.url`. */
function nightlySync(i: number): ClientSpan {
  return {
    name: 'PUT',
    startTime: new Date(day.getTime() + 3_600_000 + i * 1000),
    attributes: { 'http.url': 'https://sync.unknown-partner.example/upload?user=jane.doe@example.com', 'http.request.body.size': 50_000 },
  };
}

describe.each(STORE_KINDS)('OTLP receiver on %s', (kind) => {
  const t = useTestApp(kind, {
    detector: createDetector(),
    orgSecrets: new Map([
      [ORG_ID.slice(0, 15), SECRET],
      [OTHER_ORG.slice(0, 15), OTHER_SECRET],
    ]),
  });

  it('it_should_derive_one_flow_and_one_verdict_per_flow_from_sdk_exports_in_both_encodings', async () => {
    const url = await listening(t.app);
    await exportSpans(url, SECRET, 'shop-middleware', [0, 1, 2].map(openAiCall), { encoding: 'protobuf', gzip: true });
    await exportSpans(url, SECRET, 'shop-middleware', [3, 4].map(openAiCall), { encoding: 'json', batch: true });
    await exportSpans(url, SECRET, 'nightly-sync', [0, 1, 2, 3].map(nightlySync), { encoding: 'json' });
    await exportSpans(url, SECRET, 'nightly-sync', [4].map(nightlySync), { encoding: 'protobuf', batch: true });

    const reply = await t.app.inject({ method: 'GET', url: '/v1/flows?days=400', headers: { authorization: `Bearer ${SECRET}` } });
    expect(reply.statusCode).toBe(200);
    const flows = reply.json().flows as Array<Record<string, unknown>>;
    const openai = flows.find((f) => f['destination'] === 'api.openai.com');
    expect(openai).toMatchObject({
      source: 'shop-middleware',
      ai: true,
      allowListed: false,
      regionAllowed: false,
      objects: ['Contact'],
      fields: ['Contact.Email', 'Contact.LastName'],
      spans: 5,
      bytes: 6000,
      days: [{ day: '2026-11-02', spans: 5, bytes: 6000 }],
    });
    expect(flows.find((f) => f['destination'] === 'sync.unknown-partner.example')).toMatchObject({
      source: 'nightly-sync',
      ai: false,
      spans: 5,
      bytes: 250_000,
    });

    await eventually(() => t.org.records('LeakVerdict__c').length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const verdicts = t.org.records('LeakVerdict__c');
    expect(verdicts).toHaveLength(2);
    const codes = verdicts.map((v) => (JSON.parse(String(v['Reasons__c'])) as Array<{ code: string }>).map((r) => r.code).sort());
    expect(codes).toContainEqual(['new_data_flow', 'pii_to_ai_outside_region']);
    expect(codes).toContainEqual(['new_data_flow']);
    expect(verdicts.map((v) => String(v['ReasonSummary__c'])).join(' ')).toContain('api.openai.com');

    const csv = await t.app.inject({ method: 'GET', url: '/v1/flows?format=csv&days=400', headers: { authorization: `Bearer ${SECRET}` } });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('source,destination,region,ai,allowListed,regionAllowed,day,spans,bytes,objects,fields,firstSeen,lastSeen');
    expect(csv.body).toContain('shop-middleware,api.openai.com,,true,false,false,2026-11-02,5,6000,Contact,Contact.Email Contact.LastName,');
  });

  it('it_should_store_nothing_of_attribute_values_but_hosts_and_names', async () => {
    const tables = ['data_flow', 'data_flow_alert', 'ingested_event'];
    const dump = (await Promise.all(tables.map((table) => t.store.query(`SELECT * FROM ${table}`)))).map((rows) => JSON.stringify(rows)).join('\n');
    expect(dump).toContain('api.openai.com');
    for (const value of PRIVATE) expect(dump).not.toContain(value);
    expect(dump).not.toContain('chat/completions');
  });

  it('it_should_raise_no_second_verdict_when_the_flows_are_seen_again_on_another_day', async () => {
    const url = await listening(t.app);
    const later = (s: ClientSpan): ClientSpan => ({ ...s, startTime: new Date((s.startTime as Date).getTime() + 86_400_000) });
    await exportSpans(url, SECRET, 'shop-middleware', [openAiCall(9)].map(later), { encoding: 'protobuf' });
    await exportSpans(url, SECRET, 'nightly-sync', [nightlySync(9)].map(later), { encoding: 'json' });
    const alerts = await t.store.query<{ n: number | string }>('SELECT count(*) AS n FROM data_flow_alert');
    expect(Number(alerts[0]?.n)).toBe(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.org.records('LeakVerdict__c')).toHaveLength(2);
  });

  it('it_should_keep_each_orgs_flows_apart_and_refuse_a_wrong_secret', async () => {
    const url = await listening(t.app);
    await exportSpans(url, OTHER_SECRET, 'other-shop', [openAiCall(0)], { encoding: 'json' });
    const mine = await t.app.inject({ method: 'GET', url: '/v1/flows?days=400', headers: { authorization: `Bearer ${SECRET}` } });
    expect((mine.json().flows as Array<{ source: string }>).map((f) => f.source)).not.toContain('other-shop');
    const theirs = await t.app.inject({ method: 'GET', url: '/v1/flows?days=400', headers: { authorization: `Bearer ${OTHER_SECRET}` } });
    expect((theirs.json().flows as Array<{ source: string }>).map((f) => f.source)).toEqual(['other-shop']);
    const refused = await exportResult(url, 'not-a-secret-of-any-org-000', 'protobuf');
    expect(refused.code).not.toBe(0);
    const unauthorised = await t.app.inject({ method: 'POST', url: '/v1/traces', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(unauthorised.statusCode).toBe(401);
  });
});
