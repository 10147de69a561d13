import { randomUUID } from 'node:crypto';
import type { EventEnvelope, LeakEvent } from '../contract/event.js';
import { seedEventLogFile, seedRecords, seedSharingRule } from '../emulator/seeding-client.js';
import type { OrgData } from './org-data.js';

export interface SidecarEndpoint {
  url: string;
  secret: string;
}

export interface QueueStatus {
  queues: { eventsPending: number; eventsFailed: number; writeBacksPending: number };
  notifications: { pending: number; dead: number; delivered: number };
  deadLetters: number;
}

const BATCH = 100;

const headers = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}`, 'content-type': 'application/json' });

/** Sends the events to POST /v1/events in batches, as the package's Queueable does; reports after each batch. */
export const replayEvents = async (sidecar: SidecarEndpoint, orgId: string, events: LeakEvent[], onBatch: (sent: number) => void): Promise<void> => {
  for (let start = 0; start < events.length; start += BATCH) {
    const envelope: EventEnvelope = {
      schemaVersion: 1,
      orgId,
      batchId: randomUUID(),
      sentAt: new Date().toISOString(),
      events: events.slice(start, start + BATCH),
    };
    const response = await fetch(`${sidecar.url}/v1/events`, { method: 'POST', headers: headers(sidecar.secret), body: JSON.stringify(envelope) });
    if (response.status !== 202) throw new Error(`the sidecar refused a batch: HTTP ${response.status} ${await response.text()}`);
    const reply = (await response.json()) as { rejected: { eventId?: string; reasons: string[] }[] };
    const [rejected] = reply.rejected;
    if (rejected) throw new Error(`the sidecar rejected event ${rejected.eventId ?? '?'}: ${rejected.reasons.join('; ')}`);
    onBatch(Math.min(start + BATCH, events.length));
  }
};

const queueStatus = async (sidecar: SidecarEndpoint): Promise<QueueStatus> => {
  const response = await fetch(`${sidecar.url}/v1/status`, { headers: headers(sidecar.secret) });
  if (!response.ok) throw new Error(`GET /v1/status answered HTTP ${response.status}`);
  return (await response.json()) as QueueStatus;
};

/** Waits until every accepted event is scored, every record written and every notification delivered (or dead-lettered). */
export const waitForDrain = async (sidecar: SidecarEndpoint, timeoutMs: number, onPoll: (status: QueueStatus) => void): Promise<QueueStatus> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await queueStatus(sidecar);
    onPoll(status);
    if (status.queues.eventsPending === 0 && status.queues.writeBacksPending === 0 && status.notifications.pending === 0) return status;
    if (Date.now() > deadline) throw new Error(`the sidecar had not finished after ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/** At most this many records per seeding request (the emulator's limit is 10,000). */
const SEED_BATCH = 2_000;

/**
 * Loads raw org data into the org emulator through its public seeding API, as an independent data
 * set would be loaded: `POST /__emulator/records/{SObject}`, `POST /__emulator/event-log-files` and
 * `POST /__emulator/sharing-rules`.
 */
export const seedOrg = async (orgUrl: string, data: OrgData): Promise<{ records: number; files: number; lines: number }> => {
  let records = 0;
  let lines = 0;
  for (const group of data.records) {
    for (let start = 0; start < group.records.length; start += SEED_BATCH) {
      const batch = group.records.slice(start, start + SEED_BATCH);
      await seedRecords(orgUrl, group.sobject, batch);
      records += batch.length;
    }
  }
  for (const file of data.eventLogFiles) lines += (await seedEventLogFile(orgUrl, file)).lines;
  for (const rule of data.sharingRules ?? []) await seedSharingRule(orgUrl, rule);
  return { records, files: data.eventLogFiles.length, lines };
};

/** Plants canary records in the org through the sidecar (`POST /v1/canaries`); returns their record ids. */
export const plantCanaries = async (sidecar: SidecarEndpoint, object: 'Contact' | 'Lead', count: number): Promise<string[]> => {
  const response = await fetch(`${sidecar.url}/v1/canaries`, { method: 'POST', headers: headers(sidecar.secret), body: JSON.stringify({ object, count }) });
  if (response.status !== 201) throw new Error(`POST /v1/canaries answered HTTP ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { seeded: Array<{ recordId: string }> }).seeded.map((c) => c.recordId);
};

interface CoverageRow {
  source: string;
  state: string;
  rowsTotal: number;
  lastError: string | null;
}

/** `GET /v1/coverage`: what each collector has read from the org. */
export const coverage = async (sidecar: SidecarEndpoint): Promise<CoverageRow[]> => {
  const response = await fetch(`${sidecar.url}/v1/coverage`, { headers: headers(sidecar.secret) });
  if (!response.ok) throw new Error(`GET /v1/coverage answered HTTP ${response.status}`);
  return ((await response.json()) as { sources: CoverageRow[] }).sources;
};

/** One line: rows read per source, and the state of any source that is not collecting. */
export const collectedSummary = (rows: CoverageRow[]): string =>
  rows
    .map((r) => `${r.source} ${r.rowsTotal}${r.state === 'collected' ? '' : ` (${r.state}${r.lastError ? `: ${r.lastError.slice(0, 60)}` : ''})`}`)
    .join(' · ');
