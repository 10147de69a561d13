import type { OrgWideDefaults, SharingProblem } from './sharing.js';

/**
 * The sharing rule types of the Metadata API the emulator serves (Metadata API Developer Guide,
 * "SharingRules": "In API version 33.0 and later … use SharingCriteriaRule, SharingOwnerRule, and
 * SharingTerritoryRule"; SharingGuestRule for guest user access). SharingTerritoryRule is not served.
 */
export const SHARING_RULE_TYPES = ['SharingCriteriaRule', 'SharingOwnerRule', 'SharingGuestRule'] as const;
export type SharingRuleType = (typeof SHARING_RULE_TYPES)[number];

export const isSharingRuleType = (type: string): type is SharingRuleType => (SHARING_RULE_TYPES as readonly string[]).includes(type);

/**
 * The SharedTo elements a sharing rule may name its users with (Metadata API "SharedTo"). The `all…`
 * groups are empty elements; the others name a group, role, queue, territory or guest user by developer
 * name. `groups`, `roles`, `rolesAndSubordinates`, `managers`, `managerSubordinates`, `territories` and
 * the channel program groups are left out: the older spellings are replaced, and Setup's sharing rule
 * page offers no manager or channel program groups.
 */
const SHARED_TO_KEYS: readonly string[] = [
  'allCustomerPortalUsers',
  'allInternalUsers',
  'allPartnerUsers',
  'group',
  'guestUser',
  'portalRole',
  'portalRoleAndSubordinates',
  'queue',
  'role',
  'roleAndSubordinates',
  'roleAndSubordinatesInternal',
  'territory',
  'territoryAndSubordinates',
];
const EMPTY_SHARED_TO = new Set(['allCustomerPortalUsers', 'allInternalUsers', 'allPartnerUsers']);

/** The FilterOperation enumeration of the Metadata API WSDL: the `operation` of a criteria item. */
const FILTER_OPERATIONS: readonly string[] = [
  'equals',
  'notEqual',
  'lessThan',
  'greaterThan',
  'lessOrEqual',
  'greaterOrEqual',
  'contains',
  'notContain',
  'startsWith',
  'includes',
  'excludes',
  'within',
];

/** SharingBaseRule `accessLevel`: Read or Edit ("All" is for Account rules only, which the emulator does not offer). */
const ACCESS_LEVELS: readonly string[] = ['Read', 'Edit'];
/** AccountSharingRuleSettings' levels (ShareAccessLevelNoAll). */
const ACCOUNT_ACCESS_LEVELS: readonly string[] = ['None', 'Read', 'Edit'];

/** A criteria item (Metadata API "FilterItem"). */
export interface FilterItem {
  field: string;
  operation: string;
  value?: string;
  valueField?: string;
}

/** The SharedTo of a rule: exactly one key, with the developer name it names ('' for the `all…` groups). */
export type SharedTo = Record<string, string>;

/**
 * A sharing rule component as the org keeps it: SharingBaseRule's elements and the type's own. Elements
 * a component left out are absent.
 */
export interface SharingRule {
  fullName: string;
  accessLevel?: string;
  accountSettings?: { caseAccessLevel?: string; contactAccessLevel?: string; opportunityAccessLevel?: string };
  description?: string;
  label?: string;
  sharedTo?: SharedTo;
  /** SharingOwnerRule: whose records are shared. */
  sharedFrom?: SharedTo;
  /** SharingCriteriaRule, SharingGuestRule. */
  booleanFilter?: string;
  criteriaItems?: FilterItem[];
  /** SharingGuestRule: share records owned by high-volume users too. */
  includeHVUOwnedRecords?: boolean;
  /** SharingCriteriaRule: share records owned by any user (including guest and portal users). */
  includeRecordsOwnedByAll?: boolean;
}

/** A stored rule and its type. */
interface StoredSharingRule {
  type: SharingRuleType;
  rule: SharingRule;
}

/** Text of a parsed XML element or JSON value: strings, numbers and booleans as text, `{'#text'}` nodes, null for anything else. */
const text = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const inner = (value as Record<string, unknown>)['#text'];
    if (typeof inner === 'string' || typeof inner === 'number' || typeof inner === 'boolean') return String(inner);
  }
  return null;
};

