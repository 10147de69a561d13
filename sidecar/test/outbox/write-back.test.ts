import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/outbox/backoff.js';
import { queueStatus } from '../../src/outbox/queue-status.js';
import { redriveDeadLetters } from '../../src/outbox/redrive.js';
import { writeBackStep } from '../../src/outbox/write-back-step.js';
import { ORG_ID } from '../api/envelopes.js';
import { fakeOrg } from '../api/fakes.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';
import { queueVerdicts } from './outbox-fixture.js';

const POLICY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

describe('backoff', () => {
  it('grows exponentially up to the cap, with jitter between base and the ceiling', () => {
    expect(backoffDelayMs(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelayMs(4, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelayMs(20, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelayMs(4, 100, 10_000, () => 0)).toBe(100);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelayMs(6, 100, 10_000)));
    expect(spread.size).toBeGreaterThan(10);
  });
});

describe.each(STORE_KINDS)('write-back outbox on %s', (kind) => {
  let testStore: TestStore;
  let org: ReturnType<typeof fakeOrg>;

  beforeAll(async () => {
    testStore = await openTestStore(kind);
  });
  afterAll(() => testStore.dispose());
  beforeEach(async () => {
    await testStore.store.query('DELETE FROM outbox WHERE parent_id IS NOT NULL');
    await testStore.store.query('DELETE FROM outbox');
    org = fakeOrg();
  });

  /** Runs write-back steps until nothing is due (waiting out the tiny backoff). */
  const drain = async () => {
    const step = writeBackStep({ store: testStore.store, clientFor: () => org.client, owner: 'test', policy: POLICY });
    for (let idle = 0; idle < 5;) {
      if ((await step()) === 0) {
        idle += 1;
        await new Promise((r) => setTimeout(r, 10));
      } else idle = 0;
    }
  };

  it('retries a whole call that failed with a retryable error', async () => {
    const [eventId] = await queueVerdicts(testStore.store, 1);
    org.inject({ kind: 'throw', retryable: true });
    await drain();
    expect(org.records('LeakVerdict__c').map((r) => r.EventId__c)).toEqual([eventId]);
    expect(org.records('PiiFinding__c')).toHaveLength(1);
    expect((await queueStatus(testStore.store)).deadLetters).toBe(0);
  });

  it('retries only the record that failed with UNABLE_TO_LOCK_ROW', async () => {
    await queueVerdicts(testStore.store, 3);
    org.inject({ kind: 'record', retryable: true, errorCode: 'UNABLE_TO_LOCK_ROW' });
    await drain();
    expect(org.records('LeakVerdict__c')).toHaveLength(3);
    expect([...org.writes.values()].every((n) => n === 1)).toBe(true);
  });

  it('makes a dead letter of a permanent error at once, holds its findings back, and re-drives it', async () => {
    const [eventId] = await queueVerdicts(testStore.store, 1);
    org.inject({ kind: 'record', retryable: false, errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
    await drain();
    expect(org.calls).toBe(1);
    expect(org.records('PiiFinding__c')).toHaveLength(0);
    const status = await queueStatus(testStore.store);
    expect(status.deadLetters).toBe(1);
    expect(status.writeBacksPending).toBe(1);
    expect(status.oldestPendingWriteBack).not.toBeNull();
    expect(await redriveDeadLetters(testStore.store, '00D000000000001AAA')).toBe(0);
    expect(await redriveDeadLetters(testStore.store, ORG_ID, [eventId as string])).toBe(1);
    await drain();
    expect(org.records('LeakVerdict__c')).toHaveLength(1);
    expect(org.records('PiiFinding__c')).toHaveLength(1);
    expect(await queueStatus(testStore.store)).toMatchObject({ deadLetters: 0, writeBacksPending: 0 });
  });

  it('gives up after the maximum number of attempts', async () => {
    await queueVerdicts(testStore.store, 1);
    org.inject({ kind: 'throw', retryable: true }, { kind: 'throw', retryable: true }, { kind: 'throw', retryable: true });
    await drain();
    expect(org.calls).toBe(POLICY.maxAttempts);
    const [row] = await testStore.store.query<{ state: string; attempts: number; last_error: string }>(
      "SELECT state, attempts, last_error FROM outbox WHERE sobject = 'LeakVerdict__c'",
    );
    expect(row).toMatchObject({ state: 'dead', attempts: 3 });
    expect(row?.last_error).toContain('Service Unavailable');
  });
});
