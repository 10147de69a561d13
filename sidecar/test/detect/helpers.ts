import type { Entity, EntityType, FieldFinding } from '../../src/contract/entities.js';
import type { LeakEvent } from '../../src/contract/event.js';
import type { ClassifiedEvent } from '../../src/contract/verdict.js';

export const ORG = '00D5g000004Cx1aEAC';

let counter = 0;

/** A classified event with sensible defaults; override what the test is about. */
export function classified(event: Partial<LeakEvent>, findings: FieldFinding[] = []): ClassifiedEvent {
  counter += 1;
  return {
    orgId: ORG,
    findings,
    event: {
      id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
      kind: 'dml',
      occurredAt: '2026-11-02T10:00:00.000Z',
      actor: { userId: '0055g00000AgEnTAAV', username: 'maria.agent@acme-shop.example' },
      ...event,
    },
  };
}

export function entity(type: EntityType, score = 0.95): Entity {
  return { type, start: 0, end: 4, score, detector: `pattern:${type.toLowerCase()}`, masked: '••••', hash: 'h' };
}

export function at(day: number, hour: number, minute = 0): string {
  return new Date(Date.UTC(2026, 9, 5 + day, hour, minute)).toISOString();
}