/** A non-empty text or undefined. */
const present = (value: unknown): string | undefined => {
  const t = text(value);
  return t === null || t.trim() === '' ? undefined : t;
};

/** Element names of a parsed node, without XML attributes (`@_…`) and text (`#text`). */
const elementsOf = (node: unknown): Record<string, unknown> => {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return {};
  return Object.fromEntries(Object.entries(node as Record<string, unknown>).filter(([key]) => !key.startsWith('@_') && key !== '#text' && key !== '$'));
};

/**
 * A SharedTo as a component carried it, element name → value: an empty element (`<allInternalUsers/>`,
 * `<allInternalUsers></allInternalUsers>`, `xsi:nil`) is ''; a repeated element keeps its values.
 */
const sharedToOf = (node: unknown): Record<string, string[]> | undefined => {
  if (node === undefined || node === null) return undefined;
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(elementsOf(node))) {
    const values = Array.isArray(value) ? value : [value];
    out[key] = values.map((v) => text(v) ?? '');
  }
  return out;
};

const booleanOf = (value: unknown): boolean | string | undefined => {
  const t = present(value);
  if (t === undefined) return undefined;
  if (t === 'true') return true;
  if (t === 'false') return false;
  return t;
};

/**
 * A component as a SOAP request (parsed XML) or a seeding call (JSON) carried it, before any check.
 * `sharedTo`/`sharedFrom` keep every element given, so that `problems` can refuse more than one.
 */
interface SharingRuleInput {
  fullName: string;
  accessLevel?: string;
  accountSettings?: Record<string, string | undefined>;
  description?: string;
  label?: string;
  sharedTo?: Record<string, string[]>;
  sharedFrom?: Record<string, string[]>;
  booleanFilter?: string;
  criteriaItems?: Array<Record<string, string | undefined>>;
  includeHVUOwnedRecords?: boolean | string;
  includeRecordsOwnedByAll?: boolean | string;
}

/** Reads a component (a parsed `<metadata>` element or a JSON object) into a SharingRuleInput. */
export function sharingRuleInput(raw: unknown): SharingRuleInput {
  const node = elementsOf(raw);
  const items = node.criteriaItems === undefined ? undefined : Array.isArray(node.criteriaItems) ? node.criteriaItems : [node.criteriaItems];
  const settings = node.accountSettings === undefined ? undefined : elementsOf(node.accountSettings);
  return {
    fullName: present(node.fullName) ?? '',
    accessLevel: present(node.accessLevel),
    accountSettings: settings && Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, present(v)])),
    description: present(node.description),
    label: present(node.label),
    sharedTo: sharedToOf(node.sharedTo),
    sharedFrom: sharedToOf(node.sharedFrom),
    booleanFilter: present(node.booleanFilter),
    criteriaItems: items?.map((item) => Object.fromEntries(Object.entries(elementsOf(item)).map(([k, v]) => [k, present(v)]))),
    includeHVUOwnedRecords: booleanOf(node.includeHVUOwnedRecords),
    includeRecordsOwnedByAll: booleanOf(node.includeRecordsOwnedByAll),
  };
}

/**
 * Rule names: "This name can contain only underscores and alphanumeric characters, and must be unique in
 * your org. It must begin with a letter, not include spaces, not end with an underscore, and not contain
 * two consecutive underscores" (Object Reference, the `…OwnerSharingRule` objects' DeveloperName).
 */
const RULE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const validRuleName = (name: string): boolean => RULE_NAME.test(name) && !name.endsWith('_') && !name.includes('__');

/** A boolean filter: condition numbers, AND, OR, NOT and parentheses. */
const BOOLEAN_FILTER = /^(?:\s|\(|\)|\d+|AND|OR|NOT)+$/i;

const problem = (statusCode: string, message: string, fields: string[]): SharingProblem => ({ statusCode, message, fields });
const missing = (field: string): SharingProblem => problem('FIELD_INTEGRITY_EXCEPTION', `Required field is missing: ${field}`, [field]);

