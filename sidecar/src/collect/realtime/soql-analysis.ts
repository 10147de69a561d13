import soqlParser, { type FieldType, type FunctionExp, type HavingClause, type Query, type Subquery, type WhereClause } from 'soql-parser-js';
import { planField } from '../../classify/field-hints.js';
import type { EntityType } from '../../contract/entities.js';

// The package is CommonJS without static named exports.
const { parseQuery, composeQuery } = soqlParser;

/**
 * What a SOQL text a client ran (Real-Time Event Monitoring's `ApiEventStream.Query`, a bulk query)
 * reads and how it pages, without any of its literals: `WHERE Email = 'jane@x.com'` names a person.
 */
export interface QueryShape {
  /** The object queried (FROM), plus objects of subqueries and parent relationships resolved where possible, as API names. */
  objects: string[];
  /** Fields selected per object, API names (relationship paths like Account.Name are attributed to the relationship's object when known, otherwise kept as the path on the main object). */
  fields: { object: string; field: string }[];
  /** PII categories of the selected fields (the classifier's entity types), deduplicated and sorted. */
  piiTypes: string[];
  /** FIELDS(ALL), FIELDS(STANDARD) or FIELDS(CUSTOM) selected; `fieldsMacro` says which. */
  fieldsAll: boolean;
  fieldsMacro: 'ALL' | 'STANDARD' | 'CUSTOM' | null;
  hasWhere: boolean;
  limit: number | null;
  offset: number | null;
  /** The WHERE clause bounds the Id (Id > '...' or Id >= / Id < / Id <=): a client enumerating by Id ranges, as chunked pulls do. */
  idRange: boolean;
  /** ORDER BY Id (keyset paging) */
  orderById: boolean;
  /** Selects no filter and no limit: the whole object. */
  unbounded: boolean;
  /** The query with every literal replaced by a placeholder (strings '?', numbers ?, dates ?, lists (?)); safe to store. Null when the text did not parse, or should a quoted literal survive masking. */
  masked: string | null;
  /** false when the text was not valid SOQL for the parser; in that case every other field is empty/false and `masked` is null — never the raw text. */
  parsed: boolean;
}

export interface FieldCatalog {
  piiTypeOf(object: string, field: string): string | undefined;
}

type Macro = NonNullable<QueryShape['fieldsMacro']>;
type StandardField = string | readonly [name: string, type: EntityType];

const address = (prefix: string): string[] => ['Street', 'City', 'State', 'PostalCode', 'Country', 'Address'].map((part) => prefix + part);
const geolocation = (prefix: string): Array<readonly [string, EntityType]> => [
  [`${prefix}Latitude`, 'LOCATION'],
  [`${prefix}Longitude`, 'LOCATION'],
];

/**
 * Standard fields holding personal data, as the Object Reference documents them per object. A bare
 * name is typed by the classifier's field-name hints (Email, MobilePhone, MailingStreet, Birthdate);
 * a pair names the type where the name alone does not say it: a Contact's Name is a person, an
 * Account's a company, and "ContactMobile" or "BillingLatitude" match no hint.
 */
