import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import type { Store } from '../../src/store/store.js';
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
