/**
 * Salesforce data classification values, as API names.
 *
 * Data Sensitivity Level (`FieldDefinition.SecurityClassification`, Metadata API
 * `CustomField.securityClassification`): the FieldSecurityClassification picklist, whose default
 * values the Object Reference lists least to most sensitive — Public, Internal, Confidential,
 * Restricted, MissionCritical. An org may add values of its own; those are not ranked here.
 *
 * Compliance Categorization (`FieldDefinition.ComplianceGroup`, `CustomField.complianceGroup`,
 * semicolon-separated): the values Leakwatch suggests, in the order it writes them.
 */
export const SENSITIVITY_LEVELS = ['Public', 'Internal', 'Confidential', 'Restricted', 'MissionCritical'] as const;
export type SensitivityLevel = (typeof SENSITIVITY_LEVELS)[number];

const COMPLIANCE_GROUPS = ['PII', 'GDPR', 'CCPA', 'HIPAA', 'PCI', 'COPPA'] as const;
export type ComplianceGroup = (typeof COMPLIANCE_GROUPS)[number];

/** A field's classification: its level (null when unset) and its categories. */
export interface Classification {
  sensitivity: string | null;
  compliance: string[];
}

/** The rank of a level among the defaults; undefined for an org's own value. */
export const rankOf = (level: string | null): number | undefined => {
  if (level === null) return -1;
  const rank = (SENSITIVITY_LEVELS as readonly string[]).indexOf(level);
  return rank < 0 ? undefined : rank;
};

/**
 * The stricter of the field's level and the wanted one: never lower. An org's own level (not one of
 * the defaults) cannot be ranked, so it is kept as the admin set it.
 */
export function stricterLevel(current: string | null, wanted: SensitivityLevel): string {
  const rank = rankOf(current);
  if (rank === undefined) return current as string;
  return rank >= SENSITIVITY_LEVELS.indexOf(wanted) ? (current as string) : wanted;
}

/** `PII;GDPR` → `['PII', 'GDPR']` (blanks and repeats dropped). */
export const complianceList = (value: unknown): string[] =>
  typeof value === 'string'
    ? [
        ...new Set(
          value
            .split(';')
            .map((v) => v.trim())
            .filter((v) => v !== ''),
        ),
      ]
    : [];

/** The field's categories with the wanted ones added: Leakwatch's in their order, then the org's others. */
export function unitedCompliance(current: readonly string[], wanted: readonly string[]): string[] {
  const all = new Set([...current, ...wanted]);
  const known = COMPLIANCE_GROUPS.filter((g) => all.has(g));
  return [...known, ...[...all].filter((g) => !(COMPLIANCE_GROUPS as readonly string[]).includes(g)).sort()];
}

/** Whether two classifications say the same (categories compared as sets). */
export function sameClassification(a: Classification, b: Classification): boolean {
  const left = new Set(a.compliance);
  return a.sensitivity === b.sensitivity && left.size === new Set(b.compliance).size && b.compliance.every((g) => left.has(g));
}
