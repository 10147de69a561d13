import { randomBytes } from 'node:crypto';
import { isSalesforceId, toId18 } from '../contract/salesforce-id.js';
import type { Canary } from '../detect/state.js';

/** Objects canary records are planted in: the ones e-commerce exports pull. */
export const CANARY_OBJECTS = ['Contact', 'Lead'] as const;
type CanaryObject = (typeof CANARY_OBJECTS)[number];

/**
 * Marker e-mail domain: `.invalid` is reserved (RFC 2606), so a marker can never be anyone's real
 * address, and mail sent to it goes nowhere.
 */
export const CANARY_DOMAIN = 'canary.leakwatch.invalid';

interface PlannedCanary {
  object: CanaryObject;
  /** The record's fields: synthetic values only. */
  fields: Record<string, string>;
  /** Values no legitimate process copies: the e-mail and the last name's token. */
  markers: string[];
  label: string;
}

/** Synthetic records that look like customers to an exporter and are registered as canaries. */
export function planCanaries(object: CanaryObject, count: number, random: (bytes: number) => string = (n) => randomBytes(n).toString('hex')): PlannedCanary[] {
  return Array.from({ length: count }, () => {
    const token = random(5);
    const email = `lw-${token}@${CANARY_DOMAIN}`;
    const lastName = `Leakwatch-${token}`;
    const fields: Record<string, string> =
      object === 'Lead'
        ? { FirstName: 'Canary', LastName: lastName, Email: email, Company: 'Leakwatch canary' }
        : { FirstName: 'Canary', LastName: lastName, Email: email };
    return { object, fields, markers: [email, lastName], label: `canary ${object} ${token}` };
  });
}

/** What seeding needs of the org's client. */
export interface CanaryOrgClient {
  create(sobject: string, records: Array<Record<string, unknown>>): Promise<Array<{ success: boolean; id?: string; errorCode?: string; message?: string }>>;
}

interface SeededCanary {
  object: CanaryObject;
  recordId: string;
  label: string;
  markers: string[];
}

/**
 * Creates the planned records in the org (all or none), then registers each record id and marker
 * value with the detector, persisted per org. A record that was created is always registered: the
 * registration happens before anything is reported, and a failure there is thrown for a retry
 * (seeding again plants new records; the old ones stay registered once registered).
 */
export async function seedCanaries(
  client: CanaryOrgClient,
  register: (canaries: Canary[]) => Promise<void>,
  planned: PlannedCanary[],
): Promise<SeededCanary[]> {
  const seeded: SeededCanary[] = [];
  for (const object of CANARY_OBJECTS) {
    const batch = planned.filter((p) => p.object === object);
    if (batch.length === 0) continue;
    const results = await client.create(
      object,
      batch.map((p) => p.fields),
    );
    const failed = results.find((r) => !r.success);
    if (failed) throw new Error(`the org refused the canary ${object} records: ${failed.errorCode ?? 'error'} ${failed.message ?? ''}`.trim());
    batch.forEach((p, i) => {
      const id = results[i]?.id;
      if (id && isSalesforceId(id)) seeded.push({ object, recordId: toId18(id), label: p.label, markers: p.markers });
    });
  }
  await register(
    seeded.flatMap((s): Canary[] => [
      { kind: 'record', recordId: s.recordId, label: s.label },
      ...s.markers.map((value): Canary => ({ kind: 'marker', value, label: s.label })),
    ]),
  );
  return seeded;
}
