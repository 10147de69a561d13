import type { LeakEvent } from '../../contract/event.js';
import { actorName } from './details.js';
import { defineRule, withReason, type RuleReason } from './rule.js';

type CanaryCode = 'canary_touched' | 'canary_value_seen';

/**
 * Canary records touched, or canary marker values seen in any field or detail of
 * the payload, or recognised by their hash among the classifier's findings.
 */
export const canaryRule = defineRule({
  name: 'canary',
  reasons: { canary_touched: {}, canary_value_seen: {} },
  weights: ['canary_touched', 'canary_value_seen'],
  needs: [],
  produces: [],
  run({ event, input, state, markerHashes, weights }) {
    let reasons: RuleReason<CanaryCode>[] | undefined;
    const registry = state.canaries();
    // A canary record being created is its planting (the DML capture reports it like any insert).
    const planting = event.kind === 'dml' && event.operation === 'insert';
    if (registry.recordIds.size > 0 && !planting) {
      const hits = new Set<string>();
      for (const id of event.recordIds ?? []) if (registry.recordIds.has(id.slice(0, 15))) hits.add(id.slice(0, 15));
      for (const f of event.fields ?? []) if (f.recordId && registry.recordIds.has(f.recordId.slice(0, 15))) hits.add(f.recordId.slice(0, 15));
      if (hits.size > 0) {
        const names = [...hits].map((id) => registry.labels.get(id) ?? id).join(', ');
        reasons = withReason(reasons, {
          code: 'canary_touched',
          weight: weights.canary_touched,
          message: `${actorName(event)} touched canary record${hits.size > 1 ? 's' : ''} ${names} (${event.operation ?? event.kind}${event.object ? ` on ${event.object}` : ''}).`,
        });
      }
    }
    if (registry.markers.length > 0) {
      const where = markerLocations(event, registry.markers, planting ? registry.recordIds : undefined);
      for (const finding of input.findings)
        if (planting && finding.recordId && registry.recordIds.has(finding.recordId.slice(0, 15))) continue;
        else if (finding.entities.some((e) => markerHashes.has(e.hash))) where.add(`${event.object ?? ''}.${finding.field}`);
      if (where.size > 0) {
        reasons = withReason(reasons, {
          code: 'canary_value_seen',
          weight: weights.canary_value_seen,
          message: `A canary marker value appeared in ${[...where].join(', ')} (actor ${actorName(event)}).`,
        });
      }
    }
    return reasons && { reasons };
  },
});

/** Names of the fields and details holding any marker; never the values. */
function markerLocations(event: LeakEvent, markers: readonly string[], planted?: ReadonlySet<string>): Set<string> {
  const where = new Set<string>();
  for (const f of event.fields ?? []) {
    if (planted && f.recordId && planted.has(f.recordId.slice(0, 15))) continue;
    if (f.value && containsAny(f.value, markers)) where.add(`${event.object ?? ''}.${f.name}`);
  }
  if (event.details) {
    for (const [key, value] of Object.entries(event.details)) {
      if (detailContainsAny(value, markers, 0)) where.add(`details.${key}`);
    }
  }
  return where;
}

function detailContainsAny(value: unknown, markers: readonly string[], depth: number): boolean {
  if (typeof value === 'string') return containsAny(value, markers);
  if (depth > 4 || value === null || typeof value !== 'object') return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.some((item) => detailContainsAny(item, markers, depth + 1));
}

function containsAny(text: string, markers: readonly string[]): boolean {
  for (const m of markers) if (text.includes(m)) return true;
  return false;
}
