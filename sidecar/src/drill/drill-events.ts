import { randomUUID } from 'node:crypto';
import { CANARY_DOMAIN } from '../collect/canaries.js';
import type { LeakEvent } from '../contract/event.js';
import { toId18 } from '../contract/salesforce-id.js';
import type { Canary } from '../detect/state.js';
import { DRILL_DETAIL } from './mark.js';

/**
 * The drill's canary Contact: an id of the all-zero pod, which names no record of any org (like the
 * sidecar's own actor, `SIDECAR_ACTOR_ID`), so only a drill ever touches it.
 */
const DRILL_CANARY_RECORD_ID = toId18('003000000DRILL0');
/** The drill's marker values: an address on the reserved canary domain and a last name no one has. */
const DRILL_MARKERS = [`drill@${CANARY_DOMAIN}`, 'Leakwatch-drill'] as const;
export const DRILL_CANARY_LABEL = 'leakwatch drill canary';

/** The canaries every drill touches, registered with the detector for the org before its events are stored. */
export const DRILL_CANARIES: readonly Canary[] = [
  { kind: 'record', recordId: DRILL_CANARY_RECORD_ID, label: DRILL_CANARY_LABEL },
  ...DRILL_MARKERS.map((value): Canary => ({ kind: 'marker', value, label: DRILL_CANARY_LABEL })),
];

/**
 * The synthetic actor of one drill: a user id of the all-zero pod derived from the drill id, so the
 * events of one drill make one incident and two drills never share one.
 */
export function drillActorId(drillId: string): string {
  const token = drillId.replace(/-/g, '').slice(0, 6);
  return toId18(`005000000${token}`);
}

/**
 * The events of a drill: an export and a query of the drill's canary Contact by a synthetic actor,
 * whose only personal data are the canary markers. Each is marked `details.drill`, so the detector
 * raises its canary verdict and learns nothing from it, and correlation keeps it apart from real
 * incidents.
 */
export function drillEvents(drillId: string, now: Date): LeakEvent[] {
  const actor = {
    userId: drillActorId(drillId),
    username: `leakwatch.drill@${CANARY_DOMAIN}`,
    sessionId: `drill-${drillId}`,
  };
  const fields = [
    { name: 'Email', type: 'EMAIL', recordId: DRILL_CANARY_RECORD_ID, value: DRILL_MARKERS[0] },
    { name: 'LastName', type: 'STRING', recordId: DRILL_CANARY_RECORD_ID, value: DRILL_MARKERS[1] },
  ];
  const base = { actor, object: 'Contact', recordCount: 1, recordIds: [DRILL_CANARY_RECORD_ID], fields, details: { [DRILL_DETAIL]: true } };
  return [
    { id: randomUUID(), kind: 'export', operation: 'query', occurredAt: new Date(now.getTime() - 1_000).toISOString(), ...base },
    { id: randomUUID(), kind: 'export', operation: 'export', occurredAt: now.toISOString(), ...base },
  ];
}
