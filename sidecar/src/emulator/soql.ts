import soqlParser, { type Condition, type FieldType as SelectField, type Query } from 'soql-parser-js';
import { ApiError } from './errors.js';
import { isSalesforceId, toId18 } from '../contract/salesforce-id.js';
import type { FieldDef, ObjectDef } from './metadata.js';
import type { OrgStore, StoredRecord } from './store.js';
import type { FieldValue } from './validate.js';

// The package is CommonJS without static named exports.
const { parseQuery } = soqlParser;

type Row = Record<string, unknown>;

/** A resolved field path: the lookups to follow, then the field to read. */
interface Path {
  hops: FieldDef[];
  field: FieldDef;
  objects: ObjectDef[];
}

interface Range {
  start: number;
  end: number;
}

type Literal = FieldValue | Range;

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | Condition;

/** The parser's WHERE chain: a right-leaning list, parentheses counted on each condition. */
interface WhereNode {
  left: (Condition & { openParen?: number; closeParen?: number }) | null;
  operator?: string;
  right?: WhereNode;
}

interface Clause {
  field?: string;
  order?: string;
  nulls?: string;
}

const clauses = (value: unknown): Clause[] => (Array.isArray(value) ? value : value ? [value] : []) as Clause[];

const DAY = 86_400_000;

const resolvePath = (store: OrgStore, object: ObjectDef, dotted: string): Path => {
  const parts = dotted.split('.');
  const hops: FieldDef[] = [];
  const objects: ObjectDef[] = [object];
  let current = object;
  for (const part of parts.slice(0, -1)) {
    const lookupName = current.relationships.get(part) ?? [...current.relationships].find(([name]) => name.toLowerCase() === part.toLowerCase())?.[1];
    const lookup = lookupName ? current.fields.get(lookupName) : undefined;
    const next = lookup?.referenceTo ? store.object(lookup.referenceTo) : undefined;
    if (!lookup || !next)
      throw new ApiError(400, 'INVALID_FIELD', `Didn't understand relationship '${part}' in field path. No such column '${dotted}' on entity '${object.name}'`);
    hops.push(lookup);
    objects.push(next);
    current = next;
  }
  const last = parts[parts.length - 1] as string;
  const fieldName = current.fieldsByLowerName.get(last.toLowerCase());
  const field = fieldName ? current.fields.get(fieldName) : undefined;
  if (!field) throw new ApiError(400, 'INVALID_FIELD', `No such column '${last}' on entity '${current.name}'`);
  return { hops, field, objects };
};

const readPath = (store: OrgStore, record: StoredRecord, path: Path): FieldValue => {
  let current: StoredRecord | undefined = record;
  path.hops.forEach((hop, index) => {
    const id = current?.[hop.name];
    current = typeof id === 'string' ? store.get((path.objects[index + 1] as ObjectDef).name, id) : undefined;
  });
  return current?.[path.field.name] ?? null;
};

const startOfToday = (): number => {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
};

const dateLiteral = (value: string, n: number | undefined): Range => {
  const today = startOfToday();
  const literal = value.split(':')[0]?.toUpperCase();
  if (literal === 'TODAY') return { start: today, end: today + DAY };
  if (literal === 'YESTERDAY') return { start: today - DAY, end: today };
  if (literal === 'TOMORROW') return { start: today + DAY, end: today + 2 * DAY };
  if (literal === 'LAST_N_DAYS' && n !== undefined) return { start: today - n * DAY, end: today + DAY };
  if (literal === 'NEXT_N_DAYS' && n !== undefined) return { start: today, end: today + (n + 1) * DAY };
  throw new ApiError(400, 'MALFORMED_QUERY', `unsupported date literal: ${value}`);
};

const literalValue = (raw: string, type: string | undefined, n?: number): Literal => {
  if (type === 'STRING') return raw.slice(1, -1).replace(/\\(.)/g, '$1');
  if (type === 'INTEGER' || type === 'DECIMAL' || type === 'INTEGER_WITH_CURRENCY_PREFIX' || type === 'DECIMAL_WITH_CURRENCY_PREFIX') {
    return Number(raw.replace(/^[A-Z]{3}/, ''));
  }
  if (type === 'BOOLEAN') return raw.toUpperCase() === 'TRUE';
  if (type === 'NULL') return null;
  if (type === 'DATE_LITERAL' || type === 'DATE_N_LITERAL') return dateLiteral(raw, n);
  return raw;
};

