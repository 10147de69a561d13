import type { CoverageWriter } from '../collect/publish-coverage.js';
import { joinedText, text } from '../verdicts/field-values.js';
import type { MetadataRecord, MetadataSaveResult } from '../writeback/client.js';
import { complianceList, rankOf, SENSITIVITY_LEVELS, stricterLevel, unitedCompliance, type SensitivityLevel } from './levels.js';
import { API_NAME } from '../contract/api-name.js';
import { approvedSuggestions, type OrgQuery, type StoredSuggestion } from './org-reads.js';
import { CLASSIFICATION_STATUS } from './suggestion.js';

/** What applying needs of the org's client: queries, an upsert, and the Metadata API's read and update. */
export interface ApplyClient extends OrgQuery, CoverageWriter {
  readMetadata(type: string, fullNames: string[]): Promise<Array<MetadataRecord | undefined>>;
  updateMetadata(type: string, components: MetadataRecord[]): Promise<MetadataSaveResult[]>;
}

/** Approved suggestions applied per poll: each costs two Metadata API calls. */
const APPLY_BATCH = 50;

/** Save-result codes worth another try at the next poll (the org was busy), as the REST write-back treats them. */
const RETRYABLE_SAVE_CODES: ReadonlySet<string> = new Set(['UNABLE_TO_LOCK_ROW', 'UNKNOWN_EXCEPTION', 'REQUEST_LIMIT_EXCEEDED', 'SERVER_UNAVAILABLE']);

type ApplyOutcome = 'applied' | 'current' | 'failed' | 'retry';

interface AppliedSuggestions {
  outcomes: Array<{ fieldKey: string; outcome: ApplyOutcome; errorCode?: string }>;
  /** Outcome records the org refused to take (they stay Approved and are applied again next poll). */
  unrecorded: Array<{ fieldKey: string; errorCode: string }>;
}

/** The org's code and message, cut to LastError__c: Metadata API messages name components, never record values. */
const lastError = (code: string, message: string): string => text(`${code}: ${message}`, 255) as string;

const isLevel = (value: unknown): value is SensitivityLevel => typeof value === 'string' && (SENSITIVITY_LEVELS as readonly string[]).includes(value);

interface Applied {
  outcome: ApplyOutcome;
  fields?: Record<string, unknown>;
  errorCode?: string;
}

/**
 * Applies one approved suggestion: reads the field's CustomField metadata, raises its
 * securityClassification and adds the complianceGroup categories (never lowering what the field
 * has, even if it changed since the suggestion), and writes the whole component back, so that
 * nothing else of the field changes. Applied only when updateMetadata reports success.
 */
async function applyOne(org: ApplyClient, suggestion: StoredSuggestion, now: Date): Promise<Applied> {
  const object = suggestion.ObjectName__c ?? '';
  const field = suggestion.FieldName__c ?? '';
  if (!API_NAME.test(object) || !API_NAME.test(field) || !isLevel(suggestion.SuggestedSensitivity__c)) {
    return {
      outcome: 'failed',
      errorCode: 'INVALID_SUGGESTION',
      fields: {
        Status__c: CLASSIFICATION_STATUS.failed,
        LastError__c: 'INVALID_SUGGESTION: the object, field or suggested level is not one Leakwatch can apply',
      },
    };
  }
  const fullName = `${object}.${field}`;
  try {
    const [component] = await org.readMetadata('CustomField', [fullName]);
    if (!component) {
      return {
        outcome: 'failed',
        errorCode: 'NOT_FOUND',
        fields: {
          Status__c: CLASSIFICATION_STATUS.failed,
          LastError__c: lastError(
            'NOT_FOUND',
            `readMetadata returned no CustomField ${fullName}: a system or other standard field the Metadata API does not support, or a deleted field`,
          ),
        },
      };
    }
    const currentLevel =
      typeof component.securityClassification === 'string' && component.securityClassification !== '' ? component.securityClassification : null;
    const currentGroups = complianceList(component.complianceGroup);
    const level = rankOf(currentLevel) === undefined ? (currentLevel as string) : stricterLevel(currentLevel, suggestion.SuggestedSensitivity__c);
    const groups = unitedCompliance(currentGroups, complianceList(suggestion.SuggestedCompliance__c));
    const current = { CurrentSensitivity__c: text(level, 40), CurrentCompliance__c: joinedText(groups, 255), LastError__c: null };
    if (level === currentLevel && groups.length === currentGroups.length) {
      // The field already has it (an admin set it in Setup meanwhile): nothing to apply.
      return { outcome: 'current', fields: { Status__c: CLASSIFICATION_STATUS.current, ...current } };
    }
    const [result] = await org.updateMetadata('CustomField', [
      { ...component, securityClassification: level, ...(groups.length > 0 ? { complianceGroup: groups.join(';') } : {}) },
    ]);
    if (result?.success) return { outcome: 'applied', fields: { Status__c: CLASSIFICATION_STATUS.applied, AppliedAt__c: now.toISOString(), ...current } };
    const error = result?.errors[0] ?? { statusCode: 'UNKNOWN', message: 'the Metadata API reported no result' };
    if (RETRYABLE_SAVE_CODES.has(error.statusCode)) return { outcome: 'retry', errorCode: error.statusCode };
    return {
      outcome: 'failed',
      errorCode: error.statusCode,
      fields: { Status__c: CLASSIFICATION_STATUS.failed, LastError__c: lastError(error.statusCode, error.message) },
    };
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown; retryable?: unknown };
    const code = typeof e.code === 'string' ? e.code : 'UNKNOWN';
    if (e.retryable === true) return { outcome: 'retry', errorCode: code };
    if (e.retryable !== false) throw error;
    return {
      outcome: 'failed',
      errorCode: code,
      fields: { Status__c: CLASSIFICATION_STATUS.failed, LastError__c: lastError(code, typeof e.message === 'string' ? e.message : '') },
    };
  }
}

/**
 * Applies the suggestions admins approved in the org (`Status__c = 'Approved'`), through the
 * Metadata API, and records each outcome on its FieldClassification__c: Applied with AppliedAt__c
 * and the field's new classification, Current when the field already had it, or Failed with the
 * org's code and message. A transient failure (the org busy or unreachable) leaves the suggestion
 * Approved for the next poll.
 */
export async function applyApproved(org: ApplyClient, now = new Date(), limit = APPLY_BATCH): Promise<AppliedSuggestions> {
  const approved = await approvedSuggestions(org, limit);
  const outcomes: AppliedSuggestions['outcomes'] = [];
  const records: Array<Record<string, unknown>> = [];
  for (const suggestion of approved) {
    const applied = await applyOne(org, suggestion, now);
    outcomes.push({ fieldKey: suggestion.FieldKey__c, outcome: applied.outcome, ...(applied.errorCode ? { errorCode: applied.errorCode } : {}) });
    if (applied.fields) records.push({ FieldKey__c: suggestion.FieldKey__c, ...applied.fields, CheckedAt__c: now.toISOString() });
  }
  const unrecorded: AppliedSuggestions['unrecorded'] = [];
  if (records.length > 0) {
    const results = await org.upsert('FieldClassification__c', 'FieldKey__c', records);
    records.forEach((record, i) => {
      if (!results[i]?.success) unrecorded.push({ fieldKey: String(record.FieldKey__c), errorCode: results[i]?.errorCode ?? 'UNKNOWN' });
    });
  }
  return { outcomes, unrecorded };
}