const PERSONAL_STANDARD_FIELDS: Record<string, readonly StandardField[]> = {
  Contact: [
    ['Name', 'PERSON'],
    'FirstName',
    'LastName',
    'MiddleName',
    'AssistantName',
    'Email',
    'Phone',
    'MobilePhone',
    'HomePhone',
    'OtherPhone',
    'AssistantPhone',
    'Fax',
    'Birthdate',
    ...address('Mailing'),
    ...address('Other'),
    ...geolocation('Mailing'),
    ...geolocation('Other'),
  ],
  Lead: [['Name', 'PERSON'], 'FirstName', 'LastName', 'MiddleName', 'Email', 'Phone', 'MobilePhone', 'Fax', ...address(''), ...geolocation('')],
  User: [
    ['Name', 'PERSON'],
    'FirstName',
    'LastName',
    'MiddleName',
    ['CommunityNickname', 'PERSON'],
    ['Username', 'EMAIL_ADDRESS'],
    'Email',
    ['SenderEmail', 'EMAIL_ADDRESS'],
    ['SenderName', 'PERSON'],
    'Phone',
    'MobilePhone',
    'Fax',
    ...address(''),
    ...geolocation(''),
  ],
  Account: [
    'Phone',
    'Fax',
    ...address('Billing'),
    ...address('Shipping'),
    ...geolocation('Billing'),
    ...geolocation('Shipping'),
    // Person accounts: the person's own fields.
    'FirstName',
    'LastName',
    'MiddleName',
    'PersonEmail',
    ['PersonMobilePhone', 'PHONE_NUMBER'],
    ['PersonHomePhone', 'PHONE_NUMBER'],
    ['PersonOtherPhone', 'PHONE_NUMBER'],
    ['PersonAssistantPhone', 'PHONE_NUMBER'],
    ['PersonAssistantName', 'PERSON'],
    ['PersonBirthdate', 'DATE_OF_BIRTH'],
    ...address('PersonMailing').map((name): StandardField => [name, 'LOCATION']),
    ...address('PersonOther').map((name): StandardField => [name, 'LOCATION']),
  ],
  Case: [
    'SuppliedName',
    'SuppliedEmail',
    'SuppliedPhone',
    ['ContactEmail', 'EMAIL_ADDRESS'],
    ['ContactPhone', 'PHONE_NUMBER'],
    ['ContactMobile', 'PHONE_NUMBER'],
    ['ContactFax', 'PHONE_NUMBER'],
  ],
  Order: [
    ...address('Billing'),
    ...address('Shipping'),
    ...geolocation('Billing'),
    ...geolocation('Shipping'),
    ['BillingEmailAddress', 'EMAIL_ADDRESS'],
    ['BillingPhoneNumber', 'PHONE_NUMBER'],
  ],
  Individual: [['Name', 'PERSON'], 'FirstName', 'LastName', 'MiddleName', 'BirthDate'],
  ContactPointEmail: ['EmailAddress'],
  ContactPointPhone: [
    ['TelephoneNumber', 'PHONE_NUMBER'],
    ['FormattedInternationalPhoneNumber', 'PHONE_NUMBER'],
    ['FormattedNationalPhoneNumber', 'PHONE_NUMBER'],
  ],
  ContactPointAddress: [...address(''), ...geolocation('')],
};

/**
 * Parent relationships whose target is fixed (Contact.Account → Account). Owner is not here: on
 * Lead and Case it is a user or a queue. `SAME` stands for the object the path starts from
 * (Account.Parent → Account).
 */
const SAME = '';
const PARENT_RELATIONSHIPS: Record<string, string> = {
  Account: 'Account',
  Contact: 'Contact',
  Case: 'Case',
  Opportunity: 'Opportunity',
  Order: 'Order',
  Contract: 'Contract',
  Individual: 'Individual',
  CreatedBy: 'User',
  LastModifiedBy: 'User',
  Manager: 'User',
  Delegate: 'User',
  Assignee: 'User',
  ActivatedBy: 'User',
  Profile: 'Profile',
  UserRole: 'UserRole',
  PermissionSet: 'PermissionSet',
  ReportsTo: 'Contact',
  BillToContact: 'Contact',
  ShipToContact: 'Contact',
  CustomerAuthorizedBy: 'Contact',
  CompanyAuthorizedBy: 'User',
  ConvertedAccount: 'Account',
  ConvertedContact: 'Contact',
  ConvertedOpportunity: 'Opportunity',
  Parent: SAME,
  MasterRecord: SAME,
  // The package's own lookups (docs/data-model.md).
  LeakVerdict__r: 'LeakVerdict__c',
  Incident__r: 'Incident__c',
  DecidedBy__r: 'User',
};
/** Owner is a user on these objects; on others (Lead, Case) it may be a queue. */
const OWNED_BY_USERS = new Set(['account', 'contact', 'opportunity', 'order', 'contract', 'individual']);

