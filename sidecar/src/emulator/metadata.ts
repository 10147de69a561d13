import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { namespacer, type Namespacer } from '../writeback/namespace.js';
import { standardObjects } from './standard-objects.js';

export type FieldType =
  | 'Id'
  | 'Text'
  | 'TextArea'
  | 'LongTextArea'
  | 'Html'
  | 'Email'
  | 'Phone'
  | 'Url'
  | 'Picklist'
  | 'MultiselectPicklist'
  | 'Number'
  | 'Percent'
  | 'Currency'
  | 'Checkbox'
  | 'Date'
  | 'DateTime'
  | 'Lookup'
  | 'MasterDetail'
  | 'AutoNumber';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length?: number;
  precision?: number;
  scale?: number;
  required: boolean;
  unique: boolean;
  externalId: boolean;
  caseSensitive: boolean;
  writable: boolean;
  /** Allowed values of a restricted picklist; undefined when any value is accepted. */
  picklistValues?: string[];
  defaultValue?: string | boolean;
  referenceTo?: string;
  /** `Parent__r` for a custom lookup `Parent__c` (the metadata's relationshipName names the child side). */
  relationshipName?: string;
  /** An auto-number's format, e.g. `LV-{000000}`. */
  displayFormat?: string;
}

export interface ObjectDef {
  name: string;
  label: string;
  /** Three-character record id prefix, assigned in load order. */
  keyPrefix: string;
  fields: Map<string, FieldDef>;
  /** Lower-cased field name → canonical field name. */
  fieldsByLowerName: Map<string, string>;
  /** Relationship name (`LeakVerdict__r`) → lookup field name. */
  relationships: Map<string, string>;
  /**
   * Set for standard objects (`standard-objects.ts`): which of create(), update() and delete() the
   * Object Reference lists among the object's Supported Calls.
   */
  standard?: { createable: boolean; updateable: boolean; deletable: boolean };
  /** Set for platform events (`__e`): published with a create call, never stored, never queried. */
  event?: true;
  /** Set for custom metadata types (`__mdt`): records are deployed with the package, queried, never written by DML. */
  customMetadata?: true;
  /**
   * Set for custom objects (`__c`): the object-level elements of its `.object-meta.xml` that the
   * Metadata API's CustomObject component carries and the emulator serves (`sharing.ts`).
   */
  customObject?: CustomObjectDefinition;
}

/** Object-level elements of a custom object's source file (Metadata API "CustomObject"); absent when the file has none. */
interface CustomObjectDefinition {
  pluralLabel?: string;
  deploymentStatus?: string;
  enableSharing?: boolean;
  sharingModel?: string;
  externalSharingModel?: string;
}

export type Schema = Map<string, ObjectDef>;

const TEXT_LENGTHS: Partial<Record<FieldType, number>> = {
  TextArea: 255,
  Email: 80,
  Phone: 40,
  Url: 255,
  Picklist: 255,
  MultiselectPicklist: 4099,
};

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'value' || name === 'referenceTo',
});

type Xml = Record<string, unknown>;

const text = (node: Xml, key: string): string | undefined => {
  const value = node[key];
  return typeof value === 'string' ? value : undefined;
};
const flag = (node: Xml, key: string): boolean => text(node, key) === 'true';
const int = (node: Xml, key: string): number | undefined => {
  const value = text(node, key);
  return value === undefined ? undefined : Number.parseInt(value, 10);
};

const standardFields = (nameField: FieldDef): FieldDef[] => {
  const system = (name: string, type: FieldType, referenceTo?: string): FieldDef => ({
    name,
    label: name,
    type,
    required: false,
    unique: false,
    externalId: false,
    caseSensitive: false,
    writable: false,
    // `CreatedBy.Username`, `Owner.Username`: the standard relationships every custom object has.
    ...(referenceTo ? { referenceTo, relationshipName: name.replace(/Id$/, '') } : {}),
  });
  return [
    system('Id', 'Id'),
    nameField,
    system('CreatedDate', 'DateTime'),
    system('LastModifiedDate', 'DateTime'),
    system('SystemModstamp', 'DateTime'),
    system('CreatedById', 'Lookup', 'User'),
    system('LastModifiedById', 'Lookup', 'User'),
    system('OwnerId', 'Lookup', 'User'),
    system('IsDeleted', 'Checkbox'),
  ];
};

