import { randomUUID } from 'node:crypto';
import type { RecordIssue } from './errors.js';
import { ApiError } from './errors.js';
import { recordId } from './ids.js';
import type { FieldDef, ObjectDef, Schema } from './metadata.js';
import { coerceValue, formatDateTime, parseRecord, type FieldValue, type ParsedRecord } from './validate.js';

export type StoredRecord = Record<string, FieldValue>;

/** One element of an sObject Collections response. */
export interface SaveResult {
  id?: string;
  success: boolean;
  errors: RecordIssue[];
  created?: boolean;
}

export interface SaveRequest {
  object: ObjectDef;
  body: Record<string, unknown>;
  /** Upsert on this external-id field; absent for a plain insert. */
  externalIdField?: string;
  /** Update this existing record (sObject Rows PATCH by id); the caller checks that it exists. */
  recordId?: string;
}

interface SaveOptions {
  allOrNone: boolean;
  /** Asked once per record; true makes that record fail with UNABLE_TO_LOCK_ROW. */
  lockFails?: () => boolean;
  userId: string;
}

interface Pending {
  object: ObjectDef;
  record: StoredRecord;
  created: boolean;
}

const ROLLED_BACK: RecordIssue = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

const indexKey = (field: FieldDef, value: FieldValue): string => (field.caseSensitive ? String(value) : String(value).toLowerCase());

const isIndexed = (field: FieldDef): boolean => field.externalId || field.unique;

/** The records of the emulated org, with the unique and external-id indexes a real org keeps. */
export class OrgStore {
  private readonly tables = new Map<string, Map<string, StoredRecord>>();
  private readonly indexes = new Map<string, Map<string, string>>();
  private readonly counters = new Map<string, number>();
  /** When each record was first written, epoch milliseconds (CreatedDate keeps only seconds). */
  private readonly created = new Map<string, number>();
  /** Platform event messages published, per event, oldest first: what a subscriber would receive. */
  private readonly events = new Map<string, StoredRecord[]>();

  constructor(readonly schema: Schema) {
    for (const name of schema.keys()) this.tables.set(name, new Map());
  }

  object(name: string): ObjectDef | undefined {
    return this.schema.get(name) ?? [...this.schema.values()].find((object) => object.name.toLowerCase() === name.toLowerCase());
  }

  records(name: string): StoredRecord[] {
    const object = this.object(name);
    return object ? [...(this.tables.get(object.name)?.values() ?? [])].map((record) => ({ ...record })) : [];
  }

  get(objectName: string, id: string): StoredRecord | undefined {
    return this.tables.get(objectName)?.get(id);
  }

  /**
   * Stores records the emulator derives from its schema (EntityDefinition, FieldDefinition) as they
   * are, with the ids they bring: they are never written through the API.
   */
  putDerived(objectName: string, records: StoredRecord[]): void {
    const table = this.tables.get(objectName);
    if (!table) throw new Error(`unknown object ${objectName}`);
    for (const record of records) table.set(record.Id as string, { ...record });
  }

  /** Changes fields of a derived record (a field's classification after a Metadata API update). */
  updateDerived(objectName: string, id: string, fields: StoredRecord): void {
    const record = this.tables.get(objectName)?.get(id);
    if (!record) throw new Error(`no ${objectName} ${id}`);
    Object.assign(record, fields);
  }

  /** Finds a record id by the value of a unique or external-id field. */
  findBy(object: ObjectDef, field: FieldDef, value: FieldValue): string | undefined {
    return this.indexes.get(`${object.name}.${field.name}`)?.get(indexKey(field, value));
  }

