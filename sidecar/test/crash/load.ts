import { randomUUID } from 'node:crypto';
import { dmlEvent, envelope, SECRET } from '../api/envelopes.js';

/** Events that the detector scores: bulk deletes of contacts whose description holds personal data. */
export function scoringEvents(count: number) {
  return Array.from({ length: count }, () => dmlEvent({ operation: 'delete', recordCount: 2000, occurredAt: new Date().toISOString() }));
}

/**
 * Sends one batch the way the package's Queueable does: the same envelope again after any
 * failure (connection refused or reset, 5xx) until it is acknowledged.
 */
export async function sendUntilAcknowledged(url: string, events: unknown[], timeoutMs = 120_000): Promise<void> {
  const body = JSON.stringify(envelope(events, { batchId: randomUUID() }));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body,
      });
      if (res.status === 202) return;
      if (res.status < 500) throw new Error(`batch refused with ${res.status}: ${await res.text()}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('batch refused')) throw err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('batch not acknowledged in time');
}
