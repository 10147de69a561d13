import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoredDetector, type DetectionStatePersistence } from '../../src/detect/index.js';
import type { Store } from '../../src/store/store.js';
import { buildTestApp, eventually, logSink } from '../api/build-test-app.js';
import { AUTH, envelope } from '../api/envelopes.js';
import { at } from '../detect/helpers.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

describe.each(STORE_KINDS)('closing the service, on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    store = testStore.store;
  });
  afterAll(async () => {
    await testStore.dispose();
  });

  it('writes the detector state of a batch whose flush failed', async () => {
    const stored = createStoredDetector(store);
    let flushes = 0;
    const detectorState: DetectionStatePersistence = {
      ...stored,
      flush: async () => {
        flushes += 1;
        if (flushes === 1) throw new Error('connection lost');
        await stored.flush();
      },
    };
    // A poll interval this long makes the scoring stage wait 5 s before it retries the failed flush.
    const { app } = await buildTestApp(store, { detector: stored.detector, detectorState, pollMs: 60_000 });
    const userId = '0055g00000ClOsEAAZ';
    const event = {
      id: randomUUID(),
      kind: 'login',
      occurredAt: at(2, 9),
      actor: { userId, username: 'shopsync@acme-shop.example', isIntegration: true },
      operation: 'login',
      details: { loginType: 'Application' },
    };
    const marks = () => store.query('SELECT key FROM detect_alert WHERE key LIKE $1', [`ui|${userId}|%`]);
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', ...AUTH },
        payload: JSON.stringify(envelope([event])),
      });
      expect(res.statusCode).toBe(202);
      await eventually(() => flushes === 1);
      expect(await marks()).toEqual([]);
    } finally {
      await app.close();
    }
    expect(flushes).toBe(2);
    expect(await marks()).toHaveLength(1);
  });

  it('logs a final flush that fails by its code only, and still closes', async () => {
    const lines: string[] = [];
    const sink = logSink(lines);
    const stored = createStoredDetector(store);
    const refused = Object.assign(new Error('value "jane.doe@example.com" refused'), {
      code: '23505',
      detail: 'Key (holder)=(jane.doe@example.com) already exists.',
    });
    const { app } = await buildTestApp(store, {
      detector: stored.detector,
      detectorState: { ...stored, flush: () => Promise.reject(refused) },
      logger: { level: 'error', stream: sink },
    });

    await expect(app.close()).resolves.toBeUndefined();
    const log = lines.join('');
    expect(log).toContain('could not write the detector state at shutdown');
    expect(log).toContain('23505');
    expect(log).not.toContain('jane.doe@example.com');
  });
});
