import { API_NAME } from '../contract/api-name.js';
import { ENTITY_TYPES, type EntityType } from '../contract/entities.js';
import type { OrgRecord } from '../writeback/client.js';
import { complianceList, type Classification } from './levels.js';

/** What reading the org needs: a SOQL query (REST `query`, every page). */
export interface OrgQuery {
  query<T extends OrgRecord = OrgRecord>(soql: string): Promise<T[]>;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(ENTITY_TYPES);

/**
 * The entity types found per field, from the org's `PiiFinding__c` records, aggregated in the org
 * (GROUP BY): the records the package keeps are the complete history across replicas and restarts,
 * while the sidecar's outbox holds only what it still has to write. Findings of verdicts a reviewer
 * marked as false positives do not count. Keys are `Object.Field`.
 */
const FINDINGS_SOQL =
  'SELECT ObjectName__c, FieldName__c, EntityType__c, COUNT(Id) findings FROM PiiFinding__c ' +
  "WHERE ObjectName__c != null AND FieldName__c != null AND LeakVerdict__r.Status__c != 'FalsePositive' " +
  'GROUP BY ObjectName__c, FieldName__c, EntityType__c LIMIT 2000';

interface FieldFindings {
  object: string;
  field: string;
  types: Set<EntityType>;
}

export async function fieldFindings(org: OrgQuery): Promise<FieldFindings[]> {
  const rows = await org.query<{ ObjectName__c?: unknown; FieldName__c?: unknown; EntityType__c?: unknown }>(FINDINGS_SOQL);
  const byField = new Map<string, FieldFindings>();
  for (const row of rows) {
    const { ObjectName__c: object, FieldName__c: field, EntityType__c: type } = row;
    if (typeof object !== 'string' || typeof field !== 'string' || typeof type !== 'string') continue;
    if (!API_NAME.test(object) || !API_NAME.test(field) || !KNOWN_TYPES.has(type)) continue;
    const key = `${object}.${field}`.toLowerCase();
    const entry = byField.get(key) ?? { object, field, types: new Set<EntityType>() };
    entry.types.add(type as EntityType);
    byField.set(key, entry);
  }
  return [...byField.values()];
}

/**
 * The classification of an object's fields, by lower-cased field API name, from `FieldDefinition`.
 * FieldDefinition must be queried one object at a time (a filter on its EntityDefinition), and takes
 * no OR, NOT, IN or LIMIT: the Tooling API's "SOQL Operation Limitations".
 */
export async function fieldClassifications(org: OrgQuery, object: string): Promise<Map<string, Classification & { name: string }>> {
  if (!API_NAME.test(object)) throw new TypeError(`not an object API name: ${object}`);
  const rows = await org.query<{ QualifiedApiName?: unknown; SecurityClassification?: unknown; ComplianceGroup?: unknown }>(
    `SELECT QualifiedApiName, SecurityClassification, ComplianceGroup FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName = '${object}'`,
  );
  const fields = new Map<string, Classification & { name: string }>();
  for (const row of rows) {
    if (typeof row.QualifiedApiName !== 'string') continue;
    fields.set(row.QualifiedApiName.toLowerCase(), {
      name: row.QualifiedApiName,
      sensitivity: typeof row.SecurityClassification === 'string' && row.SecurityClassification !== '' ? row.SecurityClassification : null,
      compliance: complianceList(row.ComplianceGroup),
    });
  }
  return fields;
}

/** A FieldClassification__c record as the sidecar reads it back. */
export interface StoredSuggestion {
  FieldKey__c: string;
  ObjectName__c?: string | null;
  FieldName__c?: string | null;
  Status__c?: string | null;
  PiiTypes__c?: string | null;
  SuggestedSensitivity__c?: string | null;
  SuggestedCompliance__c?: string | null;
  CurrentSensitivity__c?: string | null;
  CurrentCompliance__c?: string | null;
  Reason__c?: string | null;
}

const SUGGESTION_FIELDS =
  'FieldKey__c, ObjectName__c, FieldName__c, Status__c, PiiTypes__c, SuggestedSensitivity__c, SuggestedCompliance__c, CurrentSensitivity__c, CurrentCompliance__c, Reason__c';

/** The org's suggestions, by lower-cased field key (FieldKey__c is unique without regard to case). */
export async function storedSuggestions(org: OrgQuery): Promise<Map<string, StoredSuggestion>> {
  const rows = await org.query<StoredSuggestion & OrgRecord>(`SELECT ${SUGGESTION_FIELDS} FROM FieldClassification__c`);
  return new Map(rows.filter((r) => typeof r.FieldKey__c === 'string').map((r) => [r.FieldKey__c.toLowerCase(), r]));
}

/** Suggestions an admin approved, oldest key first, at most `limit` per poll. */
export async function approvedSuggestions(org: OrgQuery, limit: number): Promise<StoredSuggestion[]> {
  return org.query<StoredSuggestion & OrgRecord>(
    `SELECT ${SUGGESTION_FIELDS} FROM FieldClassification__c WHERE Status__c = 'Approved' ORDER BY FieldKey__c LIMIT ${Math.max(1, Math.floor(limit))}`,
  );
}