/** Child relationships of subqueries (`(SELECT Email FROM Contacts)` → Contact). */
const CHILD_RELATIONSHIPS: Record<string, string> = {
  Contacts: 'Contact',
  Cases: 'Case',
  Opportunities: 'Opportunity',
  Orders: 'Order',
  Contracts: 'Contract',
  Assets: 'Asset',
  Tasks: 'Task',
  Events: 'Event',
  Notes: 'Note',
  Attachments: 'Attachment',
  CaseComments: 'CaseComment',
  Users: 'User',
  ChildAccounts: 'Account',
  OpportunityContactRoles: 'OpportunityContactRole',
  AccountContactRelations: 'AccountContactRelation',
  ActivityHistories: 'ActivityHistory',
  OpenActivities: 'OpenActivity',
  OrderItems: 'OrderItem',
  PermissionSetAssignments: 'PermissionSetAssignment',
  ContactPointEmails: 'ContactPointEmail',
  ContactPointPhones: 'ContactPointPhone',
  PiiFindings__r: 'PiiFinding__c',
  PermissionReviews__r: 'PermissionReview__c',
  LeakVerdicts__r: 'LeakVerdict__c',
  PermissionReviewsDecided__r: 'PermissionReview__c',
};

const byLowerName = (names: Iterable<string>): Map<string, string> => new Map([...names].map((name) => [name.toLowerCase(), name]));
const KNOWN_OBJECTS = byLowerName([
  ...Object.keys(PERSONAL_STANDARD_FIELDS),
  ...Object.values(PARENT_RELATIONSHIPS).filter(Boolean),
  ...Object.values(CHILD_RELATIONSHIPS),
]);
const PARENTS = new Map(Object.entries(PARENT_RELATIONSHIPS).map(([name, target]) => [name.toLowerCase(), target]));
const CHILDREN = new Map(Object.entries(CHILD_RELATIONSHIPS).map(([name, target]) => [name.toLowerCase(), target]));
const STANDARD_TYPES = new Map(
  Object.entries(PERSONAL_STANDARD_FIELDS).map(([object, fields]) => [
    object.toLowerCase(),
    new Map(fields.flatMap((field) => (typeof field === 'string' ? [] : [[field[0].toLowerCase(), field[1]] as const]))),
  ]),
);

/** `leakwatch__LeakVerdict__r` → [`leakwatch__`, `LeakVerdict__r`]: a managed package's names carry its namespace. */
const NAMESPACED = /^([A-Za-z][A-Za-z0-9]*__)([A-Za-z][A-Za-z0-9_]*__[cr])$/;
const splitNamespace = (name: string): [string, string] => {
  const match = NAMESPACED.exec(name);
  return match ? [match[1] as string, match[2] as string] : ['', name];
};
const requalify = (namespace: string, name: string): string => (name.endsWith('__c') ? namespace + name : name);

const canonicalObject = (name: string): string => KNOWN_OBJECTS.get(name.toLowerCase()) ?? name;

const parentOf = (object: string, relationship: string): string | undefined => {
  const [namespace, name] = splitNamespace(relationship);
  const lower = name.toLowerCase();
  if (lower === 'owner') return OWNED_BY_USERS.has(object.toLowerCase()) ? 'User' : undefined;
  const target = PARENTS.get(lower);
  if (target === undefined) return undefined;
  return target === SAME ? object : requalify(namespace, target);
};

const childOf = (relationship: string): string | undefined => {
  const [namespace, name] = splitNamespace(relationship);
  const target = CHILDREN.get(name.toLowerCase());
  return target && requalify(namespace, target);
};

/** The classifier's field-name hint: the type a field of this name holds whole, or the one type its name points to. */
const hintedType = (field: string): string | undefined => {
  const plan = planField({ name: field.slice(field.lastIndexOf('.') + 1) });
  const pointed = [...new Set(plan.boost)];
  return plan.wholeValue ?? (pointed.length === 1 ? pointed[0] : undefined);
};

const DEFAULT_CATALOG: FieldCatalog = {
  piiTypeOf: (object, field) => STANDARD_TYPES.get(object.toLowerCase())?.get(field.toLowerCase()) ?? hintedType(field),
};

