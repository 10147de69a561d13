import type { FieldDef, ObjectDef, Schema } from './metadata.js';
import type { OrgStore, StoredRecord } from './store.js';

/** Objects the emulator derives from the schema rather than stores: they describe, and are not described. */
const DESCRIBING = new Set(['EntityDefinition', 'FieldDefinition']);

/**
 * Data Sensitivity Level values: the FieldSecurityClassification picklist's defaults ("Public,
 * Internal, Confidential, Restricted, MissionCritical", Object Reference).
 */
const SECURITY_CLASSIFICATIONS: readonly string[] = ['Public', 'Internal', 'Confidential', 'Restricted', 'MissionCritical'];
/** Compliance Categorization values the emulated org has (an org's admin may add others; this one has these). */
const COMPLIANCE_GROUPS: readonly string[] = ['PII', 'GDPR', 'CCPA', 'HIPAA', 'PCI', 'COPPA'];

/** System fields every object has; Metadata API "CustomField": system fields are not supported. */
const SYSTEM_FIELDS = new Set(['Id', 'CreatedById', 'CreatedDate', 'LastModifiedById', 'LastModifiedDate', 'SystemModstamp', 'IsDeleted']);

const namespaceOf = (name: string): string | null => /^([A-Za-z][A-Za-z0-9]*)__[A-Za-z][A-Za-z0-9_]*__(?:c|e|mdt)$/.exec(name)?.[1] ?? null;

/** The EntityDefinition and FieldDefinition rows of a schema, unclassified. */
export function definitionRecords(schema: Schema): { entities: StoredRecord[]; fields: StoredRecord[] } {
  const entities: StoredRecord[] = [];
  const fields: StoredRecord[] = [];
  for (const object of schema.values()) {
    if (object.event || DESCRIBING.has(object.name)) continue;
    entities.push({
      Id: object.name,
      DurableId: object.name,
      QualifiedApiName: object.name,
      DeveloperName: object.name.replace(/^[A-Za-z][A-Za-z0-9]*__(?=.*__(?:c|mdt)$)/, '').replace(/__(?:c|mdt)$/, ''),
      Label: object.label,
      KeyPrefix: object.keyPrefix,
      NamespacePrefix: namespaceOf(object.name),
    });
    for (const field of object.fields.values()) {
      fields.push({
        Id: `${object.name}.${field.name}`,
        DurableId: `${object.name}.${field.name}`,
        QualifiedApiName: field.name,
        DeveloperName: field.name.replace(/^[A-Za-z][A-Za-z0-9]*__(?=.*__c$)/, '').replace(/__c$/, ''),
        Label: field.label,
        DataType: field.type,
        NamespacePrefix: namespaceOf(field.name),
        EntityDefinitionId: object.name,
        SecurityClassification: null,
        ComplianceGroup: null,
      });
    }
  }
  return { entities, fields };
}

/** A field the Metadata API's CustomField type covers. */
export interface MetadataField {
  object: ObjectDef;
  field: FieldDef;
  fullName: string;
  custom: boolean;
}

/**
 * The field a CustomField full name (`Object.Field`) names, when the Metadata API supports it:
 * custom fields, and the standard fields of standard objects that an admin can customize. System
 * fields (CreatedById, LastModifiedDate, …), auto-number and other read-only fields, the standard
 * fields of custom objects and every field of a read-only object are not supported ("CustomField",
 * Metadata API Developer Guide).
 */
export function metadataField(store: OrgStore, fullName: string): MetadataField | undefined {
  const dot = fullName.indexOf('.');
  if (dot <= 0) return undefined;
  const object = store.object(fullName.slice(0, dot));
  if (!object || object.event || DESCRIBING.has(object.name)) return undefined;
  const fieldName = object.fieldsByLowerName.get(fullName.slice(dot + 1).toLowerCase());
  const field = fieldName ? object.fields.get(fieldName) : undefined;
  if (!field) return undefined;
  const custom = field.name.endsWith('__c');
  const supported = custom || (object.standard?.createable === true && field.writable && !SYSTEM_FIELDS.has(field.name));
  return supported ? { object, field, fullName: `${object.name}.${field.name}`, custom } : undefined;
}

/** The classification a field has now (FieldDefinition). */
export function classificationOf(store: OrgStore, target: MetadataField): { securityClassification: string | null; complianceGroup: string | null } {
  const row = store.get('FieldDefinition', target.fullName);
  return {
    securityClassification: typeof row?.SecurityClassification === 'string' ? row.SecurityClassification : null,
    complianceGroup: typeof row?.ComplianceGroup === 'string' ? row.ComplianceGroup : null,
  };
}

/** Problems with classification values, as the save's errors would name them; empty when valid. */
export function classificationProblems(securityClassification: string | null, complianceGroup: string | null): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  if (securityClassification !== null && !SECURITY_CLASSIFICATIONS.includes(securityClassification)) {
    problems.push({ field: 'securityClassification', message: `Data Sensitivity Level: bad value for restricted picklist field: ${securityClassification}` });
  }
  for (const group of complianceGroup?.split(';') ?? []) {
    if (!COMPLIANCE_GROUPS.includes(group))
      problems.push({ field: 'complianceGroup', message: `Compliance Categorization: bad value for restricted picklist field: ${group}` });
  }
  return problems;
}

/** Sets a field's classification, as FieldDefinition then shows it (null clears). */
export function setClassification(store: OrgStore, target: MetadataField, securityClassification: string | null, complianceGroup: string | null): void {
  store.updateDerived('FieldDefinition', target.fullName, { SecurityClassification: securityClassification, ComplianceGroup: complianceGroup });
}
