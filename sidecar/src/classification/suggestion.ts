import { ENTITY_TYPES, type EntityType } from '../contract/entities.js';
import { ENTITY_RULES } from './entity-rules.js';
import { SENSITIVITY_LEVELS, sameClassification, stricterLevel, unitedCompliance, type Classification, type SensitivityLevel } from './levels.js';

/** The statuses of FieldClassification__c (its restricted picklist), in one place. */
export const CLASSIFICATION_STATUS = {
  suggested: 'Suggested',
  approved: 'Approved',
  applied: 'Applied',
  failed: 'Failed',
  dismissed: 'Dismissed',
  current: 'Current',
} as const;

export interface Suggestion {
  /** The entity types found, in vocabulary order. */
  types: EntityType[];
  suggested: Classification & { sensitivity: string };
  /** Current: the field is already at least this strict and has these categories; Suggested otherwise. */
  status: typeof CLASSIFICATION_STATUS.suggested | typeof CLASSIFICATION_STATUS.current;
  reason: string;
}

/**
 * What the types found in a field ask for, never below what the field has: the strictest level of
 * their rules (kept when the field is stricter already) and the field's categories with theirs added.
 */
export function suggestFor(found: Iterable<EntityType>, current: Classification): Suggestion {
  const set = new Set(found);
  const types = ENTITY_TYPES.filter((t) => set.has(t));
  const rules = types.map((t) => ({ type: t, rule: ENTITY_RULES[t] }));
  const wanted = rules.reduce<SensitivityLevel>(
    (level, { rule }) => (SENSITIVITY_LEVELS.indexOf(rule.sensitivity) > SENSITIVITY_LEVELS.indexOf(level) ? rule.sensitivity : level),
    'Public',
  );
  const suggested = {
    sensitivity: stricterLevel(current.sensitivity, wanted),
    compliance: unitedCompliance(
      current.compliance,
      rules.flatMap(({ rule }) => rule.compliance),
    ),
  };
  const reason = `Found ${types.join(', ')}: ${rules.map(({ type, rule }) => `${type} ${rule.sensitivity} (${rule.why})`).join('; ')}.`;
  return { types, suggested, status: sameClassification(suggested, current) ? CLASSIFICATION_STATUS.current : CLASSIFICATION_STATUS.suggested, reason };
}