const ID_TYPES = new Set(['Id', 'Lookup', 'MasterDetail']);

const comparable = (field: FieldDef, value: FieldValue): number | string | boolean | null => {
  if (value === null) return null;
  if (ID_TYPES.has(field.type) && typeof value === 'string' && isSalesforceId(value)) return toId18(value);
  if (field.type === 'DateTime' || field.type === 'Date') return Date.parse(String(value).replace(/\+0000$/, 'Z'));
  if (typeof value === 'string') return value.toLowerCase();
  return value;
};

const compare = (field: FieldDef, actual: FieldValue, operator: string, literal: Literal): boolean => {
  if (literal !== null && typeof literal === 'object') {
    const time = actual === null ? null : (comparable(field, actual) as number);
    if (time === null) return operator === '!=';
    if (operator === '=') return time >= literal.start && time < literal.end;
    if (operator === '!=') return time < literal.start || time >= literal.end;
    if (operator === '>') return time >= literal.end;
    if (operator === '>=') return time >= literal.start;
    if (operator === '<') return time < literal.start;
    return time < literal.end;
  }
  const left = comparable(field, actual);
  const right = comparable(field, literal);
  if (operator === '=') return left === right;
  if (operator === '!=' || operator === '<>') return left !== right;
  if (left === null || right === null) return false;
  if (operator === '<') return left < right;
  if (operator === '<=') return left <= right;
  if (operator === '>') return left > right;
  if (operator === '>=') return left >= right;
  throw new ApiError(400, 'MALFORMED_QUERY', `unsupported operator: ${operator}`);
};