/**
 * The org's sharing rules (Metadata API SharingCriteriaRule, SharingOwnerRule, SharingGuestRule), by
 * full name `<Object>.<RuleName>` (case-insensitive). A rule names an object the org keeps an org-wide
 * default for (`OrgWideDefaults.target`): Account, Contact, Lead, Case and the package's custom objects.
 * Rules only exist here: the emulator does not widen record access by them (queries see every record).
 */
export class SharingRules {
  private readonly rules = new Map<string, StoredSharingRule>();

  constructor(private readonly defaults: OrgWideDefaults) {}

  /** The rule a full name names, with its type; undefined when there is none. */
  get(fullName: string): StoredSharingRule | undefined {
    const stored = this.rules.get(fullName.toLowerCase());
    return stored && { type: stored.type, rule: structuredClone(stored.rule) };
  }

  /** Every rule, oldest first. */
  all(): Array<{ type: SharingRuleType } & SharingRule> {
    return [...this.rules.values()].map(({ type, rule }) => ({ type, ...structuredClone(rule) }));
  }

  /** Removes a rule; whether there was one (of this type, when a type is given). */
  delete(fullName: string, type?: SharingRuleType): boolean {
    const stored = this.rules.get(fullName.toLowerCase());
    if (!stored || (type !== undefined && stored.type !== type)) return false;
    return this.rules.delete(fullName.toLowerCase());
  }

