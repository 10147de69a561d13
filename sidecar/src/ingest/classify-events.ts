import type { ClassifyInput, Classifier, Entity, FieldFinding } from '../contract/entities.js';
import type { LeakEvent } from '../contract/event.js';
import type { StoredEvent } from './stored-event.js';
import { kilobytes, MAX_VALUE_BYTES, truncateUtf8 } from './truncate.js';

const MAX_DETAIL_STRINGS = 200;

/**
 * Detail keys that hold logins of the org's own users. Like `actor.username` they are kept as
 * sent: a reviewer must see whom a permission was given to. Everything else is classified and masked.
 */
const ORG_USERNAME_KEYS = new Set(['username', 'assigneeUsername', 'assignedByUsername']);

interface Slot {
  event: number;
  input: ClassifyInput;
  apply: (entities: Entity[]) => void;
}

/**
 * Classifies every field value and every string inside `details` of a batch in one
 * classifier call, then returns the events with the values dropped and details masked.
 * Nothing returned contains a raw field value.
 */
export async function classifyEvents(
  classifier: Classifier,
  orgId: string,
  events: LeakEvent[],
): Promise<StoredEvent[]> {
  const results: StoredEvent[] = events.map((event) => ({
    orgId,
    event: withoutValues(event),
    findings: [],
    notes: [],
  }));
  const slots: Slot[] = [];
  events.forEach((event, index) => {
    const stored = results[index] as StoredEvent;
    for (const field of event.fields ?? []) {
      if (typeof field.value !== 'string' || field.value.length === 0) continue;
      const cut = truncateUtf8(field.value);
      if (cut.truncated) {
        stored.notes.push(
          `${field.name} truncated from ${kilobytes(cut.bytes)} to ${kilobytes(MAX_VALUE_BYTES)} before classification`,
        );
      }
      slots.push({
        event: index,
        input: { text: cut.text, field: { name: field.name, type: field.type, label: field.label } },
        apply: (entities) => {
          if (entities.length === 0) return;
          const finding: FieldFinding = { field: field.name, entities };
          if (field.recordId) finding.recordId = field.recordId;
          if (field.type) finding.fieldType = field.type;
          if (cut.truncated) finding.truncatedFrom = field.value?.length;
          stored.findings.push(finding);
        },
      });
    }
    if (event.details) slots.push(...detailSlots(index, stored));
  });
  const { unique, indexOf } = distinctInputs(slots.map((s) => s.input));
  const found = unique.length === 0 ? [] : await classifier.classifyMany(unique);
  slots.forEach((slot, i) => slot.apply(found[indexOf[i] as number] ?? []));
  return results;
}

/** A bulk update often writes one value into many records: each distinct (value, field) is classified once. */
function distinctInputs(inputs: ClassifyInput[]): { unique: ClassifyInput[]; indexOf: number[] } {
  const seen = new Map<string, number>();
  const unique: ClassifyInput[] = [];
  const indexOf = inputs.map((input) => {
    const key = JSON.stringify([input.text, input.field?.name, input.field?.type, input.field?.label]);
    let index = seen.get(key);
    if (index === undefined) {
      index = unique.push(input) - 1;
      seen.set(key, index);
    }
    return index;
  });
  return { unique, indexOf };
}

function withoutValues(event: LeakEvent): LeakEvent {
  if (!event.fields) return { ...event };
  return { ...event, fields: event.fields.map(({ value: _value, ...rest }) => rest) };
}

/** One slot per string leaf of `details`; each replaces its leaf with the masked text. */
function detailSlots(eventIndex: number, stored: StoredEvent): Slot[] {
  const slots: Slot[] = [];
  const visit = (holder: Record<string, unknown> | unknown[], key: string | number, depth: number): void => {
    const value = (holder as Record<string | number, unknown>)[key];
    if (typeof value === 'string') {
      if (slots.length >= MAX_DETAIL_STRINGS || value.length === 0 || ORG_USERNAME_KEYS.has(String(key))) return;
      const text = truncateUtf8(value).text;
      slots.push({
        event: eventIndex,
        input: { text, field: { name: String(key) } },
        apply: (entities) => {
          (holder as Record<string | number, unknown>)[key] = maskSpans(text, entities);
        },
      });
      return;
    }
    if (depth > 8 || value === null || typeof value !== 'object') return;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
      ? [...value]
      : { ...(value as Record<string, unknown>) };
    (holder as Record<string | number, unknown>)[key] = copy;
    for (const k of Array.isArray(copy) ? copy.keys() : Object.keys(copy)) visit(copy, k, depth + 1);
  };
  const root = { details: stored.event.details };
  visit(root, 'details', 0);
  stored.event.details = root.details;
  return slots;
}

/** Replaces each entity span with its masked rendering; overlapping spans keep the first. */
export function maskSpans(text: string, entities: Entity[]): string {
  if (entities.length === 0) return text;
  const spans = [...entities].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const e of spans) {
    if (e.start < at) continue;
    out += text.slice(at, e.start) + e.masked;
    at = e.end;
  }
  return out + text.slice(at);
}
