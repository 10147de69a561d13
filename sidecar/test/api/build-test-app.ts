import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import type { Store, StoreKind } from '../../src/store/store.js';
import { afterAll, beforeAll } from 'vitest';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { ORG_SECRETS } from './envelopes.js';
import { everyEventScores, fakeOrg } from './fakes.js';

/** The app on a given store with the real pattern classifier, a detector that scores everything and an in-memory org. */
export async function buildTestApp(store: Store, overrides: Partial<BuildAppOptions> = {}) {
  const org = fakeOrg();
  const app: FastifyInstance = await buildApp({
    store,
    classifier: createClassifier({ salt: 'test-salt-0123456789' }),
    detector: everyEventScores(),
    orgClientFor: () => org.client,
    orgSecrets: ORG_SECRETS,
    pollMs: 20,
    retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
    ...overrides,
  });
  await app.ready();
  return { app, org };
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A log stream that appends each line the logger writes to `lines`. */
export function logSink(lines: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
}

/**
 * The test app on a fresh store of `kind`, built before the file's (or describe block's) tests and
 * closed after them. Read `app`, `store` and `org` inside the tests, once `beforeAll` has run.
 */
export function useTestApp(kind: StoreKind = 'pglite', overrides: Partial<BuildAppOptions> = {}) {
  const handle = {} as { app: FastifyInstance; store: Store; org: ReturnType<typeof fakeOrg> };
  let testStore: TestStore | undefined;
  beforeAll(async () => {
    testStore = await openTestStore(kind);
    Object.assign(handle, await buildTestApp(testStore.store, overrides), { store: testStore.store });
  });
  afterAll(async () => {
    await handle.app?.close();
    await testStore?.dispose();
  });
  return handle;
}
