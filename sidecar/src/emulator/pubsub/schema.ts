import avro from 'avsc';
import type { TopicDefinition, TopicField, TopicFieldType } from './topics.js';

/**
 * An event's Avro schema as Pub/Sub API serves it (GetSchema) and encodes payloads with.
 *
 * The shape follows what Salesforce returns for a platform event (REST API "Platform Event Schema by
 * Schema ID", compact format): a record named after the event object in namespace
 * `com.sforce.eventbus`; `CreatedDate` as a non-null `long` (epoch milliseconds, doc
 * `CreatedDate:DateTime`) and `CreatedById` as a non-null `string` (doc `CreatedBy:EntityId`) first,
 * as every platform event carries them; every other field a `["null", T]` union with default null
 * and a `Data:<Type>` doc; date-times as `long` epoch milliseconds; ReplayId absent (it travels in
 * the ConsumerEvent); and a trailing `uuid` attribute holding the schema id.
 */
export interface TopicSchema {
  /** The schema id: base64url (no padding) of the MD5 fingerprint of the schema's Parsing Canonical Form. */
  id: string;
  /** The schema as GetSchema answers it. */
  json: string;
  type: avro.Type;
  /** The payload fields in schema order, system fields first. */
  fields: readonly TopicField[];
}

const SCHEMA_NAMESPACE = 'com.sforce.eventbus';

/** The fields every platform event has, whatever its documentation lists. */
const SYSTEM_FIELDS: readonly TopicField[] = [
  { name: 'CreatedDate', type: 'datetime' },
  { name: 'CreatedById', type: 'string' },
];
const SYSTEM_DOCS: Record<string, string> = { CreatedDate: 'CreatedDate:DateTime', CreatedById: 'CreatedBy:EntityId' };

const AVRO: Record<TopicFieldType, { avro: string; doc: string }> = {
  string: { avro: 'string', doc: 'Text' },
  int: { avro: 'int', doc: 'Int' },
  long: { avro: 'long', doc: 'Long' },
  double: { avro: 'double', doc: 'Double' },
  boolean: { avro: 'boolean', doc: 'Boolean' },
  datetime: { avro: 'long', doc: 'DateTime' },
};

/** Whether a field may be null in a payload (all but the system fields). */
export const isNullable = (field: TopicField): boolean => !(field.name in SYSTEM_DOCS);

const fieldSchema = (field: TopicField) => {
  const { avro: type, doc } = AVRO[field.type];
  const system = SYSTEM_DOCS[field.name];
  return system === undefined ? { name: field.name, type: ['null', type], doc: `Data:${doc}`, default: null } : { name: field.name, type, doc: system };
};

/** Builds the Avro schema of one topic's events and its fingerprint id. */
export const topicSchema = (definition: TopicDefinition): TopicSchema => {
  const documented = definition.fields.filter((field) => !(field.name in SYSTEM_DOCS));
  const fields = [...SYSTEM_FIELDS, ...documented];
  const record = { name: definition.object, namespace: SCHEMA_NAMESPACE, type: 'record', fields: fields.map(fieldSchema) };
  const type = avro.Type.forSchema(record as avro.Schema);
  const id = type.fingerprint('md5').toString('base64url');
  return { id, json: JSON.stringify({ ...record, uuid: id }), type, fields };
};