const parseNameField = (node: Xml | undefined): FieldDef => {
  const type = node && text(node, 'type') === 'AutoNumber' ? 'AutoNumber' : 'Text';
  return {
    name: 'Name',
    label: (node && text(node, 'label')) ?? 'Name',
    type,
    length: 80,
    required: false,
    unique: false,
    externalId: false,
    caseSensitive: false,
    writable: type === 'Text',
    ...(type === 'AutoNumber' ? { displayFormat: (node && text(node, 'displayFormat')) ?? '{0}' } : {}),
  };
};

const parsePicklist = (node: Xml): Pick<FieldDef, 'picklistValues' | 'defaultValue'> => {
  const valueSet = node.valueSet as Xml | undefined;
  const definition = valueSet?.valueSetDefinition as Xml | undefined;
  const values = (definition?.value as Xml[] | undefined) ?? [];
  const restricted = valueSet ? flag(valueSet, 'restricted') : false;
  const fallback = values.find((value) => flag(value, 'default'));
  return {
    ...(restricted ? { picklistValues: values.map((value) => text(value, 'fullName') ?? '') } : {}),
    ...(fallback ? { defaultValue: text(fallback, 'fullName') } : {}),
  };
};

/** Parses one `<Field>.field-meta.xml` document into a field definition. */
const parseField = (xml: string, fileName: string): FieldDef => {
  const node = (parser.parse(xml) as Xml).CustomField as Xml | undefined;
  if (!node) throw new Error(`${fileName}: not a CustomField document`);
  const name = text(node, 'fullName') ?? basename(fileName).replace(/\.field-meta\.xml$/, '');
  const type = text(node, 'type') as FieldType | undefined;
  if (!type) throw new Error(`${fileName}: field ${name} has no type`);
  const isReference = type === 'Lookup' || type === 'MasterDetail';
  const referenceTo = (node.referenceTo as string[] | undefined)?.[0];
  const defaultText = text(node, 'defaultValue');
  const field: FieldDef = {
    name,
    label: text(node, 'label') ?? name,
    type,
    required: flag(node, 'required') || type === 'MasterDetail',
    unique: flag(node, 'unique'),
    externalId: flag(node, 'externalId'),
    caseSensitive: flag(node, 'caseSensitive'),
    writable: type !== 'AutoNumber',
    ...(type === 'AutoNumber' ? { displayFormat: text(node, 'displayFormat') ?? '{0}' } : {}),
    ...(type === 'Picklist' || type === 'MultiselectPicklist' ? parsePicklist(node) : {}),
  };
  const length = int(node, 'length') ?? TEXT_LENGTHS[type];
  if (length !== undefined) field.length = length;
  const precision = int(node, 'precision');
  if (precision !== undefined) field.precision = precision;
  const scale = int(node, 'scale');
  if (scale !== undefined) field.scale = scale;
  if (type === 'Checkbox') field.defaultValue = defaultText === 'true';
  if (isReference && referenceTo) {
    field.referenceTo = referenceTo;
    field.relationshipName = name.replace(/__c$/, '__r');
  }
  return field;
};

const keyPrefixFor = (index: number): string => {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return `a${alphabet[Math.floor(index / 62) % 62]}${alphabet[index % 62]}`;
};

const findObjectFiles = async (root: string, suffix: '__c' | '__e' | '__mdt'): Promise<string[]> => {
  const entries = await readdir(root, { recursive: true });
  return entries
    .filter((entry) => entry.endsWith(`${suffix}.object-meta.xml`) && entry.split(sep).includes('objects'))
    .map((entry) => join(root, entry))
    .sort();
};

/** `objects/<Standard>/fields/*.field-meta.xml`: the package's custom fields on a standard object (no object file). */
const findStandardObjectFields = async (root: string, standard: ReadonlySet<string>): Promise<Array<{ object: string; file: string }>> => {
  const entries = await readdir(root, { recursive: true });
  return entries
    .map((entry) => entry.split(sep))
    .filter(
      (parts) =>
        parts.length >= 4 &&
        parts.at(-4) === 'objects' &&
        parts.at(-2) === 'fields' &&
        standard.has(parts.at(-3) as string) &&
        (parts.at(-1) as string).endsWith('.field-meta.xml'),
    )
    .map((parts) => ({ object: parts.at(-3) as string, file: join(root, ...parts) }))
    .sort((a, b) => a.file.localeCompare(b.file));
};

