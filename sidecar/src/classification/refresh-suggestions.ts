import type { CoverageWriter } from '../collect/publish-coverage.js';
import { joinedText, text } from '../verdicts/field-values.js';
import type { Classification } from './levels.js';
import { fieldClassifications, fieldFindings, storedSuggestions, type OrgQuery, type StoredSuggestion } from './org-reads.js';
import { CLASSIFICATION_STATUS, suggestFor, type Suggestion } from './suggestion.js';

/** What refreshing needs of the org's client: queries and an upsert by external id. */
type SuggestionClient = OrgQuery & CoverageWriter;

const SOBJECT = 'FieldClassification__c';
const EXTERNAL_ID = 'FieldKey__c';
const BATCH = 200;

/** Statuses an admin (or an application) set: a suggestion that did not change leaves them alone. */
const DECIDED: ReadonlySet<string> = new Set([
  CLASSIFICATION_STATUS.approved,
  CLASSIFICATION_STATUS.dismissed,
  CLASSIFICATION_STATUS.applied,
  CLASSIFICATION_STATUS.failed,
]);

interface RefreshedSuggestions {
  /** Fields with findings whose FieldDefinition the org showed. */
  fields: number;
  /** Records written (new or changed). */
  written: number;
  /** Records the org refused, by field key with the org's code (never a value); written again next refresh. */
  refused: Array<{ fieldKey: string; errorCode: string }>;
  /** Objects whose FieldDefinition could not be read, with the org's code. */
  unreadable: Array<{ object: string; errorCode: string }>;
}

/**
 * The status to send: none (the org's stays) when an admin's decision stands because the suggestion
 * is the one decided on; the computed one otherwise — Suggested again when a decided suggestion
 * changed, Current when the field is already as strict (also for an approved one that an admin
 * applied in Setup, as they do while `LEAKWATCH_CLASSIFY_APPLY` is off).
 */
function statusToSend(existing: StoredSuggestion | undefined, suggestion: Suggestion): string | undefined {
  if (!existing) return suggestion.status;
  // Approved (or failed to apply) and the field now carries it: an admin applied it in Setup.
  const waiting = existing.Status__c === CLASSIFICATION_STATUS.approved || existing.Status__c === CLASSIFICATION_STATUS.failed;
  if (waiting && suggestion.status === CLASSIFICATION_STATUS.current) return CLASSIFICATION_STATUS.current;
  const decided = typeof existing.Status__c === 'string' && DECIDED.has(existing.Status__c);
  const same =
    existing.SuggestedSensitivity__c === suggestion.suggested.sensitivity &&
    (existing.SuggestedCompliance__c ?? null) === joinedText(suggestion.suggested.compliance, 255);
  if (decided) return same ? undefined : CLASSIFICATION_STATUS.suggested;
  return existing.Status__c === suggestion.status ? undefined : suggestion.status;
}

/** A FieldClassification__c record for one field (no CheckedAt__c; Status__c only when it is to change). */
function suggestionFields(object: string, field: string, current: Classification, suggestion: Suggestion, status: string | undefined): Record<string, unknown> {
  return {
    FieldKey__c: `${object}.${field}`,
    ObjectName__c: text(object, 80),
    FieldName__c: text(field, 80),
    PiiTypes__c: joinedText(suggestion.types, 255),
    SuggestedSensitivity__c: text(suggestion.suggested.sensitivity, 40),
    SuggestedCompliance__c: joinedText(suggestion.suggested.compliance, 255),
    CurrentSensitivity__c: text(current.sensitivity, 40),
    CurrentCompliance__c: joinedText(current.compliance, 255),
    Reason__c: text(suggestion.reason, 255),
    ...(status ? { Status__c: status } : {}),
  };
}

const unchanged = (existing: StoredSuggestion | undefined, fields: Record<string, unknown>): boolean =>
  existing !== undefined &&
  Object.entries(fields).every(([name, value]) => name === EXTERNAL_ID || (existing[name as keyof StoredSuggestion] ?? null) === value);

/**
 * Suggests a classification for every field with personal data found in it: reads the findings
 * (PiiFinding__c, aggregated in the org), each object's FieldDefinition and the suggestions already
 * in the org, and upserts FieldClassification__c by FieldKey__c where something changed. Never a
 * lower classification than the field has; a field already as strict becomes Current; an admin's
 * Approved or Dismissed stands unless the suggestion itself changed.
 */
export async function refreshSuggestions(org: SuggestionClient, now = new Date()): Promise<RefreshedSuggestions> {
  const findings = await fieldFindings(org);
  const unreadable: RefreshedSuggestions['unreadable'] = [];
  const definitions = new Map<string, Awaited<ReturnType<typeof fieldClassifications>>>();
  for (const object of new Set(findings.map((f) => f.object))) {
    try {
      definitions.set(object.toLowerCase(), await fieldClassifications(org, object));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // An object the org does not have (or the user cannot see) stops only its own fields.
      if (code !== 'INVALID_TYPE' && code !== 'INVALID_FIELD' && code !== 'MALFORMED_QUERY') throw error;
      unreadable.push({ object, errorCode: code });
    }
  }
  const existing = await storedSuggestions(org);
  const records: Array<Record<string, unknown>> = [];
  let fields = 0;
  for (const finding of findings) {
    const definition = definitions.get(finding.object.toLowerCase())?.get(finding.field.toLowerCase());
    if (!definition) continue;
    fields += 1;
    const current: Classification = { sensitivity: definition.sensitivity, compliance: definition.compliance };
    const suggestion = suggestFor(finding.types, current);
    const stored = existing.get(`${finding.object}.${finding.field}`.toLowerCase());
    const record = suggestionFields(finding.object, definition.name, current, suggestion, statusToSend(stored, suggestion));
    if (!unchanged(stored, record)) records.push({ ...record, CheckedAt__c: now.toISOString() });
  }
  const refused: RefreshedSuggestions['refused'] = [];
  for (let start = 0; start < records.length; start += BATCH) {
    const batch = records.slice(start, start + BATCH);
    const results = await org.upsert(SOBJECT, EXTERNAL_ID, batch);
    batch.forEach((record, i) => {
      if (!results[i]?.success) refused.push({ fieldKey: String(record[EXTERNAL_ID]), errorCode: results[i]?.errorCode ?? 'UNKNOWN' });
    });
  }
  return { fields, written: records.length - refused.length, refused, unreadable };
}
