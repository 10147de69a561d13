import type { TArrayOptions } from 'typebox';
import { EventEnvelopeBody } from '../routes/events.schema.js';

/** The most events one envelope may carry, as the envelope schema says. */
const events: TArrayOptions = { ...EventEnvelopeBody.properties.events };
export const MAX_EVENTS_PER_BATCH = events.maxItems ?? Number.POSITIVE_INFINITY;

/** A size as an admin reads it: `5 MB`, `64 KB`, `1500 bytes` (binary units, as the limits are set). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** A duration as an admin reads it: `30 s`, `0.3 s`. */
export function formatSeconds(ms: number): string {
  return `${ms / 1000} s`;
}

/** What one request may carry, for the messages that ask for smaller batches. */
export function batchLimits(bodyLimitBytes: number): string {
  return `at most ${MAX_EVENTS_PER_BATCH.toLocaleString('en-US')} events and ${formatBytes(bodyLimitBytes)} per request`;
}
