import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { FIXTURE_OBJECTS, rawSession, type Reply } from './session.js';

let emulator: OrgEmulator;
let call: (method: string, path: string, body?: unknown) => Promise<Reply>;

beforeAll(async () => {
  emulator = await startOrgEmulator({ metadataDir: FIXTURE_OBJECTS });
  call = await rawSession(emulator);
});
afterAll(() => emulator.close());

describe('the emulator as a tool', () => {
  it('describes an object from its metadata', async () => {
    const reply = await call('GET', '/services/data/v62.0/sobjects/Probe__c/describe');
    expect(reply.body.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Code__c', type: 'Text', length: 10, externalId: true, nillable: false }),
        expect.objectContaining({ name: 'Name', createable: false }),
        expect.objectContaining({ name: 'Parent__c', referenceTo: ['Probe__c'], relationshipName: 'Parent__r' }),
      ]),
    );
  });

  it('takes faults over HTTP, injects them in order and counts them', async () => {
    const set = await fetch(`${emulator.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ unavailable: 1, requestLimit: 1 }),
    });
    expect(await set.json()).toMatchObject({ unavailable: 1, requestLimit: 1 });
    const path = `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Probe__c')}`;
    expect(await call('GET', path)).toMatchObject({ status: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE' }] });
    expect(await call('GET', path)).toMatchObject({ status: 403, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
    expect((await call('GET', path)).status).toBe(200);
    const stats = await (await fetch(`${emulator.url}/__emulator/stats`)).json();
    expect(stats.faultsInjected).toMatchObject({ unavailable: 1, requestLimit: 1 });
    const refused = await fetch(`${emulator.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: -5 }),
    });
    expect(refused.status).toBe(400);
  });

  it('answers slowly when asked to', async () => {
    emulator.setFaults({ latencyMs: 300 });
    const started = performance.now();
    await call('GET', '/services/data/v62.0/sobjects/Probe__c/describe');
    emulator.setFaults({ latencyMs: 0 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});
