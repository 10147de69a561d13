import { API_NAME } from '../contract/api-name.js';
import type { ClassifyInput, Classifier, Entity, FieldFinding, FieldHint } from '../contract/entities.js';
import type { EventField, LeakEvent } from '../contract/event.js';
import { maskQueryLiterals } from './query-literals.js';
import { storableText } from './storable-text.js';
import type { StoredEvent } from './stored-event.js';
import { kilobytes, MAX_VALUE_BYTES, truncateUtf8 } from './truncate.js';
import { NETWORK } from '../contract/network.js';
import { HOST_NAME } from '../contract/host.js';

/** Strings of one event's details (keys and values) classified at most; what comes after them is dropped. */
export const MAX_DETAIL_STRINGS = 200;
/** Levels of nesting of details kept (details itself is level 1); anything deeper is dropped. */
export const MAX_DETAIL_LEVELS = 8;
/** What stands in the stored details where a value was dropped without classification. */
export const DROPPED_VALUE = '[dropped: not classified]';
/**
 * Numbers this large may be a card, phone or account number sent as a JSON number: they are
 * classified as text, and replaced by the masked text when anything is found. Smaller numbers are counts.
 */
const CLASSIFIED_NUMBER = 1e9;
/** Keys never kept: `__proto__` would set an object's prototype wherever the stored details are read back. */
const DROPPED_KEYS = new Set(['__proto__']);
/**
 * Detail values that are enums and kept as sent: a login's country as an ISO 3166-1 alpha-2 code
 * (LoginHistory.CountryIso), which the detector compares per user. A coarse location the org's own
 * login history shows every admin; a data flow's destination host (`HOST_NAME`), which names a
 * service, not a person. Any other value under these keys is classified as usual.
 */
const ENUM_DETAILS = new Map<string, RegExp>([
  ['country', /^[A-Z]{2}$/],
  ['network', NETWORK],
  ['destinationHost', HOST_NAME],
]);
const TYPE_NAME = /^[A-Za-z_]{1,40}$/;

/**
 * Classifies, in one classifier call per batch, every string of the events that would be stored
 * and every field value, then returns the events as the store keeps them: field values dropped;
 * the actor's username and profile, field labels, details keys and details values masked (query
 * text loses its quoted literals);
 * session keys replaced by a salted hash. Only structural values are kept as sent (ids, enums,
 * counts, timestamps, API names), so nothing returned holds a raw value the org sent. Strings are
 * made storable first (see `storableText`), and what cannot be classified within the limits
 * above is dropped with a note, never kept raw.
 */
export async function classifyEvents(classifier: Classifier, orgId: string, events: LeakEvent[]): Promise<StoredEvent[]> {
  const inputs = new DistinctInputs();
  const builds = events.map((event) => planEvent(event, orgId, inputs, classifier));
  const found = inputs.unique.length === 0 ? [] : await classifier.classifyMany(inputs.unique);
  return builds.map((build) => build(found));
}

type Found = Entity[][];
/** A stored string, rendered once the batch's entities are known. */
type Render<T> = (found: Found) => T;

/** A bulk update often writes one value into many records: each distinct (value, hint) is classified once. */
class DistinctInputs {
  readonly unique: ClassifyInput[] = [];
  private readonly seen = new Map<string, number>();

  add(input: ClassifyInput): number {
    const key = JSON.stringify([input.text, input.field?.name, input.field?.type, input.field?.label]);
    let index = this.seen.get(key);
    if (index === undefined) {
      index = this.unique.push(input) - 1;
      this.seen.set(key, index);
    }
    return index;
  }
}

/** Per-event bookkeeping while its strings are planned. */
class EventPlan {
  replaced = 0;
  pastLimit = 0;
  tooDeep = 0;
  droppedKeys = 0;
  detailStrings = 0;

  constructor(readonly inputs: DistinctInputs) {}

  storable(value: string): string {
    const safe = storableText(value);
    this.replaced += safe.replaced;
    return safe.text;
  }

  /** Queues `value` for classification; renders it with every entity found masked, and query literals too. */
  masked(value: string, field?: FieldHint): Render<string> {
    const text = this.storable(truncateUtf8(value).text);
    if (text === '') return () => text;
    const index = this.inputs.add({ text, field });
    // A masked rendering is made storable too: the classifier's output is not trusted to be.
    return (found) => this.storable(maskQueryLiterals(maskSpans(text, found[index] ?? [])));
  }

  notes(): string[] {
    const notes: string[] = [];
    if (this.pastLimit > 0)
      notes.push(`details: ${count(this.pastLimit, 'value')} past the first ${MAX_DETAIL_STRINGS} strings dropped without classification`);
    if (this.tooDeep > 0) notes.push(`details: ${count(this.tooDeep, 'value')} nested deeper than ${MAX_DETAIL_LEVELS} levels dropped without classification`);
    if (this.droppedKeys > 0) notes.push(`details: ${count(this.droppedKeys, 'key')} named __proto__ dropped`);
    if (this.replaced > 0) notes.push(`${count(this.replaced, 'character')} that cannot be stored (NUL, unpaired surrogate) replaced by U+FFFD`);
    return notes;
  }
}

