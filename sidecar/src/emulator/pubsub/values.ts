import { randomUUID } from 'node:crypto';
import { ApiError, jsonParserError } from '../errors.js';
import { isNullable, type TopicSchema } from './schema.js';
import type { TopicField, TopicFieldType } from './topics.js';

/** What an event gets when the seeded values leave it out. */
interface EventDefaults {
  /** Epoch milliseconds for `CreatedDate`. */
  now: number;
  /** The user the org attributes the event to (`CreatedById`). */
  createdById: string;
}

/** Fields the org fills with a fresh identifier when an event is generated, if the event object has them. */
const GENERATED_IDS = ['EventUuid', 'EventIdentifier'];

const INT32 = 2 ** 31;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Java's names for the JSON types a field takes, as Salesforce's parser errors spell them. */
const JAVA_TYPE: Record<TopicFieldType, string> = { string: 'String', int: 'int', long: 'long', double: 'double', boolean: 'boolean', datetime: 'Datetime' };

/** Epoch milliseconds of an ISO-8601 date-time (`2026-12-05T03:04:05.123Z`, `…+0000`) or of a number of milliseconds. */
const epochMillis = (value: unknown): number | undefined => {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !DATE_TIME.test(value)) return undefined;
  const parsed = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(parsed) ? undefined : parsed;
};

/** The Avro value of one seeded JSON value, or undefined when the JSON type does not fit the field. */
const avroValue = (type: TopicFieldType, value: unknown): unknown => {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'int':
      return Number.isInteger(value) && Math.abs(value as number) < INT32 ? value : undefined;
    case 'long':
      return Number.isSafeInteger(value) ? value : undefined;
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'datetime':
      return epochMillis(value);
  }
};

/**
 * Checks one seeded event against its topic's fields and builds the Avro record to encode: field
 * names as the org spells them (case-insensitive), JSON types that fit each field, date-times as
 * ISO-8601 strings or epoch milliseconds. Missing fields are null, except those the org always fills.
 */
export const eventRecord = (
  schema: TopicSchema,
  object: string,
  input: Record<string, unknown>,
  index: number,
  defaults: EventDefaults,
): Record<string, unknown> => {
  const byLowerName = new Map(schema.fields.map((field) => [field.name.toLowerCase(), field]));
  const given = new Map<string, unknown>();
  for (const [key, value] of Object.entries(input)) {
    const field = byLowerName.get(key.toLowerCase());
    if (!field) throw new ApiError(400, 'INVALID_FIELD', `No such column '${key}' on entity '${object}' (event ${index})`);
    if (given.has(field.name)) throw new ApiError(400, 'INVALID_FIELD', `Field ${field.name} is given twice (event ${index})`);
    given.set(field.name, value);
  }
  const fill = (field: TopicField): unknown => {
    if (field.name === 'CreatedDate') return defaults.now;
    if (field.name === 'CreatedById') return defaults.createdById;
    return GENERATED_IDS.includes(field.name) ? randomUUID() : null;
  };
  const record: Record<string, unknown> = {};
  for (const field of schema.fields) {
    const value = given.get(field.name);
    if (value === undefined || (value === null && !isNullable(field))) {
      record[field.name] = fill(field);
      continue;
    }
    if (value === null) {
      record[field.name] = null;
      continue;
    }
    const converted = avroValue(field.type, value);
    if (converted === undefined) {
      throw new ApiError(400, 'JSON_PARSER_ERROR', `${jsonParserError(value, JAVA_TYPE[field.type]).message} for field ${field.name} (event ${index})`);
    }
    record[field.name] = converted;
  }
  return record;
};
