import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/ingest/stored-event.js';
import { persistEvents } from '../../src/ingest/persist-events.js';
import { claimRecords } from '../../src/outbox/claim-records.js';
import { claimEvents } from '../../src/pipeline/claim-events.js';
import { queueRecords } from '../../src/pipeline/record-outcomes.js';
import type { Sql } from '../../src/store/store.js';
import { openTestStore, STORE_KINDS, type TestStore } from './test-stores.js';

const ORG = '00D5g000004Cx1aEAC';

/** An event as the store keeps it, about the size of a case update with a free-text finding (1 KB). */
function storedEvent(): StoredEvent {
  const recordId = `5005g${randomUUID().replace(/-/g, '').slice(0, 13)}`;
  return {
    orgId: ORG,
    event: {
      id: randomUUID(),
      kind: 'dml',
      occurredAt: new Date().toISOString(),
      actor: { userId: '0055g00000AbCdE', username: 's•••@•••.example', isIntegration: true },
      object: 'Case',
      operation: 'update',
      recordCount: 1,
      recordIds: [recordId],
      fields: [
        { name: 'SuppliedEmail', type: 'EMAIL', label: 'Web Email', recordId },
        { name: 'Description', type: 'TEXTAREA', label: 'Description', recordId },
      ],
      details: { trigger: 'AFTER_UPDATE', sliceSize: 1, apiType: 'ui' },
    },
    findings: [
      {
        field: 'Description',
        recordId,
        fieldType: 'TEXTAREA',
        entities: [
          { type: 'PERSON', start: 0, end: 8, score: 0.9, detector: 'ner', masked: 'J••• D••', hash: 'a'.repeat(64) },
          { type: 'CREDIT_CARD', start: 40, end: 59, score: 1, detector: 'pattern:credit_card', masked: '•••• •••• •••• 1111', hash: 'b'.repeat(64) },
        ],
      },
    ],
    notes: [],
  } as StoredEvent;
}

/**
 * Rows of `table` updated, and of those heap-only (no index entry written), as this connection counts them: its
 * counts not yet reported to the statistics views, this transaction's included. Compared before and after a statement.
 */
async function updates(tx: Sql, table: string): Promise<{ updated: number; hot: number }> {
  const [row] = await tx.query<{ updated: string | number; hot: string | number }>(
    `SELECT pg_stat_get_xact_tuples_updated($1::regclass) AS updated, pg_stat_get_xact_tuples_hot_updated($1::regclass) AS hot`,
    [table],
  );
  return { updated: Number(row?.updated), hot: Number(row?.hot) };
}

describe.each(STORE_KINDS)('queue claims on %s', (kind) => {
  let testStore: TestStore;
  beforeAll(async () => {
    testStore = await openTestStore(kind);
  });
  afterAll(() => testStore.dispose());

  it('stores each event of a batch under its own id and org, and claims it back as it was stored', async () => {
    const { store } = testStore;
    const events = Array.from({ length: 3 }, storedEvent);
    const batchId = randomUUID();
    const inserted = await persistEvents(store, batchId, [...events, events[0]!], '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect([...inserted].sort()).toEqual(events.map((e) => e.event.id).sort());
    const rows = await store.query<{ event_id: string; org_id: string; batch_id: string; kind: string; trace_parent: string }>(
      'SELECT event_id::text AS event_id, org_id, batch_id::text AS batch_id, kind, trace_parent FROM ingested_event WHERE batch_id = $1',
      [batchId],
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r).toMatchObject({ org_id: ORG, batch_id: batchId, kind: 'dml', trace_parent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    }
    // Sent again: nothing new.
    expect((await persistEvents(store, randomUUID(), events)).size).toBe(0);

    const claimed = await claimEvents(store, 'replica-a', 10, 60_000);
    expect(claimed.map((c) => c.stored).sort((a, b) => a.event.id.localeCompare(b.event.id))).toEqual(
      [...events].sort((a, b) => a.event.id.localeCompare(b.event.id)),
    );
  });

  it('leases events and outbox records without writing index entries (heap-only updates)', async () => {
    const { store } = testStore;
    const events = Array.from({ length: 200 }, storedEvent);
    await persistEvents(store, randomUUID(), events);
    const receivedAt = new Date();
    await queueRecords(
      store,
      events.map((e) => ({
        eventId: e.event.id,
        orgId: ORG,
        receivedAt,
        records: [
          {
            sobject: 'LeakVerdict__c',
            externalIdField: 'EventId__c',
            externalId: e.event.id,
            fields: { EventId__c: e.event.id, Severity__c: 'High', Reasons__c: 'BULK_EXPORT; FREE_TEXT_PII'.repeat(8) },
          },
        ],
      })),
    );
    await store.transaction(async (tx) => {
      const eventsBefore = await updates(tx, 'ingested_event');
      expect(await claimEvents(tx, 'replica-b', 200, 60_000)).toHaveLength(200);
      const events = await updates(tx, 'ingested_event');
      expect(events.updated - eventsBefore.updated).toBe(200);
      // Room on the page for the new version (fillfactor): most of the claim's updates stay there.
      expect(events.hot - eventsBefore.hot).toBeGreaterThanOrEqual(180);

      const outboxBefore = await updates(tx, 'outbox');
      const records = await claimRecords(tx, 'replica-b', 200, 60_000);
      expect(records).toHaveLength(200);
      expect(records[0]!.record).toMatchObject({ Severity__c: 'High' });
      const outbox = await updates(tx, 'outbox');
      expect(outbox.updated - outboxBefore.updated).toBe(200);
      expect(outbox.hot - outboxBefore.hot).toBeGreaterThanOrEqual(180);
    });
  });
});