function planEvent(event: LeakEvent, orgId: string, inputs: DistinctInputs, classifier: Classifier): Render<StoredEvent> {
  const plan = new EventPlan(inputs);
  const { actor } = event;
  const username = actor.username === undefined ? undefined : plan.masked(actor.username, { name: 'Username', type: 'EMAIL' });
  const profile = actor.profile === undefined ? undefined : plan.masked(actor.profile, { name: 'Profile' });
  const sessionId = actor.sessionId === undefined ? undefined : classifier.hashKey(actor.sessionId);
  const fields = (event.fields ?? []).map((field) => planField(plan, field));
  const details = event.details === undefined ? undefined : planDetails(plan, event.details);

  return (found) => {
    const stored: StoredEvent = { orgId, event: { ...event }, findings: [], notes: [] };
    const storedActor = { ...actor };
    if (username) storedActor.username = username(found);
    if (profile) storedActor.profile = profile(found);
    if (sessionId !== undefined) storedActor.sessionId = sessionId;
    stored.event.actor = storedActor;
    if (event.fields) {
      stored.event.fields = fields.map((build) => {
        const { field, finding, note } = build(found);
        if (finding) stored.findings.push(finding);
        if (note) stored.notes.push(note);
        return field;
      });
    }
    if (details) stored.event.details = details(found) as Record<string, unknown>;
    stored.notes.push(...plan.notes());
    return stored;
  };
}

interface BuiltField {
  field: EventField;
  finding?: FieldFinding;
  note?: string;
}

/** A field as stored (name, type, label, record id; never its value) and the finding of its value. */
function planField(plan: EventPlan, field: EventField): Render<BuiltField> {
  // Field API names from the org's schema are structural and kept as sent; anything else is classified.
  const name: Render<string> = API_NAME.test(field.name) ? () => field.name : plan.masked(field.name, { name: 'FieldName' });
  const type: Render<string> | undefined =
    field.type === undefined ? undefined : TYPE_NAME.test(field.type) ? () => field.type as string : plan.masked(field.type);
  const label = field.label === undefined ? undefined : plan.masked(field.label, { name: 'FieldLabel' });
  let value: { index: number; truncated: boolean; bytes: number } | undefined;
  if (typeof field.value === 'string' && field.value.length > 0) {
    const cut = truncateUtf8(field.value);
    const text = plan.storable(cut.text);
    const index = plan.inputs.add({ text, field: { name: field.name, type: field.type, label: field.label } });
    value = { index, truncated: cut.truncated, bytes: cut.bytes };
  }
  return (found) => {
    const stored: EventField = { name: name(found) };
    if (type) stored.type = type(found);
    if (label) stored.label = label(found);
    if (field.recordId !== undefined) stored.recordId = field.recordId;
    const built: BuiltField = { field: stored };
    if (!value) return built;
    if (value.truncated) built.note = `${stored.name} truncated from ${kilobytes(value.bytes)} to ${kilobytes(MAX_VALUE_BYTES)} before classification`;
    const entities = found[value.index] ?? [];
    if (entities.length > 0) {
      const finding: FieldFinding = { field: stored.name, entities };
      if (field.recordId) finding.recordId = field.recordId;
      if (stored.type) finding.fieldType = stored.type;
      if (value.truncated) finding.truncatedFrom = field.value?.length;
      built.finding = finding;
    }
    return built;
  };
}

/**
 * Plans the stored copy of `details`: every key and string value classified and masked (query
 * text loses its quoted literals), large numbers classified, the rest of the structure kept. Past
 * MAX_DETAIL_STRINGS strings, and below MAX_DETAIL_LEVELS levels, values are dropped.
 */
function planDetails(plan: EventPlan, details: Record<string, unknown>): Render<unknown> {
  const visit = (value: unknown, level: number, key: string): Render<unknown> => {
    if (typeof value === 'string') {
      if (plan.detailStrings >= MAX_DETAIL_STRINGS) {
        plan.pastLimit += 1;
        return () => DROPPED_VALUE;
      }
      plan.detailStrings += 1;
      if (ENUM_DETAILS.get(key)?.test(value)) return () => value;
      return plan.masked(value, { name: key });
    }
    if (typeof value === 'number') {
      if (!(Math.abs(value) >= CLASSIFIED_NUMBER)) return () => value;
      const text = String(value);
      const index = plan.inputs.add({ text, field: { name: key } });
      return (found) => ((found[index] ?? []).length > 0 ? maskSpans(text, found[index]!) : value);
    }
    if (value === null || typeof value !== 'object') return () => value;
    if (level > MAX_DETAIL_LEVELS) {
      plan.tooDeep += leaves(value);
      return () => DROPPED_VALUE;
    }
    if (Array.isArray(value)) {
      const items = value.map((item) => visit(item, level + 1, key));
      return (found) => items.map((item) => item(found));
    }
    const entries: Array<[Render<string>, Render<unknown>]> = [];
    for (const name of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[name];
      if (DROPPED_KEYS.has(name)) {
        plan.droppedKeys += 1;
        continue;
      }
      if (plan.detailStrings >= MAX_DETAIL_STRINGS) {
        plan.pastLimit += 1 + leaves(child);
        continue;
      }
      plan.detailStrings += 1;
      entries.push([plan.masked(name, { name: 'DetailKey' }), visit(child, level + 1, name)]);
    }
    return (found) => {
      const out: Record<string, unknown> = {};
      for (const [name, child] of entries) out[uniqueKey(out, name(found))] = child(found);
      return out;
    };
  };
  return visit(details, 1, 'details');
}

/** Two keys may mask alike (`j•••@•••.com`); the later ones get a counter. */
function uniqueKey(into: Record<string, unknown>, key: string): string {
  if (!Object.hasOwn(into, key)) return key;
  for (let n = 2; ; n += 1) if (!Object.hasOwn(into, `${key} (${n})`)) return `${key} (${n})`;
}

/** Strings, numbers and keys below a value, counted for the notes of what was dropped. */
function leaves(value: unknown): number {
  if (value === null || typeof value !== 'object') return typeof value === 'string' || typeof value === 'number' ? 1 : 0;
  let total = 0;
  if (Array.isArray(value)) for (const item of value) total += leaves(item);
  else for (const [, child] of Object.entries(value)) total += 1 + leaves(child);
  return total;
}

const count = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

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