/**
 * The default catalog: the documented personal-data fields of standard objects (Contact.Name →
 * PERSON, Case.ContactEmail → EMAIL_ADDRESS) and, for every other field, the classifier's field-name
 * hints (Email, MobilePhone, MailingStreet, Birthdate, Ssn__c, Iban__c). A name pointing to several
 * types (Tax_Id__c: any national id) names none. The package's own fields hold masked values,
 * hashes, ids or reviewers' notes, none of a fixed category, so none is listed.
 */
export function defaultFieldCatalog(): FieldCatalog {
  return DEFAULT_CATALOG;
}

const standardFieldNames = (object: string): string[] =>
  (PERSONAL_STANDARD_FIELDS[canonicalObject(object)] ?? []).map((field) => (typeof field === 'string' ? field : field[0]));

const UNPARSED: Omit<QueryShape, 'objects' | 'fields' | 'piiTypes'> = {
  fieldsAll: false,
  fieldsMacro: null,
  hasWhere: false,
  limit: null,
  offset: null,
  idRange: false,
  orderById: false,
  unbounded: false,
  masked: null,
  parsed: false,
};

/** Functions that return no field value, only counts, sums or averages. */
const VALUELESS_FUNCTIONS = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'GROUPING']);
/** Aggregates that fold all rows into one unless grouped. */
const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX']);
const RANGE_OPERATORS = new Set(['>', '>=', '<', '<=']);
const LIST_OPERATORS = new Set(['IN', 'NOT IN', 'INCLUDES', 'EXCLUDES']);
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;

const parsedQuery = (text: string): Query | null => {
  try {
    // The parser's error messages quote the text: they are dropped, never logged. `ignoreParseErrors`
    // is spelt out because the parser rebuilds its grammar (about 40 ms) whenever it differs from the last call's.
    return parseQuery(text, { allowApexBindVariables: true, ignoreParseErrors: false });
  } catch {
    return null;
  }
};

const orderClauses = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every condition of a WHERE or HAVING chain, left to right. */
function* conditionsOf(clause: WhereClause | HavingClause | undefined): Generator<NonNullable<WhereClause['left']>> {
  for (let node = clause; node; node = 'right' in node ? node.right : undefined) {
    if (node.left) yield node.left;
  }
}

/** `c.Id` → `Id` when `c` is the query's alias. */
const unaliased = (field: string, alias: string | undefined): string => (alias && field.startsWith(`${alias}.`) ? field.slice(alias.length + 1) : field);

class ShapeBuilder {
  readonly objects = new Set<string>();
  readonly fields = new Map<string, { object: string; field: string }>();
  readonly macros = new Map<string, Set<Macro>>();

  addField(object: string, field: string): void {
    this.fields.set(`${object}\u0000${field}`, { object, field });
  }

  /** A dotted path from `object`: attributed to the last relationship's object when every hop resolves. */
  addPath(object: string, relationships: string[], field: string): void {
    let current: string | undefined = object;
    for (const relationship of relationships) {
      current = current === undefined ? undefined : parentOf(current, relationship);
      if (current !== undefined) this.objects.add(current);
    }
    if (current !== undefined) this.addField(current, field);
    else this.addField(object, [...relationships, field].join('.'));
  }

  selectQuery(query: Query | Subquery, object: string): void {
    this.objects.add(object);
    for (const field of query.fields ?? []) this.selectField(field, object);
    this.semiJoins(query.where);
  }

  private selectField(field: FieldType, object: string): void {
    switch (field.type) {
      case 'Field':
        this.addField(object, field.field);
        return;
      case 'FieldRelationship':
        this.addPath(object, field.relationships, field.field);
        return;
      case 'FieldFunctionExpression':
        if (field.functionName.toUpperCase() === 'FIELDS') this.addMacro(object, String(field.parameters[0] ?? '').toUpperCase());
        else this.functionFields(field, object);
        return;
      case 'FieldSubquery': {
        // A child relationship not known here (a custom `Invoices__r`) stands for its object under its own name.
        const { relationshipName } = field.subquery;
        this.selectQuery(field.subquery, childOf(relationshipName) ?? relationshipName);
        return;
      }
      case 'FieldTypeof':
        for (const condition of field.conditions) {
          const target = condition.objectType ? canonicalObject(condition.objectType) : undefined;
          if (target) this.objects.add(target);
          for (const name of condition.fieldList) {
            if (target) this.addField(target, name);
            else this.addField(object, `${field.field}.${name}`);
          }
        }
        return;
    }
  }