/**
 * The custom field types a platform event may have ("Platform Event Fields": Checkbox, Date, Date/Time,
 * Number, Text, Text Area (Long));
 * https://developer.salesforce.com/docs/atlas.en-us.platform_events.meta/platform_events/platform_events_define_ui.htm
 */
const EVENT_FIELD_TYPES: ReadonlySet<FieldType> = new Set(['Checkbox', 'Date', 'DateTime', 'Number', 'Text', 'LongTextArea']);

/** What every platform event carries besides its custom fields, all set by the event bus. */
const eventSystemFields = (): FieldDef[] =>
  (
    [
      ['ReplayId', 'Text'],
      ['EventUuid', 'Text'],
      ['CreatedDate', 'DateTime'],
      ['CreatedById', 'Lookup'],
    ] as Array<[string, FieldType]>
  ).map(([name, type]) => ({
    name,
    label: name,
    type,
    required: false,
    unique: false,
    externalId: false,
    caseSensitive: false,
    writable: false,
    ...(type === 'Lookup' ? { referenceTo: 'User' } : {}),
  }));

const objectDef = (name: string, label: string, keyPrefix: string, fields: FieldDef[]): ObjectDef => ({
  name,
  label,
  keyPrefix,
  fields: new Map(fields.map((field) => [field.name, field])),
  fieldsByLowerName: new Map(fields.map((field) => [field.name.toLowerCase(), field.name])),
  relationships: new Map(fields.filter((field) => field.relationshipName).map((field) => [field.relationshipName as string, field.name])),
});

const readFields = async (fieldsDir: string, names: Namespacer): Promise<FieldDef[]> => {
  const fieldFiles = await readdir(fieldsDir).catch(() => [] as string[]);
  const fields: FieldDef[] = [];
  for (const fieldFile of fieldFiles.filter((file) => file.endsWith('.field-meta.xml')).sort()) {
    fields.push(qualifyField(parseField(await readFile(join(fieldsDir, fieldFile), 'utf8'), fieldFile), names));
  }
  return fields;
};

const qualifyField = (field: FieldDef, names: Namespacer): FieldDef => ({
  ...field,
  name: names.qualify(field.name),
  ...(field.referenceTo ? { referenceTo: names.qualify(field.referenceTo) } : {}),
  ...(field.relationshipName ? { relationshipName: names.qualify(field.relationshipName) } : {}),
});

/**
 * Loads the standard objects the sidecar reads (`standard-objects.ts`) with the package's custom fields
 * on them (`objects/Case/fields/…`), every custom object (`__c`, source format) under `root` with its
 * fields, every platform event (`__e`) and every custom metadata type (`__mdt`), into a schema.
 * With a namespace, custom names are spelled as a subscriber org of the managed package sees them.
 */