const likeMatcher = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/%/g, '.*')
      .replace(/_/g, '.')}$`,
    'is',
  );

const conditionMatcher = (store: OrgStore, object: ObjectDef, condition: Condition): ((record: StoredRecord) => boolean) => {
  if (!('field' in condition) || typeof condition.field !== 'string') {
    throw new ApiError(400, 'MALFORMED_QUERY', 'only field comparisons are supported in WHERE');
  }
  const path = resolvePath(store, object, condition.field);
  const operator = condition.operator.toUpperCase();
  const n = 'dateLiteralVariable' in condition ? (condition.dateLiteralVariable as number | undefined) : undefined;
  const raw = condition.value;
  if (operator === 'IN' || operator === 'NOT IN') {
    const values = (Array.isArray(raw) ? raw : [raw]).map((item) =>
      comparable(path.field, literalValue(String(item), condition.literalType as string, n) as FieldValue),
    );
    return (record) => values.includes(comparable(path.field, readPath(store, record, path))) === (operator === 'IN');
  }
  const literal = literalValue(String(raw), condition.literalType as string, n);
  if (operator === 'LIKE') {
    const matcher = likeMatcher(String(literal));
    return (record) => matcher.test(String(readPath(store, record, path) ?? ''));
  }
  return (record) => compare(path.field, readPath(store, record, path), operator, literal);
};

const tokens = (where: WhereNode | undefined, out: Token[] = []): Token[] => {
  if (!where) return out;
  const { left } = where;
  if (left) {
    out.push(...Array<Token>(left.openParen ?? 0).fill('('), left, ...Array<Token>(left.closeParen ?? 0).fill(')'));
  }
  if (where.operator) out.push(where.operator as Token);
  return tokens(where.right, out);
};

/** Builds a predicate from the flat token list, with NOT binding tighter than AND, AND tighter than OR. */
const predicate = (store: OrgStore, object: ObjectDef, list: Token[]): ((record: StoredRecord) => boolean) => {
  let position = 0;
  const expect = (token: Token): void => {
    if (list[position] !== token) throw new ApiError(400, 'MALFORMED_QUERY', 'unbalanced parentheses in WHERE');
    position += 1;
  };
  const primary = (): ((record: StoredRecord) => boolean) => {
    const token = list[position];
    if (token === 'NOT') {
      position += 1;
      const inner = primary();
      return (record) => !inner(record);
    }
    if (token === '(') {
      position += 1;
      const inner = or();
      expect(')');
      return inner;
    }
    if (token === undefined || typeof token === 'string') throw new ApiError(400, 'MALFORMED_QUERY', 'unexpected token in WHERE');
    position += 1;
    return conditionMatcher(store, object, token);
  };
  const and = (): ((record: StoredRecord) => boolean) => {
    const parts = [primary()];
    while (list[position] === 'AND') {
      position += 1;
      parts.push(primary());
    }
    return (record) => parts.every((part) => part(record));
  };
  const or = (): ((record: StoredRecord) => boolean) => {
    const parts = [and()];
    while (list[position] === 'OR') {
      position += 1;
      parts.push(and());
    }
    return (record) => parts.some((part) => part(record));
  };
  if (list.length === 0) return () => true;
  const result = or();
  if (position !== list.length) throw new ApiError(400, 'MALFORMED_QUERY', 'unexpected token in WHERE');
  return result;
};

const sorter = (store: OrgStore, object: ObjectDef, query: Query): ((a: StoredRecord, b: StoredRecord) => number) => {
  const orderBy = clauses(query.orderBy).map((clause) => {
    if (!clause.field) throw new ApiError(400, 'MALFORMED_QUERY', 'only fields are supported in ORDER BY');
    const descending = clause.order === 'DESC';
    return { path: resolvePath(store, object, clause.field), descending, nullsLast: clause.nulls ? clause.nulls === 'LAST' : descending };
  });
  return (a, b) => {
    for (const { path, descending, nullsLast } of orderBy) {
      const left = comparable(path.field, readPath(store, a, path));
      const right = comparable(path.field, readPath(store, b, path));
      if (left === right) continue;
      if (left === null) return nullsLast ? 1 : -1;
      if (right === null) return nullsLast ? -1 : 1;
      return (left < right ? -1 : 1) * (descending ? -1 : 1);
    }
    return 0;
  };
};

const attributes = (apiVersion: string, type: string, id: unknown): Row => ({
  type,
  url: `/services/data/v${apiVersion}/sobjects/${type}/${String(id)}`,
});

const project = (store: OrgStore, object: ObjectDef, record: StoredRecord, paths: Path[], apiVersion: string): Row => {
  const row: Row = { attributes: attributes(apiVersion, object.name, record.Id) };
  for (const path of paths) {
    let target: Row = row;
    let current: StoredRecord | undefined = record;
    path.hops.forEach((hop, index) => {
      const type = (path.objects[index + 1] as ObjectDef).name;
      const id = current?.[hop.name];
      current = typeof id === 'string' ? store.get(type, id) : undefined;
      const key = hop.relationshipName as string;
      if (!current) {
        target[key] = null;
        return;
      }
      const nested = (target[key] as Row | null | undefined) ?? { attributes: attributes(apiVersion, type, current.Id) };
      target[key] = nested;
      target = nested;
    });
    if (current) target[path.field.name] = current[path.field.name] ?? null;
  }
  return row;
};

const aggregate = (store: OrgStore, object: ObjectDef, fields: SelectField[], query: Query, records: StoredRecord[]): Row[] => {
  const groups = clauses(query.groupBy).map((clause) => {
    if (!clause.field) throw new ApiError(400, 'MALFORMED_QUERY', 'only fields are supported in GROUP BY');
    return resolvePath(store, object, clause.field);
  });
  const buckets = new Map<string, StoredRecord[]>();
  if (groups.length === 0) buckets.set('[]', []);
  for (const record of records) {
    const key = JSON.stringify(groups.map((path) => readPath(store, record, path)));
    buckets.set(key, [...(buckets.get(key) ?? []), record]);
  }
  let expression = 0;
  const columns = fields.map((field) => {
    if (field.type === 'Field') {
      const path = resolvePath(store, object, field.field);
      return { name: field.alias ?? path.field.name, value: (rows: StoredRecord[]) => (rows[0] ? readPath(store, rows[0], path) : null) };
    }
    if (field.type !== 'FieldFunctionExpression') throw new ApiError(400, 'MALFORMED_QUERY', 'unsupported select item');
    const name = field.alias ?? `expr${expression++}`;
    const argument = field.parameters?.[0];
    const path = typeof argument === 'string' ? resolvePath(store, object, argument) : undefined;
    const values = (rows: StoredRecord[]) => rows.map((row) => (path ? readPath(store, row, path) : 1)).filter((value) => value !== null);
    const fn = field.functionName.toUpperCase();
    if (fn === 'COUNT') return { name, value: (rows: StoredRecord[]) => values(rows).length };
    if (fn === 'SUM') return { name, value: (rows: StoredRecord[]) => values(rows).reduce<number>((sum, value) => sum + Number(value), 0) };
    if (fn === 'MAX' || fn === 'MIN') {
      return {
        name,
        value: (rows: StoredRecord[]) =>
          values(rows).reduce<FieldValue>((best, value) => (best === null || (fn === 'MAX' ? value > best : value < best) ? value : best), null),
      };
    }
    throw new ApiError(400, 'MALFORMED_QUERY', `unsupported function: ${field.functionName}`);
  });
  return [...buckets.values()].map((rows) => ({
    attributes: { type: 'AggregateResult' },
    ...Object.fromEntries(columns.map((column) => [column.name, column.value(rows)])),
  }));
};

interface QueryResult {
  totalSize: number;
  records: Row[];
}

/** Who runs a query, for the objects whose rows depend on the user's permissions. */
interface QueryViewer {
  userId: string;
  customizeApplication: boolean;
  /** Manage Users: UserLogin needs it, and AuthSession shows other users' sessions with it. */
  manageUsers?: boolean;
  /** Whether the user holds a user permission (`ManageUsers`): UserPermissionAccess's one row. */
  holds?: (permission: string) => boolean;
}

/**
 * UserPermissionAccess (Object Reference, API 41.0+): "Represents the permissions accessibility for a
 * current user", one row whose `Permissions<PermissionName>` booleans say whether the calling user
 * holds each permission. Built at query time from what the user holds.
 */
const permissionAccessRow = (object: ObjectDef, viewer: QueryViewer | undefined): StoredRecord => {
  const row: StoredRecord = { LastCacheUpdate: new Date().toISOString() };
  for (const field of object.fields.keys()) {
    if (field.startsWith('Permissions')) row[field] = viewer?.holds?.(field.slice('Permissions'.length)) === true;
  }
  return row;
};

/**
 * Row visibility the Object Reference documents: `OauthToken` shows every user's tokens only to
 * users with Customize Application, and its `Id` is "reserved for future use … always null";
 * `AuthSession`: "For a user, only their own sessions are available, while administrators can see
 * all sessions" (the administrator's permission taken to be Manage Users, as for UserLogin).
 */
const visible =
  (object: ObjectDef, viewer: QueryViewer | undefined) =>
  (record: StoredRecord): boolean => {
    if (viewer === undefined) return true;
    if (object.name === 'OauthToken') return viewer.customizeApplication || record.UserId === viewer.userId;
    if (object.name === 'AuthSession')
      return viewer.manageUsers === true || (typeof record.UsersId === 'string' && toId18(record.UsersId) === toId18(viewer.userId));
    return true;
  };

const unsupportedType = (name: string): ApiError =>
  new ApiError(
    400,
    'INVALID_TYPE',
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
  );

/**
 * Objects a user without a permission cannot query at all, answered as an org answers an object the
 * user cannot access: as one it does not have (INVALID_TYPE). UserLogin: "To access this object, you
 * need the UserPermissions.ManageUsers permission."
 */
const inaccessible = (object: ObjectDef, viewer: QueryViewer | undefined): boolean =>
  viewer !== undefined && object.name === 'UserLogin' && viewer.manageUsers !== true;

/** The filters that bound a FieldDefinition query to one object. */
const ENTITY_FILTERS = new Set(['entitydefinitionid', 'entitydefinition.qualifiedapiname', 'entitydefinition.durableid']);

/**
 * FieldDefinition answers only queries bounded to one object, with equality only: the Tooling API's
 * "SOQL Operation Limitations" (no COUNT(), GROUP BY, OR, NOT; "Only equals comparisons permitted";
 * "Disjunctions not supported"). The message for a missing object filter is the emulator's own.
 */
const checkFieldDefinitionQuery = (fields: SelectField[], query: Query, where: Token[]): void => {
  if (fields.some((field) => field.type === 'FieldFunctionExpression') || clauses(query.groupBy).length > 0) {
    throw new ApiError(
      400,
      'MALFORMED_QUERY',
      'The requested operation is not yet supported by this SObject storage type, contact salesforce.com support for more information.',
    );
  }
  if (where.includes('OR')) throw new ApiError(400, 'MALFORMED_QUERY', 'Disjunctions not supported');
  const conditions = where.filter((token): token is Condition => typeof token !== 'string');
  const operatorOf = (c: Condition): string => ('operator' in c && typeof c.operator === 'string' ? c.operator.toUpperCase() : '');
  if (where.includes('NOT') || conditions.some((c) => !['=', 'IN'].includes(operatorOf(c)))) {
    throw new ApiError(400, 'MALFORMED_QUERY', 'Only equals comparisons permitted');
  }
  const bounded = conditions.some((c) => 'field' in c && typeof c.field === 'string' && operatorOf(c) === '=' && ENTITY_FILTERS.has(c.field.toLowerCase()));
  if (!bounded) {
    throw new ApiError(
      400,
      'MALFORMED_QUERY',
      "FieldDefinition queries must filter on one object: EntityDefinition.QualifiedApiName = '…', EntityDefinition.DurableId = '…' or EntityDefinitionId = '…'",
    );
  }
};

/** Runs a SOQL subset: SELECT fields, parent fields, COUNT()/aggregates with GROUP BY; WHERE; ORDER BY; LIMIT; OFFSET. */
export const runQuery = (store: OrgStore, soql: string, apiVersion: string, viewer?: QueryViewer): QueryResult => {
  let query: Query;
  try {
    query = parseQuery(soql);
  } catch (error) {
    throw new ApiError(400, 'MALFORMED_QUERY', error instanceof Error ? (error.message.split('\n')[0] ?? 'malformed query') : 'malformed query');
  }
  const object = query.sObject ? store.object(query.sObject) : undefined;
  if (!object || inaccessible(object, viewer)) throw unsupportedType(query.sObject ?? '');
  // Platform events are published, never stored: SOQL does not reach them.
  if (object.event) throw new ApiError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type ${object.name} does not support query`);
  const fields = query.fields ?? [];
  const where = tokens(query.where as WhereNode | undefined);
  if (object.name === 'FieldDefinition') checkFieldDefinitionQuery(fields, query, where);
  const matches = predicate(store, object, where);
  const rows = object.name === 'UserPermissionAccess' ? [permissionAccessRow(object, viewer)] : store.records(object.name);
  const selected = rows
    .filter(visible(object, viewer))
    .filter(matches)
    .sort(sorter(store, object, query));
  // FieldDefinition ignores LIMIT and OFFSET (Tooling API, "SOQL Operation Limitations").
  const window = <T>(rows: T[]): T[] =>
    object.name === 'FieldDefinition' ? rows : rows.slice(query.offset ?? 0, query.limit === undefined ? undefined : (query.offset ?? 0) + query.limit);
  const page = window(selected);
  const [first] = fields;
  if (fields.length === 1 && first?.type === 'FieldFunctionExpression' && first.functionName.toUpperCase() === 'COUNT' && !first.parameters?.length) {
    return { totalSize: page.length, records: [] };
  }
  if (fields.some((field) => field.type === 'FieldFunctionExpression')) {
    // LIMIT and OFFSET count the groups of an aggregate query, not the rows grouped.
    const rows = window(aggregate(store, object, fields, query, selected));
    return { totalSize: rows.length, records: rows };
  }
  const paths = fields.map((field) => {
    if (field.type === 'Field') return resolvePath(store, object, field.field);
    if (field.type === 'FieldRelationship') return resolvePath(store, object, `${field.relationships.join('.')}.${field.field}`);
    throw new ApiError(400, 'MALFORMED_QUERY', 'unsupported select item');
  });
  const nullId = object.name === 'OauthToken';
  return {
    totalSize: page.length,
    records: page.map((record) => project(store, object, nullId ? { ...record, Id: null } : record, paths, apiVersion)),
  };
};
