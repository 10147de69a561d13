/**
 * Names of the package's objects and fields as a subscriber org spells them: a managed package's
 * custom names carry its namespace (`leakwatch__LeakVerdict__c`), while the sidecar maps records with
 * the unqualified names of docs/data-model.md. Standard names and names already qualified pass through.
 */
export interface Namespacer {
  qualify(name: string): string;
  unqualify(name: string): string;
  /** Qualifies every custom name in a SOQL statement, leaving string literals alone. */
  qualifySoql(soql: string): string;
  /** Qualifies a record's keys, including the fields of parent references (`LeakVerdict__r: { EventId__c }`). */
  qualifyRecord(record: Record<string, unknown>): Record<string, unknown>;
  /** Strips the namespace from keys and `attributes.type` throughout a query result. */
  unqualifyValue(value: unknown): unknown;
}

// `__c` objects and fields, `__r` relationships, `__e` platform events, `__mdt` custom metadata types.
const CUSTOM = /^[A-Za-z][A-Za-z0-9_]*__(?:[cre]|mdt)$/;
const QUALIFIED = /^[A-Za-z][A-Za-z0-9]*__[A-Za-z][A-Za-z0-9_]*__(?:[cre]|mdt)$/;
const SOQL_NAME = /'(?:[^'\\]|\\.)*'|[A-Za-z][A-Za-z0-9_]*__(?:[cre]|mdt)\b/g;

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

export const namespacer = (namespace: string | undefined): Namespacer => {
  const prefix = namespace ? `${namespace}__` : '';
  const qualify = (name: string): string => (!prefix || !CUSTOM.test(name) || QUALIFIED.test(name) ? name : prefix + name);
  const unqualify = (name: string): string => (prefix && name.startsWith(prefix) && CUSTOM.test(name.slice(prefix.length)) ? name.slice(prefix.length) : name);
  const qualifyRecord = (record: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(record).map(([key, value]) => [qualify(key), key.endsWith('__r') && isPlainObject(value) ? qualifyRecord(value) : value]),
    );
  const unqualifyValue = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(unqualifyValue);
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [unqualify(key), key === 'type' && typeof inner === 'string' ? unqualify(inner) : unqualifyValue(inner)]),
    );
  };
  return {
    qualify,
    unqualify,
    qualifySoql: (soql) => (prefix ? soql.replace(SOQL_NAME, (token) => (token.startsWith("'") ? token : qualify(token))) : soql),
    qualifyRecord: (record) => (prefix ? qualifyRecord(record) : record),
    unqualifyValue: (value) => (prefix ? unqualifyValue(value) : value),
  };
};