export const loadSchema = async (root: string, namespace?: string): Promise<Schema> => {
  const names = namespacer(namespace);
  const schema: Schema = new Map(standardObjects().map((object) => [object.name, object]));
  for (const [index, objectFile] of (await findObjectFiles(root, '__c')).entries()) {
    const name = names.qualify(basename(objectFile).replace(/\.object-meta\.xml$/, ''));
    const node = (parser.parse(await readFile(objectFile, 'utf8')) as Xml).CustomObject as Xml | undefined;
    if (!node) throw new Error(`${objectFile}: not a CustomObject document`);
    const fields = [...standardFields(parseNameField(node.nameField as Xml | undefined)), ...(await readFields(join(dirname(objectFile), 'fields'), names))];
    const customObject: CustomObjectDefinition = {
      ...(text(node, 'pluralLabel') !== undefined ? { pluralLabel: text(node, 'pluralLabel') } : {}),
      ...(text(node, 'deploymentStatus') !== undefined ? { deploymentStatus: text(node, 'deploymentStatus') } : {}),
      ...(text(node, 'enableSharing') !== undefined ? { enableSharing: flag(node, 'enableSharing') } : {}),
      ...(text(node, 'sharingModel') !== undefined ? { sharingModel: text(node, 'sharingModel') } : {}),
      ...(text(node, 'externalSharingModel') !== undefined ? { externalSharingModel: text(node, 'externalSharingModel') } : {}),
    };
    schema.set(name, { ...objectDef(name, text(node, 'label') ?? name, keyPrefixFor(index), fields), customObject });
  }
  for (const objectFile of await findObjectFiles(root, '__e')) {
    const name = names.qualify(basename(objectFile).replace(/\.object-meta\.xml$/, ''));
    const node = (parser.parse(await readFile(objectFile, 'utf8')) as Xml).CustomObject as Xml | undefined;
    if (!node) throw new Error(`${objectFile}: not a CustomObject document`);
    const custom = await readFields(join(dirname(objectFile), 'fields'), names);
    const wrong = custom.find((field) => !EVENT_FIELD_TYPES.has(field.type));
    if (wrong) throw new Error(`${objectFile}: platform event field ${wrong.name} is a ${wrong.type}; events take only ${[...EVENT_FIELD_TYPES].join(', ')}`);
    // Platform event ids start with e00, as in the publish examples ("e00xx000000000B").
    schema.set(name, { ...objectDef(name, text(node, 'label') ?? name, 'e00', [...eventSystemFields(), ...custom]), event: true });
  }
  for (const [index, objectFile] of (await findObjectFiles(root, '__mdt')).entries()) {
    const name = qualifyType(basename(objectFile).replace(/\.object-meta\.xml$/, ''), namespace);
    const node = (parser.parse(await readFile(objectFile, 'utf8')) as Xml).CustomObject as Xml | undefined;
    if (!node) throw new Error(`${objectFile}: not a CustomObject document`);
    const fields = [...customMetadataStandardFields(), ...(await readFields(join(dirname(objectFile), 'fields'), names))];
    schema.set(name, { ...objectDef(name, text(node, 'label') ?? name, mdtKeyPrefixFor(index), fields), customMetadata: true });
  }
  const standard = new Set([...schema.values()].filter((object) => object.standard).map((object) => object.name));
  for (const { object, file } of await findStandardObjectFields(root, standard)) {
    const target = schema.get(object) as ObjectDef;
    const field = qualifyField(parseField(await readFile(file, 'utf8'), basename(file)), names);
    target.fields.set(field.name, field);
    target.fieldsByLowerName.set(field.name.toLowerCase(), field.name);
    if (field.relationshipName) target.relationships.set(field.relationshipName, field.name);
  }
  return schema;
};

/**
 * A custom metadata type's name as a subscriber org spells it: `leakwatch__ContainmentPlaybook__mdt`.
 * The writeback namespacer qualifies `__c`, `__r` and `__e` names only, so `__mdt` is qualified here
 * the same way (a name that already carries a namespace passes through).
 */
const qualifyType = (name: string, namespace: string | undefined): string =>
  namespace && !/^[A-Za-z][A-Za-z0-9]*__[A-Za-z][A-Za-z0-9_]*__mdt$/.test(name) ? `${namespace}__${name}` : name;

/**
 * Key prefixes of custom metadata types. Salesforce gives each type its own `m`-prefix (`m00`, `m01`, …);
 * which one a type gets is not documented, so these (`m0` and a base-62 digit in load order) are the
 * emulator's.
 */
const mdtKeyPrefixFor = (index: number): string => `m0${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[index % 62]}`;

/**
 * The standard fields of a custom metadata type's records that the emulator serves (Object Reference,
 * "Custom Metadata Type__mdt"): Id, DeveloperName (the record's name, unique in its namespace),
 * MasterLabel and Label (the record's label; Label mirrors MasterLabel), NamespacePrefix (the package's
 * namespace for records it installed, null for a subscriber's own) and QualifiedApiName (DeveloperName
 * with that namespace, `leakwatch__CriticalVolume`). All are read-only through the API, as every field
 * of a custom metadata record is to DML. No lengths are enforced: the seeding API is their only writer.
 */