  /** FORMAT(Email), MAX(Birthdate), toLabel(Status) return the field's value; COUNT(Email) does not. */
  private functionFields(fn: FunctionExp, object: string): void {
    if (VALUELESS_FUNCTIONS.has(fn.functionName?.toUpperCase() ?? '')) return;
    for (const parameter of fn.parameters ?? []) {
      if (typeof parameter !== 'string') this.functionFields(parameter, object);
      else if (IDENTIFIER.test(parameter)) {
        const parts = parameter.split('.');
        this.addPath(object, parts.slice(0, -1), parts[parts.length - 1] as string);
      }
    }
  }

  private addMacro(object: string, macro: string): void {
    if (macro !== 'ALL' && macro !== 'STANDARD' && macro !== 'CUSTOM') return;
    const macros = this.macros.get(object) ?? new Set<Macro>();
    this.macros.set(object, macros.add(macro));
  }

  /** `WHERE Id IN (SELECT AccountId FROM Contact WHERE ...)` reads Contact too. */
  private semiJoins(where: WhereClause | undefined): void {
    for (const condition of conditionsOf(where)) {
      if ('valueQuery' in condition && condition.valueQuery.sObject) {
        this.objects.add(canonicalObject(condition.valueQuery.sObject));
        this.semiJoins(condition.valueQuery.where);
      }
    }
  }

  /** The strongest macro selected anywhere: ALL, or STANDARD and CUSTOM together. */
  macro(): Macro | null {
    const all = new Set([...this.macros.values()].flatMap((macros) => [...macros]));
    if (all.has('ALL') || (all.has('STANDARD') && all.has('CUSTOM'))) return 'ALL';
    return all.has('STANDARD') ? 'STANDARD' : all.has('CUSTOM') ? 'CUSTOM' : null;
  }

  piiTypes(catalog: FieldCatalog): string[] {
    const selected = [...this.fields.values()];
    for (const [object, macros] of this.macros) {
      // Only documented standard fields are known without the org's describe.
      if (macros.has('ALL') || macros.has('STANDARD')) selected.push(...standardFieldNames(object).map((field) => ({ object, field })));
    }
    const types = new Set(selected.map(({ object, field }) => catalog.piiTypeOf(object, field)).filter((type): type is string => !!type));
    return [...types].sort();
  }
}

/** Literal kinds that say nothing about a record: `IsDeleted = false`, `Phone = null`, `LAST_N_DAYS:30`, `:bind`. */
const KEPT_LITERALS = new Set(['BOOLEAN', 'NULL', 'DATE_LITERAL', 'DATE_N_LITERAL', 'APEX_BIND_VARIABLE']);

const maskedParameter = (parameter: string): string => (IDENTIFIER.test(parameter) ? parameter : parameter.startsWith("'") ? "'?'" : '?');

const maskFunction = <T extends FunctionExp>(fn: T): T => {
  // The composer prefers the raw text of a function, literals included.
  const { rawValue: _raw, ...rest } = fn;
  return { ...rest, parameters: fn.parameters?.map((p) => (typeof p === 'string' ? maskedParameter(p) : maskFunction(p))) } as T;
};

type AnyCondition = NonNullable<WhereClause['left']>;

