import { ApiError, jsonParserError, type RecordIssue } from './errors.js';
import { isSalesforceId, toId18 } from '../contract/salesforce-id.js';
import type { FieldDef, ObjectDef, Schema } from './metadata.js';

export type FieldValue = string | number | boolean | null;

/** A lookup written by the parent's external id: `Parent__r: { ExtId__c: 'x' }`. */
interface ExternalReference {
  field: string;
  target: string;
  externalIdField: string;
  value: string;
}

export interface ParsedRecord {
  values: Map<string, FieldValue>;
  references: ExternalReference[];
  issues: RecordIssue[];
}

const TEXT_TYPES = new Set(['AutoNumber', 'Text', 'TextArea', 'LongTextArea', 'Html', 'Email', 'Phone', 'Url', 'Picklist', 'MultiselectPicklist']);
const NUMBER_TYPES = new Set(['Number', 'Percent', 'Currency']);
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Salesforce renders date-times as `2026-11-02T10:15:00.000+0000`. */
export const formatDateTime = (date: Date): string => date.toISOString().replace('Z', '+0000');

const issue = (statusCode: string, message: string, fields: string[] = []): RecordIssue => ({ statusCode, message, fields });

const resolveField = (object: ObjectDef, key: string): FieldDef => {
  const name = object.fieldsByLowerName.get(key.toLowerCase());
  const field = name ? object.fields.get(name) : undefined;
  if (!field) throw new ApiError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${object.name}`);
  return field;
};

const coerceText = (field: FieldDef, raw: unknown, issues: RecordIssue[]): FieldValue => {
  if (typeof raw === 'object') throw jsonParserError(raw, 'String');
  const value = String(raw);
  if (value === '') return null;
  if (field.length !== undefined && value.length > field.length) {
    issues.push(issue('STRING_TOO_LONG', `${field.label}: data value too large (max length=${field.length})`, [field.name]));
  } else if (field.type === 'Email' && !EMAIL.test(value)) {
    issues.push(issue('INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address`, [field.name]));
  } else if (field.picklistValues) {
    const chosen = field.type === 'MultiselectPicklist' ? value.split(';') : [value];
    const bad = chosen.find((option) => !field.picklistValues?.includes(option));
    if (bad !== undefined) {
      issues.push(issue('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: bad value for restricted picklist field: ${bad}`, [field.name]));
    }
  }
  return value;
};

const coerceNumber = (field: FieldDef, raw: unknown, issues: RecordIssue[]): FieldValue => {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) throw jsonParserError(raw, 'double');
  const scale = field.scale ?? 0;
  const integerDigits = (field.precision ?? 18) - scale;
  const rounded = Number(value.toFixed(scale));
  if (Math.abs(Math.trunc(rounded)).toString().length > integerDigits && Math.trunc(rounded) !== 0) {
    issues.push(issue('NUMBER_OUTSIDE_VALID_RANGE', `${field.label}: value outside of valid range on numeric field: ${value}`, [field.name]));
  }
  return rounded;
};

const coerceCheckbox = (raw: unknown): FieldValue => {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw jsonParserError(raw, 'boolean');
};

const coerceDate = (raw: unknown): FieldValue => {
  if (typeof raw !== 'string' || !DATE.test(raw) || Number.isNaN(Date.parse(raw))) throw jsonParserError(raw, 'date');
  return raw;
};

const coerceDateTime = (raw: unknown): FieldValue => {
  if (typeof raw !== 'string' || !DATE_TIME.test(raw)) throw jsonParserError(raw, 'datetime');
  const normalised = raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = Date.parse(normalised);
  if (Number.isNaN(time)) throw jsonParserError(raw, 'datetime');
  return formatDateTime(new Date(time));
};

const coerceId = (field: FieldDef, raw: unknown, issues: RecordIssue[]): FieldValue => {
  if (typeof raw !== 'string') throw jsonParserError(raw, 'id');
  if (raw === '') return null;
  if (!isSalesforceId(raw)) {
    issues.push(issue('MALFORMED_ID', `${field.label}: id value of incorrect type: ${raw}`, [field.name]));
    return null;
  }
  return toId18(raw);
};

/** Converts one JSON value to what the field stores, recording per-record problems in `issues`. */
export const coerceValue = (field: FieldDef, raw: unknown, issues: RecordIssue[]): FieldValue => {
  if (raw === null || raw === undefined) return field.type === 'Checkbox' ? false : null;
  if (TEXT_TYPES.has(field.type)) return coerceText(field, raw, issues);
  if (NUMBER_TYPES.has(field.type)) return coerceNumber(field, raw, issues);
  if (field.type === 'Checkbox') return coerceCheckbox(raw);
  if (field.type === 'Date') return coerceDate(raw);
  if (field.type === 'DateTime') return coerceDateTime(raw);
  return coerceId(field, raw, issues);
};

const parseReference = (schema: Schema, object: ObjectDef, key: string, raw: unknown): ExternalReference => {
  const fieldName = object.relationships.get(key);
  const field = fieldName ? object.fields.get(fieldName) : undefined;
  const target = field?.referenceTo ? schema.get(field.referenceTo) : undefined;
  if (!field || !target) throw new ApiError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${object.name}`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw jsonParserError(raw, target.name);
  const keys = Object.keys(raw).filter((name) => name !== 'attributes');
  const [externalKey] = keys;
  const externalField = externalKey ? target.fields.get(target.fieldsByLowerName.get(externalKey.toLowerCase()) ?? '') : undefined;
  if (keys.length !== 1 || !externalField?.externalId) {
    throw new ApiError(400, 'INVALID_FIELD', `The relationship ${key} must name exactly one external id field of ${target.name}`);
  }
  const value = (raw as Record<string, unknown>)[externalKey as string];
  if (typeof value !== 'string' && typeof value !== 'number') throw jsonParserError(value, 'String');
  return { field: field.name, target: target.name, externalIdField: externalField.name, value: String(value) };
};

/**
 * Checks a record body against the object's definition the way the REST API does: unknown
 * fields and undeserialisable values fail the whole request ({@link ApiError}); values the
 * database refuses become per-record issues.
 */
export const parseRecord = (schema: Schema, object: ObjectDef, body: Record<string, unknown>): ParsedRecord => {
  const parsed: ParsedRecord = { values: new Map(), references: [], issues: [] };
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'attributes') continue;
    if (key.endsWith('__r')) {
      parsed.references.push(parseReference(schema, object, key, raw));
      continue;
    }
    const field = resolveField(object, key);
    const value = coerceValue(field, raw, parsed.issues);
    if (!field.writable) readOnly.push(field.name);
    else parsed.values.set(field.name, value);
  }
  if (readOnly.length > 0) {
    parsed.issues.push(
      issue(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        readOnly,
      ),
    );
  }
  return parsed;
};