const customMetadataStandardFields = (): FieldDef[] =>
  (
    [
      ['Id', 'Id'],
      ['DeveloperName', 'Text'],
      ['MasterLabel', 'Text'],
      ['Label', 'Text'],
      ['NamespacePrefix', 'Text'],
      ['QualifiedApiName', 'Text'],
    ] as Array<[string, FieldType]>
  ).map(([name, type]) => ({ name, label: name, type, required: false, unique: false, externalId: false, caseSensitive: false, writable: false }));

/** One custom metadata record as the package's source holds it, typed, with the type it belongs to. */
interface CustomMetadataRecord {
  /** The type's API name as the org spells it (`ContainmentPlaybook__mdt`, namespaced when asked). */
  type: string;
  record: Record<string, string | number | boolean | null>;
}

const recordParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === 'values',
});

/**
 * A `<value xsi:type="xsd:…">` of a CustomMetadata document typed as the Metadata API's CustomMetadataValue
 * says: `xsd:boolean` a boolean, `xsd:double`/`xsd:int`/`xsd:long` a number, anything else (string,
 * date, dateTime, picklist values) text; `xsi:nil="true"` and an empty value are null.
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_custommetadata.htm
 */
const typedValue = (value: unknown): string | number | boolean | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') return value === '' ? null : String(value);
  const node = value as Xml;
  if (node['@_nil'] === 'true') return null;
  const raw = typeof node['#text'] === 'string' ? node['#text'] : '';
  if (raw === '') return null;
  const type = String(node['@_type'] ?? '').replace(/^.*:/, '');
  if (type === 'boolean') return raw === 'true';
  if (type === 'double' || type === 'int' || type === 'long' || type === 'decimal') return Number(raw);
  return raw;
};

/**
 * Reads every custom metadata record of the package (`customMetadata/<Type>.<DeveloperName>.md-meta.xml`,
 * source format) under `root`, for the types in `schema`. Field names are qualified as the type's fields
 * are; NamespacePrefix and QualifiedApiName carry the namespace when one is given, as records a managed
 * package installed do. A record of an unknown type, or naming a field its type does not have, stops the
 * emulator at start.
 */
export const loadCustomMetadataRecords = async (root: string, schema: Schema, namespace?: string): Promise<CustomMetadataRecord[]> => {
  const names = namespacer(namespace);
  const entries = await readdir(root, { recursive: true });
  const files = entries.filter((entry) => entry.endsWith('.md-meta.xml') && entry.split(sep).at(-2) === 'customMetadata').sort();
  const records: CustomMetadataRecord[] = [];
  for (const entry of files) {
    const file = join(root, entry);
    const match = /^(.+?)\.(.+)\.md-meta\.xml$/.exec(basename(file));
    if (!match) throw new Error(`${file}: not named <Type>.<DeveloperName>.md-meta.xml`);
    const [, typeName, developerName] = match as unknown as [string, string, string];
    const type = qualifyType(`${typeName}__mdt`, namespace);
    const object = schema.get(type);
    if (!object?.customMetadata) throw new Error(`${file}: no custom metadata type ${type}`);
    const node = (recordParser.parse(await readFile(file, 'utf8')) as Xml).CustomMetadata as Xml | undefined;
    if (!node) throw new Error(`${file}: not a CustomMetadata document`);
    const label = typeof node.label === 'string' && node.label !== '' ? node.label : developerName;
    const bareName = developerName.replace(/^[A-Za-z][A-Za-z0-9]*__/, '');
    const record: CustomMetadataRecord['record'] = {
      DeveloperName: bareName,
      MasterLabel: label,
      Label: label,
      NamespacePrefix: namespace ?? null,
      QualifiedApiName: namespace ? `${namespace}__${bareName}` : bareName,
    };
    for (const value of (node.values as Xml[] | undefined) ?? []) {
      const fieldName = names.qualify(String(value.field ?? ''));
      const canonical = object.fieldsByLowerName.get(fieldName.toLowerCase());
      if (!canonical || !canonical.endsWith('__c')) throw new Error(`${file}: ${type} has no field ${fieldName}`);
      record[canonical] = typedValue(value.value);
    }
    records.push({ type, record });
  }
  return records;
};