  /**
   * What is wrong with creating this component; empty when the org would save it. The rules are the
   * Metadata API Developer Guide's ("SharingRules", "SharedTo", "FilterItem") and Object Reference's
   * rule-name rule; the codes and wording are the emulator's: an object without sharing
   * `INVALID_CROSS_REFERENCE_KEY`; a bad rule name, a missing required element (label, accessLevel,
   * sharedTo, criteriaItems, sharedFrom), a SharedTo without exactly one known element, a guest rule
   * not shared to `guestUser` or not `Read`, and a full name already taken (by a rule of any type)
   * `FIELD_INTEGRITY_EXCEPTION` / `DUPLICATE_DEVELOPER_NAME`; values outside an enumeration
   * `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`; a criteria field the object does not have `INVALID_FIELD`;
   * a description over 1000 characters or label over 80 `STRING_TOO_LONG`.
   */
  problems(type: SharingRuleType, input: SharingRuleInput): SharingProblem[] {
    const dot = input.fullName.indexOf('.');
    const objectName = dot < 0 ? '' : input.fullName.slice(0, dot);
    const ruleName = dot < 0 ? input.fullName : input.fullName.slice(dot + 1);
    if (input.fullName === '') return [missing('fullName')];
    const target = objectName === '' ? undefined : this.defaults.target(objectName);
    if (!target)
      return [
        problem(
          'INVALID_CROSS_REFERENCE_KEY',
          `In field: fullName - no CustomObject named ${objectName || input.fullName} found: a ${type} full name is <Object>.<RuleName>`,
          ['fullName'],
        ),
      ];
    if (!validRuleName(ruleName)) {
      return [
        problem(
          'FIELD_INTEGRITY_EXCEPTION',
          `The Rule Name ${ruleName} can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.`,
          ['fullName'],
        ),
      ];
    }
    const object = target.object;
    const problems: SharingProblem[] = [];
    if (this.rules.has(`${object.name}.${ruleName}`.toLowerCase())) {
      problems.push(problem('DUPLICATE_DEVELOPER_NAME', `Duplicate Rule Name: ${object.name} already has a sharing rule named ${ruleName}`, ['fullName']));
    }
    if (input.label === undefined) problems.push(missing('label'));
    else if (input.label.length > 80) problems.push(problem('STRING_TOO_LONG', 'Label: data value too large (max length=80)', ['label']));
    if (input.description !== undefined && input.description.length > 1000)
      problems.push(problem('STRING_TOO_LONG', 'Description: data value too large (max length=1000)', ['description']));
    if (input.accessLevel === undefined) problems.push(missing('accessLevel'));
    else if (!ACCESS_LEVELS.includes(input.accessLevel))
      problems.push(
        problem('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `Access Level: bad value for restricted picklist field: ${input.accessLevel}`, ['accessLevel']),
      );
    else if (type === 'SharingGuestRule' && input.accessLevel !== 'Read')
      problems.push(
        problem('FIELD_INTEGRITY_EXCEPTION', `Access Level: a guest user sharing rule grants Read Only access, not ${input.accessLevel}`, ['accessLevel']),
      );
    if (input.accountSettings !== undefined) {
      if (object.name !== 'Account')
        problems.push(
          problem('FIELD_INTEGRITY_EXCEPTION', `accountSettings: only an Account sharing rule has account settings, not a ${object.name} rule`, [
            'accountSettings',
          ]),
        );
      else {
        for (const key of ['caseAccessLevel', 'contactAccessLevel', 'opportunityAccessLevel']) {
          const value = input.accountSettings[key];
          if (value === undefined) problems.push(missing(`accountSettings.${key}`));
          else if (!ACCOUNT_ACCESS_LEVELS.includes(value))
            problems.push(
              problem('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${key}: bad value for restricted picklist field: ${value}`, [`accountSettings.${key}`]),
            );
        }
      }
    }
    problems.push(...sharedToProblems('sharedTo', input.sharedTo));
    if (type === 'SharingGuestRule' && input.sharedTo && Object.keys(input.sharedTo).some((key) => key !== 'guestUser')) {
      problems.push(
        problem('FIELD_INTEGRITY_EXCEPTION', 'sharedTo: a guest user sharing rule shares records with a site guest user (guestUser)', ['sharedTo']),
      );
    }
    if (type !== 'SharingGuestRule' && input.sharedTo && Object.keys(input.sharedTo).includes('guestUser')) {
      problems.push(problem('FIELD_INTEGRITY_EXCEPTION', `sharedTo: guestUser is available only in a SharingGuestRule, not a ${type}`, ['sharedTo']));
    }
    if (type === 'SharingOwnerRule') {
      problems.push(...sharedToProblems('sharedFrom', input.sharedFrom));
      if (input.criteriaItems !== undefined || input.booleanFilter !== undefined)
        problems.push(
          problem('FIELD_INTEGRITY_EXCEPTION', 'criteriaItems: an owner sharing rule has no criteria; use a SharingCriteriaRule', ['criteriaItems']),
        );
    } else {
      if (input.sharedFrom !== undefined)
        problems.push(problem('FIELD_INTEGRITY_EXCEPTION', `sharedFrom: only an owner sharing rule has sharedFrom, not a ${type}`, ['sharedFrom']));
      const items = input.criteriaItems ?? [];
      if (items.length === 0) problems.push(missing('criteriaItems'));
      items.forEach((item, index) => {
        const at = `criteriaItems[${index}]`;
        if (item.field === undefined) problems.push(missing(`${at}.field`));
        else if (!object.fieldsByLowerName.has(item.field.toLowerCase()))
          problems.push(problem('INVALID_FIELD', `No such column '${item.field}' on entity '${object.name}'`, [`${at}.field`]));
        if (item.operation === undefined) problems.push(missing(`${at}.operation`));
        else if (!FILTER_OPERATIONS.includes(item.operation))
          problems.push(
            problem('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `Operator: bad value for restricted picklist field: ${item.operation}`, [`${at}.operation`]),
          );
        if (item.valueField !== undefined && !object.fieldsByLowerName.has(item.valueField.toLowerCase())) {
          problems.push(problem('INVALID_FIELD', `No such column '${item.valueField}' on entity '${object.name}'`, [`${at}.valueField`]));
        }
      });
      if (input.booleanFilter !== undefined) {
        const numbers = (input.booleanFilter.match(/\d+/g) ?? []).map(Number);
        if (!BOOLEAN_FILTER.test(input.booleanFilter) || numbers.some((n) => n < 1 || n > items.length)) {
          problems.push(
            problem('FIELD_INTEGRITY_EXCEPTION', `booleanFilter: ${input.booleanFilter} is not filter logic over conditions 1 to ${items.length}`, [
              'booleanFilter',
            ]),
          );
        }
      }
    }
    const flags: Array<[keyof SharingRuleInput, SharingRuleType]> = [
      ['includeRecordsOwnedByAll', 'SharingCriteriaRule'],
      ['includeHVUOwnedRecords', 'SharingGuestRule'],
    ];
    for (const [flag, owner] of flags) {
      const value = input[flag];
      if (value === undefined) continue;
      if (type !== owner) problems.push(problem('FIELD_INTEGRITY_EXCEPTION', `${flag}: available only in a ${owner}, not a ${type}`, [flag]));
      else if (typeof value !== 'boolean') problems.push(problem('FIELD_INTEGRITY_EXCEPTION', `${flag}: ${String(value)} is not a boolean`, [flag]));
    }
    return problems;
  }

  /** Stores a rule, its object spelled as the org does; the caller has checked `problems` first. Returns the stored rule. */
  create(type: SharingRuleType, input: SharingRuleInput): SharingRule {
    const dot = input.fullName.indexOf('.');
    const object = this.defaults.target(input.fullName.slice(0, dot))?.object;
    const fullName = `${object?.name ?? input.fullName.slice(0, dot)}.${input.fullName.slice(dot + 1)}`;
    const fieldName = (name: string): string => object?.fieldsByLowerName.get(name.toLowerCase()) ?? name;
    const rule: SharingRule = {
      fullName,
      accessLevel: input.accessLevel,
      ...(input.accountSettings ? { accountSettings: { ...input.accountSettings } } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      label: input.label,
      sharedTo: single(input.sharedTo),
      ...(type === 'SharingOwnerRule'
        ? { sharedFrom: single(input.sharedFrom) }
        : {
            ...(input.booleanFilter !== undefined ? { booleanFilter: input.booleanFilter } : {}),
            criteriaItems: (input.criteriaItems ?? []).map((item) => ({
              field: fieldName(item.field as string),
              operation: item.operation as string,
              ...(item.value !== undefined ? { value: item.value } : {}),
              ...(item.valueField !== undefined ? { valueField: fieldName(item.valueField) } : {}),
            })),
          }),
      ...(typeof input.includeHVUOwnedRecords === 'boolean' ? { includeHVUOwnedRecords: input.includeHVUOwnedRecords } : {}),
      ...(typeof input.includeRecordsOwnedByAll === 'boolean' ? { includeRecordsOwnedByAll: input.includeRecordsOwnedByAll } : {}),
    };
    this.rules.set(fullName.toLowerCase(), { type, rule });
    return structuredClone(rule);
  }
}

/** A checked SharedTo's one element. */
const single = (sharedTo: Record<string, string[]> | undefined): SharedTo => {
  const [key, values] = Object.entries(sharedTo ?? {})[0] ?? ['', []];
  return { [key]: EMPTY_SHARED_TO.has(key) ? '' : (values[0] ?? '') };
};

/**
 * A SharedTo must hold exactly one of the known elements ("SharedTo"); an `all…` group is an empty
 * element, every other names one group, role, queue, territory or guest user (Setup's sharing rule
 * page picks one).
 */
function sharedToProblems(field: 'sharedTo' | 'sharedFrom', sharedTo: Record<string, string[]> | undefined): SharingProblem[] {
  if (sharedTo === undefined) return [missing(field)];
  const keys = Object.keys(sharedTo);
  const unknown = keys.filter((key) => !SHARED_TO_KEYS.includes(key));
  if (unknown.length > 0)
    return [
      problem('FIELD_INTEGRITY_EXCEPTION', `${field}: ${unknown.join(', ')} is not a SharedTo a sharing rule can use (${SHARED_TO_KEYS.join(', ')})`, [field]),
    ];
  if (keys.length !== 1)
    return [problem('FIELD_INTEGRITY_EXCEPTION', `${field}: name exactly one group of users, not ${keys.length === 0 ? 'none' : keys.join(' and ')}`, [field])];
  const key = keys[0] as string;
  const values = sharedTo[key] ?? [];
  if (EMPTY_SHARED_TO.has(key)) return [];
  if (values.length !== 1 || (values[0] ?? '').trim() === '')
    return [problem('FIELD_INTEGRITY_EXCEPTION', `${field}: ${key} must name exactly one ${key.replace(/AndSubordinates.*$/, '')} by developer name`, [field])];
  return [];
}