const maskCondition = (condition: AnyCondition): AnyCondition => {
  let masked = { ...condition } as AnyCondition & Record<string, unknown>;
  if ('fn' in condition) masked = { ...masked, fn: maskFunction(condition.fn) };
  if ('valueQuery' in condition) return { ...masked, valueQuery: maskQuery(condition.valueQuery) } as AnyCondition;
  if (!('value' in condition)) return masked;
  const types = [condition.literalType ?? []].flat();
  const values = [condition.value].flat();
  if (types.length === values.length && types.every((type) => KEPT_LITERALS.has(type))) return masked;
  const { literalType: _type, dateLiteralVariable: _n, ...rest } = masked;
  if (Array.isArray(condition.value) || LIST_OPERATORS.has(condition.operator)) return { ...rest, value: ['?'] } as AnyCondition;
  return { ...rest, value: types[0] === 'STRING' ? "'?'" : '?' } as AnyCondition;
};

const maskChain = <T extends WhereClause | HavingClause>(clause: T): T => {
  const masked = { ...clause, left: clause.left && maskCondition(clause.left) };
  if ('right' in clause && clause.right) return { ...masked, right: maskChain(clause.right) } as T;
  return masked as T;
};

const maskField = (field: FieldType): FieldType => {
  if (field.type === 'FieldFunctionExpression') return maskFunction(field);
  if (field.type === 'FieldSubquery') return { ...field, subquery: maskQuery(field.subquery) };
  return field;
};

const maskOrdering = <T extends object>(clause: T): T => ('fn' in clause ? { ...clause, fn: maskFunction(clause.fn as FunctionExp) } : clause);

function maskQuery<T extends Query | Subquery>(query: T): T {
  const orderBy = orderClauses(query.orderBy).map(maskOrdering);
  const groupBy = orderClauses(query.groupBy).map(maskOrdering);
  return {
    ...query,
    ...(query.fields ? { fields: query.fields.map(maskField) } : {}),
    ...(query.where ? { where: maskChain(query.where) } : {}),
    ...(query.having ? { having: maskChain(query.having) } : {}),
    ...(query.orderBy ? { orderBy } : {}),
    ...(query.groupBy ? { groupBy } : {}),
  };
}

/** The query re-composed without literals; null should a quoted literal other than '?' remain (never stored then). */
const maskedText = (query: Query): string | null => {
  const text = composeQuery(maskQuery(query));
  return text.replaceAll("'?'", '').includes("'") ? null : text;
};

/**
 * The shape of one SOQL text: what it reads (objects, fields, their PII categories), how it filters
 * and pages (WHERE, LIMIT, OFFSET, Id ranges, ORDER BY Id) and the text with every literal masked.
 * Text the parser rejects gives `parsed: false` and nothing else, never a part of the text.
 */
export function analyzeSoql(text: string, catalog: FieldCatalog = DEFAULT_CATALOG): QueryShape {
  const query = parsedQuery(text);
  if (!query?.sObject) return { objects: [], fields: [], piiTypes: [], ...UNPARSED };
  const object = canonicalObject(query.sObject);
  const alias = query.sObjectAlias;
  const shape = new ShapeBuilder();
  shape.selectQuery(query, object);
  const macro = shape.macro();
  const hasWhere = query.where !== undefined;
  const limit = query.limit ?? null;
  const topFields = query.fields ?? [];
  const aggregatesOnly =
    topFields.length > 0 && topFields.every((field) => field.type === 'FieldFunctionExpression' && AGGREGATES.has(field.functionName.toUpperCase()));
  const isId = (field: string | undefined): boolean => field !== undefined && unaliased(field, alias).toLowerCase() === 'id';
  return {
    objects: [...shape.objects],
    fields: [...shape.fields.values()],
    piiTypes: shape.piiTypes(catalog),
    fieldsAll: macro !== null,
    fieldsMacro: macro,
    hasWhere,
    limit,
    offset: query.offset ?? null,
    idRange: [...conditionsOf(query.where)].some(
      (condition) => 'field' in condition && isId(condition.field) && RANGE_OPERATORS.has(condition.operator) && !('valueQuery' in condition),
    ),
    orderById: orderClauses(query.orderBy).some((clause) => 'field' in clause && isId(clause.field)),
    unbounded: !hasWhere && limit === null && !aggregatesOnly,
    masked: maskedText(query),
    parsed: true,
  };
}
