import { randomUUID } from 'node:crypto';
import type { Verdict } from '../../src/contract/verdict.js';
import type { StoredEvent } from '../../src/ingest/stored-event.js';
import { recordScoredEvents } from '../../src/pipeline/record-outcomes.js';
import type { Store } from '../../src/store/store.js';
import { verdictRecords } from '../../src/verdicts/verdict-records.js';
import { ORG_ID } from '../api/envelopes.js';

/** Queues `count` verdicts of an org, each with one finding, straight into the outbox. Returns their event ids. */
export async function queueVerdicts(store: Store, count: number, orgId = ORG_ID): Promise<string[]> {
  const scored = Array.from({ length: count }, () => {
    const eventId = randomUUID();
    const stored: StoredEvent = {
      orgId,
      event: {
        id: eventId,
        kind: 'dml',
        occurredAt: '2026-11-02T03:04:05.000Z',
        actor: { userId: '0055g00000AbCdEAAZ' },
        object: 'Contact',
      },
      findings: [
        {
          field: 'Email',
          recordId: '0035g00000Qw1AaAAJ',
          entities: [
            {
              type: 'EMAIL_ADDRESS',
              start: 0,
              end: 5,
              score: 0.9,
              detector: 'pattern:email',
              masked: 'j•••@•••.com',
              hash: 'ab'.repeat(32),
            },
          ],
        },
      ],
      notes: [],
    };
    const verdict: Verdict = {
      eventId,
      orgId,
      severity: 'Low',
      riskScore: 20,
      reasons: [],
      piiTypes: ['EMAIL_ADDRESS'],
      zScore: null,
    };
    return { eventId, orgId, receivedAt: new Date(), records: verdictRecords(stored, verdict, new Date()) };
  });
  await store.transaction((tx) => recordScoredEvents(tx, 'nobody', scored));
  return scored.map((s) => s.eventId);
}
