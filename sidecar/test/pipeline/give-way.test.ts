import { afterEach, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import type { Classifier } from '../../src/contract/entities.js';
import { requestLoad } from '../../src/pipeline/request-load.js';
import { startWorkerLoop, type WorkerLoop } from '../../src/pipeline/worker-loop.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { buildTestApp, eventually } from '../api/build-test-app.js';
import { AUTH, dmlEvent, envelope } from '../api/envelopes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A batch in flight until `release` is called. */
function heldBatch(load: ReturnType<typeof requestLoad>) {
  let release: () => void = () => undefined;
  const done = load.track(() => new Promise<void>((resolve) => (release = resolve)));
  return { done, release: () => release() };
}

describe('the acknowledgement path and the background stages', () => {
  const loops: WorkerLoop[] = [];
  afterEach(async () => {
    await Promise.all(loops.splice(0).map((l) => l.stop()));
  });

  it('is saturated at as many batches as it has threads, and eases below', async () => {
    const load = requestLoad(2);
    const first = heldBatch(load);
    expect(load.saturated()).toBe(false);
    const second = heldBatch(load);
    expect(load.saturated()).toBe(true);
    let eased = false;
    void load.eased().then(() => (eased = true));
    first.release();
    await first.done;
    expect(load.saturated()).toBe(false);
    await sleep(0);
    expect(eased).toBe(true);
    second.release();
    await second.done;
  });

  it('frees the capacity of a batch that failed', async () => {
    const load = requestLoad(1);
    await expect(load.track(() => Promise.reject(new Error('store unavailable')))).rejects.toThrow('store unavailable');
    expect(load.saturated()).toBe(false);
    expect(() => requestLoad(0)).toThrow(RangeError);
  });

  it('holds a step back while the batches saturate their threads, and runs it once they ease', async () => {
    const load = requestLoad(1);
    const held = heldBatch(load);
    let steps = 0;
    const waits: number[] = [];
    loops.push(
      startWorkerLoop({
        step: async () => ((steps += 1), 0),
        pollMs: 5,
        onError: () => undefined,
        giveWay: { to: load, share: 0.1, maxDeferMs: 60_000, onDeferred: (ms) => waits.push(ms) },
      }),
    );
    await sleep(150);
    expect(steps).toBe(0);
    held.release();
    await held.done;
    await eventually(() => steps > 0, 5_000);
    expect(waits[0]).toBeGreaterThanOrEqual(140);
  });

  /** Steps that always find work and take `ms` each, during a 550 ms burst that does not ease; how many ran in it. */
  async function stepsDuringBurst(ms: number, share: number, maxDeferMs: number): Promise<number> {
    const load = requestLoad(1);
    const held = heldBatch(load);
    let steps = 0;
    loops.push(
      startWorkerLoop({
        step: async () => {
          steps += 1;
          await sleep(ms);
          return 1;
        },
        pollMs: 5,
        onError: () => undefined,
        giveWay: { to: load, share, maxDeferMs },
      }),
    );
    await sleep(550);
    const during = steps;
    held.release();
    await held.done;
    // Once the batch is stored, nothing holds the stage back.
    await eventually(() => steps > during + 10, 5_000);
    return during;
  }

  it('keeps a stage to its share of the time during a burst that does not ease', async () => {
    // Without giving way, 20 ms steps would run ~27 times in the burst; at a share of 0.2 each is followed by an 80 ms
    // wait (the first by maxDeferMs, 100 ms): about five.
    const during = await stepsDuringBurst(20, 0.2, 100);
    expect(during).toBeGreaterThanOrEqual(3);
    expect(during).toBeLessThanOrEqual(9);
  });

  it('still takes a step every maxDeferMs, however long the share would have it wait', async () => {
    // At a share of 0.01 a 30 ms step would be followed by a 3 s wait; maxDeferMs (100 ms) cuts it: about four steps.
    const during = await stepsDuringBurst(30, 0.01, 100);
    expect(during).toBeGreaterThanOrEqual(2);
    expect(during).toBeLessThanOrEqual(6);
  });

  it('stops at once while a step is held back', async () => {
    const load = requestLoad(1);
    const held = heldBatch(load);
    const loop = startWorkerLoop({ step: async () => 0, pollMs: 5, onError: () => undefined, giveWay: { to: load, share: 0.1, maxDeferMs: 60_000 } });
    await sleep(20);
    const started = Date.now();
    await loop.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    held.release();
    await held.done;
  });
});

describe('scoring gives way to the batches being acknowledged', () => {
  let testStore: TestStore | undefined;
  afterEach(async () => {
    await testStore?.dispose();
  });

  it('scores an acknowledged event only once the batch beside it is stored', async () => {
    testStore = await openTestStore('pglite');
    const store = testStore.store;
    const real = createClassifier({ salt: 'test-salt-0123456789' });
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // One classification thread, and the first batch's values stay in it until the gate opens.
    const classifier: Classifier & { threads: number } = {
      threads: 1,
      modelLoaded: false,
      hashKey: (value) => real.hashKey(value),
      classify: (input) => real.classify(input),
      classifyMany: async (inputs) => {
        calls += 1;
        if (calls === 1) await gate;
        return real.classifyMany(inputs);
      },
      close: () => real.close(),
    };
    const { app } = await buildTestApp(store, { classifier });
    const post = (events: unknown[]) =>
      app.inject({ method: 'POST', url: '/v1/events', headers: { 'content-type': 'application/json', ...AUTH }, payload: JSON.stringify(envelope(events)) });
    const state = async (id: string) => (await store.query<{ state: string }>('SELECT state FROM ingested_event WHERE event_id = $1', [id]))[0]?.state;
    try {
      const slow = dmlEvent();
      const quick = dmlEvent();
      const slowReply = post([slow]);
      await eventually(() => calls === 1, 5_000);
      expect((await post([quick])).statusCode).toBe(202);
      // Acknowledged and due, but the one classification thread is still busy with the other batch.
      await sleep(300);
      expect(await state(quick.id)).toBe('pending');
      release();
      expect((await slowReply).statusCode).toBe(202);
      await eventually(async () => (await state(quick.id)) === 'scored' && (await state(slow.id)) === 'scored', 10_000);
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      const deferred = /leakwatch_background_deferred_seconds_total\{stage="detect"\} ([\d.e-]+)/.exec(metrics.body);
      expect(Number(deferred?.[1])).toBeGreaterThan(0.2);
    } finally {
      release();
      await app.close();
    }
  });
});