  /** Inserts and upserts records with the semantics of sObject Collections, all or none when asked. */
  save(requests: SaveRequest[], options: SaveOptions): SaveResult[] {
    const parsed = requests.map((request) => parseRecord(this.schema, request.object, request.body));
    const duplicates = this.duplicateExternalIds(requests, parsed);
    const claimed = new Map<string, string>();
    const pending: (Pending | undefined)[] = [];
    const results = requests.map((request, index): SaveResult => {
      const record = parsed[index] as ParsedRecord;
      const typeRefused = this.typeRefusal(request);
      // An operation the object does not support is the record's only error: its fields are not looked at.
      const issues = typeRefused ? [typeRefused] : [...record.issues];
      if (duplicates.has(index)) {
        const value = String(record.values.get(request.externalIdField ?? ''));
        issues.push({ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `Duplicate external id specified: ${value}`, fields: [] });
      }
      if (issues.length === 0 && options.lockFails?.()) {
        issues.push({ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', fields: [] });
      }
      const staged = issues.length === 0 ? this.stage(request, record, issues, claimed, options.userId) : undefined;
      if (staged && issues.length === 0) {
        pending[index] = staged;
        return { id: staged.record.Id as string, success: true, errors: [], ...(request.externalIdField ? { created: staged.created } : {}) };
      }
      return { success: false, errors: issues };
    });
    if (options.allOrNone && results.some((result) => !result.success)) {
      return results.map((result) => (result.success ? { success: false, errors: [ROLLED_BACK] } : result));
    }
    for (const staged of pending) if (staged) this.commit(staged);
    return results;
  }

  /**
   * Objects whose Supported Calls lack create() (or update(), for an update by id), and custom metadata
   * types: "DML operations aren't allowed on custom metadata in the Partner or Enterprise APIs" (Custom
   * Metadata Types, "Access Custom Metadata Records Programmatically"). The code is the REST API's for an
   * operation the entity does not support; the wording is the emulator's.
   */
  private typeRefusal(request: SaveRequest): RecordIssue | undefined {
    const { standard, customMetadata, name } = request.object;
    if (!customMetadata && (!standard || (request.recordId ? standard.updateable : standard.createable))) return undefined;
    return { statusCode: 'INVALID_TYPE_FOR_OPERATION', message: `entity type ${name} does not support insert or update`, fields: [] };
  }

  private duplicateExternalIds(requests: SaveRequest[], parsed: ParsedRecord[]): Set<number> {
    const seen = new Map<string, number[]>();
    requests.forEach((request, index) => {
      const fieldName = request.externalIdField;
      const field = fieldName ? request.object.fields.get(fieldName) : undefined;
      const value = parsed[index]?.values.get(fieldName ?? '');
      if (!field || value === null || value === undefined) return;
      const key = `${request.object.name}.${indexKey(field, value)}`;
      seen.set(key, [...(seen.get(key) ?? []), index]);
    });
    return new Set([...seen.values()].filter((indexes) => indexes.length > 1).flat());
  }

  private stage(request: SaveRequest, parsed: ParsedRecord, issues: RecordIssue[], claimed: Map<string, string>, userId: string): Pending | undefined {
    const { object } = request;
    let existing: StoredRecord | undefined;
    if (request.externalIdField) {
      const field = object.fields.get(request.externalIdField) as FieldDef;
      const value = parsed.values.get(field.name);
      if (value === null || value === undefined) {
        issues.push({ statusCode: 'MISSING_ARGUMENT', message: `${field.name} not specified`, fields: [] });
        return undefined;
      }
      const id = this.findBy(object, field, value);
      existing = id ? this.get(object.name, id) : undefined;
    }
    if (request.recordId) existing = this.get(object.name, request.recordId);
    this.resolveReferences(object, parsed, issues);
    const now = systemTimestamp();
    // An update moves on the audit fields the object has (PermissionSetAssignment and UserLogin lack some).
    const audit = Object.fromEntries(
      Object.entries({ LastModifiedDate: now, SystemModstamp: now, LastModifiedById: userId }).filter(([field]) => object.fields.has(field)),
    );
    const record: StoredRecord = existing ? { ...existing, ...Object.fromEntries(parsed.values), ...audit } : this.newRecord(object, parsed, now, userId);
    this.checkRequired(object, record, issues);
    this.checkUnique(object, record, issues, claimed);
    return { object, record, created: !existing };
  }

  private newRecord(object: ObjectDef, parsed: ParsedRecord, now: string, userId: string): StoredRecord {
    const record: StoredRecord = {};
    for (const field of object.fields.values()) {
      if (field.defaultValue !== undefined) record[field.name] = field.defaultValue;
    }
    Object.assign(record, Object.fromEntries(parsed.values));
    const id = this.nextId(object);
    const counter = this.counters.get(object.name) as number;
    const name = object.fields.get('Name');
    if (name?.type === 'AutoNumber') record.Name = formatAutoNumber(name.displayFormat ?? '{0}', counter);
    else if (object.standard && object.fields.has('FirstName')) record.Name = personName(record);
    else if (name && (record.Name === null || record.Name === undefined)) record.Name = id;
    const system: StoredRecord = {
      Id: id,
      CreatedDate: now,
      LastModifiedDate: now,
      SystemModstamp: now,
      CreatedById: userId,
      LastModifiedById: userId,
      OwnerId: userId,
      IsDeleted: false,
    };
    for (const [field, value] of Object.entries(system)) if (object.fields.has(field) && (field === 'Id' || !(field in record))) record[field] = value;
    return record;
  }

  private nextId(object: ObjectDef): string {
    const counter = (this.counters.get(object.name) ?? 0) + 1;
    this.counters.set(object.name, counter);
    return recordId(object.keyPrefix, counter);
  }

  /**
   * Loads records as an export of the org holds them (the seeding API): every documented field,
   * system fields included, is accepted and typed; an unknown field fails the whole request; ids
   * are generated with the object's prefix where absent; CreatedDate and SystemModstamp default to
   * now. References are kept as given (exports are partial). Returns the records' ids in order.
   */
  seed(objectName: string, bodies: Record<string, unknown>[]): string[] {
    const object = this.object(objectName);
    if (!object) throw new ApiError(404, 'NOT_FOUND', `The emulator does not know the object ${objectName}`);
    const records = bodies.map((body, index) => {
      const record: StoredRecord = {};
      const issues: RecordIssue[] = [];
      for (const [key, raw] of Object.entries(body)) {
        if (key === 'attributes') continue;
        const fieldName = object.fieldsByLowerName.get(key.toLowerCase());
        const field = fieldName ? object.fields.get(fieldName) : undefined;
        if (!field) throw new ApiError(400, 'INVALID_FIELD', `No such column '${key}' on entity '${object.name}' (record ${index})`);
        record[field.name] = coerceValue(field, raw, issues);
      }
      const [problem] = issues;
      if (problem) throw new ApiError(400, problem.statusCode, `record ${index}: ${problem.message}`);
      return record;
    });
    const now = systemTimestamp();
    const table = this.tables.get(object.name) as Map<string, StoredRecord>;
    const ids: string[] = [];
    records.forEach((record, index) => this.matchSeeded(object, record, index));
    for (const record of records) {
      for (const field of object.fields.values()) {
        if (record[field.name] !== undefined) continue;
        if (field.type === 'Checkbox') record[field.name] = field.defaultValue === true;
        else if (field.name === 'CreatedDate' || field.name === 'SystemModstamp' || field.name === 'LastModifiedDate') record[field.name] = now;
        else record[field.name] = null;
      }
      if (typeof record.Id !== 'string') record.Id = this.nextId(object);
      if (object.standard && object.fields.has('FirstName') && object.fields.has('Name') && record.Name === null) record.Name = personName(record);
      const previous = table.get(record.Id);
      this.commit({
        object,
        record: previous
          ? { ...previous, ...Object.fromEntries(Object.entries(record).filter(([key]) => key in (bodies[ids.length] ?? {}) || key === 'Id')) }
          : record,
        created: !previous,
      });
      ids.push(record.Id);
    }
    return ids;
  }

  /**
   * Seeded records that name no Id but the same thing as a stored record update it: a custom metadata
   * record by DeveloperName (a subscriber's deployment of a record with that name replaces its values;
   * a new name adds a subscriber's own record, no namespace, QualifiedApiName = DeveloperName, labels
   * defaulting to the name), and a UserLogin by UserId (every user has one, see `commit`).
   */
  private matchSeeded(object: ObjectDef, record: StoredRecord, index: number): void {
    if (typeof record.Id === 'string') return;
    if (object.customMetadata) {
      const name = record.DeveloperName;
      if (typeof name !== 'string')
        throw new ApiError(400, 'REQUIRED_FIELD_MISSING', `record ${index}: a custom metadata record needs its DeveloperName (or Id)`);
      const existing = this.records(object.name).find(
        (stored) => typeof stored.DeveloperName === 'string' && stored.DeveloperName.toLowerCase() === name.toLowerCase(),
      );
      if (existing) record.Id = existing.Id as string;
      else {
        record.MasterLabel ??= (record.Label as string | undefined) ?? name;
        record.Label ??= record.MasterLabel;
        record.QualifiedApiName ??= typeof record.NamespacePrefix === 'string' ? `${record.NamespacePrefix}__${name}` : name;
      }
    }
    if (object.name === 'UserLogin' && typeof record.UserId === 'string') {
      const existing = this.records('UserLogin').find((stored) => stored.UserId === record.UserId);
      if (existing) record.Id = existing.Id as string;
    }
  }

  /**
   * Deletes one record (sObject Rows DELETE) and frees its unique and external-id values. Returns
   * false when the object has no such record.
   */
  remove(objectName: string, id: string): boolean {
    const object = this.object(objectName);
    const table = object ? this.tables.get(object.name) : undefined;
    const record = table?.get(id);
    if (!object || !table || !record) return false;
    for (const field of object.fields.values()) {
      const value = record[field.name];
      if (isIndexed(field) && value !== null && value !== undefined) this.indexes.get(`${object.name}.${field.name}`)?.delete(indexKey(field, value));
    }
    table.delete(id);
    return true;
  }

  /** Removes every record of an object (the seeding API's reset). */
  clear(objectName: string): number {
    const object = this.object(objectName);
    if (!object) throw new ApiError(404, 'NOT_FOUND', `The emulator does not know the object ${objectName}`);
    const table = this.tables.get(object.name) as Map<string, StoredRecord>;
    const count = table.size;
    table.clear();
    for (const key of [...this.indexes.keys()]) if (key.startsWith(`${object.name}.`)) this.indexes.delete(key);
    return count;
  }

  private resolveReferences(object: ObjectDef, parsed: ParsedRecord, issues: RecordIssue[]): void {
    for (const reference of parsed.references) {
      const target = this.schema.get(reference.target) as ObjectDef;
      const field = target.fields.get(reference.externalIdField) as FieldDef;
      const id = this.findBy(target, field, reference.value);
      if (id) parsed.values.set(reference.field, id);
      else {
        issues.push({
          statusCode: 'INVALID_FIELD',
          message: `Foreign key external ID: ${reference.value} not found for field ${reference.externalIdField} in entity ${reference.target}`,
          fields: [],
        });
      }
    }
    for (const [name, value] of parsed.values) {
      const field = object.fields.get(name) as FieldDef;
      const target = field.referenceTo ? this.schema.get(field.referenceTo) : undefined;
      if (target && typeof value === 'string' && !this.get(target.name, value)) {
        issues.push({ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [name] });
      }
    }
  }

  private checkRequired(object: ObjectDef, record: StoredRecord, issues: RecordIssue[]): void {
    const missing = [...object.fields.values()]
      .filter((field) => field.required && field.writable && (record[field.name] === null || record[field.name] === undefined))
      .map((field) => field.name);
    if (missing.length > 0) {
      issues.push({ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing });
    }
  }

  private checkUnique(object: ObjectDef, record: StoredRecord, issues: RecordIssue[], claimed: Map<string, string>): void {
    for (const field of object.fields.values()) {
      const value = record[field.name];
      if (!field.unique || value === null || value === undefined) continue;
      const key = `${object.name}.${field.name}.${indexKey(field, value)}`;
      const holder = this.findBy(object, field, value) ?? claimed.get(key);
      if (holder && holder !== record.Id) {
        issues.push({
          statusCode: 'DUPLICATE_VALUE',
          message: `duplicate value found: ${field.name} duplicates value on record with id: ${holder}`,
          fields: [field.name],
        });
      } else {
        claimed.set(key, record.Id as string);
      }
    }
  }

  private commit({ object, record }: Pending): void {
    const table = this.tables.get(object.name) as Map<string, StoredRecord>;
    const previous = table.get(record.Id as string);
    for (const field of object.fields.values()) {
      if (!isIndexed(field)) continue;
      const index = this.indexes.get(`${object.name}.${field.name}`) ?? new Map<string, string>();
      this.indexes.set(`${object.name}.${field.name}`, index);
      const before = previous?.[field.name];
      if (before !== null && before !== undefined) index.delete(indexKey(field, before));
      const after = record[field.name];
      if (after !== null && after !== undefined) index.set(indexKey(field, after), record.Id as string);
    }
    if (!previous) this.created.set(record.Id as string, Date.now());
    table.set(record.Id as string, record);
    if (!previous && object.name === 'User') this.addUserLogin(record);
  }

  /**
   * The UserLogin a new user gets: the org keeps one per user (the object holds "the settings that affect
   * a user's ability to log into an organization"; IsFrozen and IsPasswordLocked are "Defaulted on
   * create", false), and the API cannot create one. A UserLogin seeded for the user first is kept.
   */
  private addUserLogin(user: StoredRecord): void {
    const object = this.schema.get('UserLogin');
    if (!object || this.records('UserLogin').some((login) => login.UserId === user.Id)) return;
    const now = systemTimestamp();
    const login: StoredRecord = {
      Id: this.nextId(object),
      UserId: user.Id as string,
      IsFrozen: false,
      IsPasswordLocked: false,
      LastModifiedDate: now,
      LastModifiedById: user.Id as string,
    };
    this.commit({ object, record: login, created: true });
  }

  /**
   * Publishes one platform event message: the custom fields as parsed, and the fields the event bus
   * sets (ReplayId, EventUuid, CreatedDate, CreatedById). Returns the message as subscribers see it.
   */
  publish(object: ObjectDef, parsed: ParsedRecord, userId: string): StoredRecord {
    const published = this.events.get(object.name) ?? [];
    this.events.set(object.name, published);
    const message: StoredRecord = {};
    for (const field of object.fields.values()) message[field.name] = field.type === 'Checkbox' ? field.defaultValue === true : null;
    Object.assign(message, Object.fromEntries(parsed.values), {
      ReplayId: String(published.length + 1),
      EventUuid: randomUUID(),
      CreatedDate: formatDateTime(new Date()),
      CreatedById: userId,
    });
    published.push(message);
    return { ...message };
  }

  /** Copies of the messages published on a platform event, oldest first. */
  published(eventName: string): StoredRecord[] {
    const object = this.object(eventName);
    return object ? (this.events.get(object.name) ?? []).map((message) => ({ ...message })) : [];
  }

  /** When a record was first written, epoch milliseconds: for latency measurements, finer than CreatedDate. */
  createdAtMs(id: string): number | undefined {
    return this.created.get(id);
  }
}

const personName = (record: StoredRecord): string => [record.FirstName, record.LastName].filter((part) => typeof part === 'string' && part !== '').join(' ');

/** Now, to the second: Salesforce keeps CreatedDate, LastModifiedDate and SystemModstamp without milliseconds. */
const systemTimestamp = (): string => formatDateTime(new Date(Math.floor(Date.now() / 1_000) * 1_000));

const formatAutoNumber = (format: string, counter: number): string =>
  format.replace(/\{(0+)\}/, (_match, zeros: string) => String(counter).padStart(zeros.length, '0'));

/** Builds the save requests of a `composite/sobjects` body, refusing what the REST API refuses. */
export const collectionRecords = (body: unknown): { allOrNone: boolean; records: Record<string, unknown>[] } => {
  if (body === null || typeof body !== 'object' || !Array.isArray((body as { records?: unknown }).records)) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'The request body must be an object with a records array');
  }
  const { allOrNone, records } = body as { allOrNone?: unknown; records: unknown[] };
  if (records.length > 200) {
    throw new ApiError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
  }
  if (records.some((record) => record === null || typeof record !== 'object' || Array.isArray(record))) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'Each record must be a JSON object');
  }
  return { allOrNone: allOrNone === true, records: records as Record<string, unknown>[] };
};
