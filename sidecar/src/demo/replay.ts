import { randomUUID } from 'node:crypto';
import type { EventEnvelope, LeakEvent } from '../contract/event.js';

export interface SidecarEndpoint {
  url: string;
  secret: string;
}

export interface QueueStatus {
  queues: { eventsPending: number; eventsFailed: number; writeBacksPending: number };
  deadLetters: number;
}

const BATCH = 100;

const headers = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}`, 'content-type': 'application/json' });

/** Sends the events to POST /v1/events in batches, as the package's Queueable does; reports after each batch. */
export const replayEvents = async (
  sidecar: SidecarEndpoint,
  orgId: string,
  events: LeakEvent[],
  onBatch: (sent: number) => void,
): Promise<void> => {
  for (let start = 0; start < events.length; start += BATCH) {
    const envelope: EventEnvelope = { schemaVersion: 1, orgId, batchId: randomUUID(), sentAt: new Date().toISOString(), events: events.slice(start, start + BATCH) };
    const response = await fetch(`${sidecar.url}/v1/events`, { method: 'POST', headers: headers(sidecar.secret), body: JSON.stringify(envelope) });
    if (response.status !== 202) throw new Error(`the sidecar refused a batch: HTTP ${response.status} ${await response.text()}`);
    const reply = (await response.json()) as { rejected: { eventId?: string; reasons: string[] }[] };
    const [rejected] = reply.rejected;
    if (rejected) throw new Error(`the sidecar rejected event ${rejected.eventId ?? '?'}: ${rejected.reasons.join('; ')}`);
    onBatch(Math.min(start + BATCH, events.length));
  }
};

export const queueStatus = async (sidecar: SidecarEndpoint): Promise<QueueStatus> => {
  const response = await fetch(`${sidecar.url}/v1/status`, { headers: headers(sidecar.secret) });
  if (!response.ok) throw new Error(`GET /v1/status answered HTTP ${response.status}`);
  return (await response.json()) as QueueStatus;
};

/** Waits until every accepted event is scored and every verdict record written (or dead-lettered). */
export const waitForDrain = async (sidecar: SidecarEndpoint, timeoutMs: number, onPoll: (status: QueueStatus) => void): Promise<QueueStatus> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await queueStatus(sidecar);
    onPoll(status);
    if (status.queues.eventsPending === 0 && status.queues.writeBacksPending === 0) return status;
    if (Date.now() > deadline) throw new Error(`the sidecar had not finished after ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};
