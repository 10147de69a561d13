import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import type { ClassifyInput } from '../../src/contract/entities.js';
import { createClassifyPool, type ClassifyPool } from '../../src/ingest/classify-pool.js';
import { buildTestApp } from '../api/build-test-app.js';
import { AUTH, dmlEvent, envelope } from '../api/envelopes.js';
import { openTestStore } from '../store/test-stores.js';
import { CRASH_TEXT } from './crash-once-classifier.js';

const SALT = 'test-salt-0123456789';
const CRASH_MODULE = new URL('./crash-once-classifier.ts', import.meta.url).href;

const INPUTS: ClassifyInput[] = [
  { text: 'jane.doe@private-mail.example', field: { name: 'Email', type: 'EMAIL', label: 'Email' } },
  { text: '+44 20 7946 0958', field: { name: 'Phone', type: 'PHONE', label: 'Business Phone' } },
  {
    text: 'Prefers card 4111 1111 1111 1111 for renewals; IBAN DE89 3704 0044 0532 0130 00, call +49 30 1234567.',
    field: { name: 'Description', type: 'TEXTAREA', label: 'Contact Description' },
  },
  { text: 'SSN 078-05-1120 on file', field: { name: 'SSN__c', type: 'STRING' } },
  { text: 'nothing personal here', field: { name: 'Subject', type: 'STRING' } },
  { text: 'forwarded to jane.doe@example.com', field: { name: 'note' } },
];

describe('the classification pool', () => {
  let pool: ClassifyPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('finds exactly what the classifier finds in-process, for concurrent calls', async () => {
    pool = createClassifyPool({ threads: 2, classifier: { salt: SALT, modelDir: null } });
    await pool.ready();
    const local = createClassifier({ salt: SALT });
    const expected = await local.classifyMany(INPUTS);
    const calls = await Promise.all([0, 1, 2, 3].map((k) => pool!.classifyMany(INPUTS.slice(k))));
    calls.forEach((found, k) => expect(found).toEqual(expected.slice(k)));
    expect(pool.threads).toBe(2);
    expect(pool.modelLoaded).toBe(false);
  });

  it('fails the call a dying thread was running and carries on with a new thread', async () => {
    const flagFile = join(mkdtempSync(join(tmpdir(), 'leakwatch-pool-')), 'crashed');
    pool = createClassifyPool({ threads: 1, module: CRASH_MODULE, classifier: { salt: SALT, flagFile } });
    await pool.ready();
    await expect(pool.classifyMany([{ text: CRASH_TEXT }])).rejects.toThrow(/classification thread exited/);
    const local = createClassifier({ salt: SALT });
    expect(await pool.classifyMany(INPUTS)).toEqual(await local.classifyMany(INPUTS));
  });

  it('refuses calls once closed', async () => {
    pool = createClassifyPool({ threads: 1, classifier: { salt: SALT, modelDir: null } });
    await pool.ready();
    await pool.close();
    await expect(pool.classifyMany(INPUTS)).rejects.toThrow(/closed/);
  });
});

describe('a classification thread dying during a request', () => {
  it('answers 503 without storing anything, and the retried batch is stored whole', async () => {
    const testStore = await openTestStore('pglite');
    const flagFile = join(mkdtempSync(join(tmpdir(), 'leakwatch-pool-')), 'crashed');
    const pool = createClassifyPool({ threads: 1, module: CRASH_MODULE, classifier: { salt: SALT, flagFile } });
    await pool.ready();
    const { app } = await buildTestApp(testStore.store, { classifier: pool });
    try {
      const crashing = dmlEvent({
        fields: [{ name: 'Description', type: 'TEXTAREA', recordId: '0035g00000Qw1AaAAJ', value: CRASH_TEXT }],
      });
      const batch = envelope([dmlEvent(), crashing, dmlEvent()]);
      const first = await app.inject({ method: 'POST', url: '/v1/events', headers: AUTH, payload: batch });
      expect(first.statusCode).toBe(503);
      expect(first.body).not.toContain(CRASH_TEXT);
      const [none] = await testStore.store.query<{ n: number }>('SELECT count(*)::int AS n FROM ingested_event');
      expect(none?.n).toBe(0);

      const retry = await app.inject({ method: 'POST', url: '/v1/events', headers: AUTH, payload: batch });
      expect(retry.statusCode).toBe(202);
      expect(retry.json()).toMatchObject({ accepted: 3, duplicates: 0 });
      const [all] = await testStore.store.query<{ n: number }>('SELECT count(*)::int AS n FROM ingested_event');
      expect(all?.n).toBe(3);
    } finally {
      await app.close();
      await pool.close();
      await testStore.dispose();
    }
  });
});
