/**
 * Static proof that every field the sidecar writes exists in the package with a compatible type. The sidecar's
 * write-back mapping (sidecar/src/verdicts/*.ts) builds records as object literals
 * `{ sobject: '<Object>', externalIdField: '<Field>', fields: { <Field>: <value>, ... } }`. The TypeScript compiler
 * reads them: each value's type (a string-literal union, a string cut by `text(value, n)`, a number fitted by
 * `number(value, precision, scale)`, a boolean, a `toISOString()` timestamp, or a `<Lookup>__r` reference by
 * external id) is checked against the field definition in force-app.
 *
 * The coverage map (sidecar/src/collect/publish-coverage.ts, `CollectorStatus__c`) is built by a function, not a
 * mapping literal: its records, in every state, go through the org emulator's own record parser, which validates
 * against the same force-app definitions as a real org would.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { SourceCoverage } from '../../sidecar/src/collect/coverage.js';
import { collectorStatusRecord, coverageState } from '../../sidecar/src/collect/publish-coverage.js';
import { loadSchema } from '../../sidecar/src/emulator/metadata.js';
import { parseRecord } from '../../sidecar/src/emulator/validate.js';
import { type FieldDefinition, type ObjectDefinition, packageDir, readObjects, repoRoot } from './project.js';

type Written =
  | { kind: 'text'; maxLength?: number }
  | { kind: 'literals'; values: string[] }
  | { kind: 'number'; precision?: number; scale?: number }
  | { kind: 'boolean' }
  | { kind: 'datetime' }
  | { kind: 'reference'; externalIdField: string }
  | { kind: 'unknown'; type: string };

export interface WrittenField {
  file: string;
  line: number;
  sobject: string;
  field: string;
  written: Written;
}

const TEXT_TYPES = new Set(['Text', 'TextArea', 'LongTextArea', 'Email', 'Phone', 'Url']);

function numericValue(expression: ts.Expression | undefined, checker: ts.TypeChecker): number | undefined {
  if (!expression) return undefined;
  if (ts.isNumericLiteral(expression)) return Number(expression.text.replace(/_/g, ''));
  if (ts.isIdentifier(expression)) {
    const local = checker.getSymbolAtLocation(expression);
    const symbol = local && local.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(local) : local;
    const declaration = symbol?.valueDeclaration;
    if (declaration && ts.isVariableDeclaration(declaration)) return numericValue(declaration.initializer, checker);
  }
  return undefined;
}

function propertyNamed(literal: ts.ObjectLiteralExpression, name: string): ts.PropertyAssignment | undefined {
  return literal.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === name);
}

function describeValue(expression: ts.Expression, checker: ts.TypeChecker): Written {
  if (ts.isConditionalExpression(expression)) {
    const branches = [expression.whenTrue, expression.whenFalse].filter((branch) => branch.kind !== ts.SyntaxKind.NullKeyword);
    if (branches.length === 1) return describeValue(branches[0]!, checker);
  }
  if (ts.isCallExpression(expression)) {
    const callee = expression.expression.getText();
    if (callee === 'text') return { kind: 'text', maxLength: numericValue(expression.arguments[1], checker) };
    if (callee === 'number') {
      return { kind: 'number', precision: numericValue(expression.arguments[1], checker), scale: numericValue(expression.arguments[2], checker) };
    }
    if (callee.endsWith('.toISOString')) return { kind: 'datetime' };
  }
  const type = checker.getNonNullableType(checker.getTypeAtLocation(expression));
  const parts = type.isUnion() ? type.types : [type];
  if (parts.every((part) => part.isStringLiteral())) return { kind: 'literals', values: parts.map((part) => (part as ts.StringLiteralType).value) };
  if (parts.every((part) => (part.flags & ts.TypeFlags.BooleanLike) !== 0)) return { kind: 'boolean' };
  if (parts.every((part) => (part.flags & ts.TypeFlags.StringLike) !== 0)) return { kind: 'text' };
  if (parts.every((part) => (part.flags & ts.TypeFlags.NumberLike) !== 0)) return { kind: 'number' };
  return { kind: 'unknown', type: checker.typeToString(type) };
}

/** Every field written by an `{ sobject, fields }` object literal in the given files. */
export function writtenFields(files: string[]): { records: number; fields: WrittenField[]; externalIds: WrittenField[] } {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const fields: WrittenField[] = [];
  const externalIds: WrittenField[] = [];
  let records = 0;
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const sobject = propertyNamed(node, 'sobject')?.initializer;
        const values = propertyNamed(node, 'fields')?.initializer;
        if (sobject && ts.isStringLiteral(sobject) && values && ts.isObjectLiteralExpression(values)) {
          records += 1;
          const at = (n: ts.Node) => source.getLineAndCharacterOfPosition(n.getStart()).line + 1;
          const externalIdField = propertyNamed(node, 'externalIdField')?.initializer;
          if (externalIdField && ts.isStringLiteral(externalIdField)) {
            externalIds.push({ file, line: at(externalIdField), sobject: sobject.text, field: externalIdField.text, written: { kind: 'text' } });
          }
          for (const property of values.properties) {
            if (!ts.isPropertyAssignment(property)) {
              fields.push({
                file,
                line: at(property),
                sobject: sobject.text,
                field: property.getText(),
                written: { kind: 'unknown', type: 'not a plain property' },
              });
              continue;
            }
            const name = property.name.getText();
            const value = property.initializer;
            const written: Written =
              name.endsWith('__r') && ts.isObjectLiteralExpression(value) && value.properties.length === 1
                ? { kind: 'reference', externalIdField: value.properties[0]!.name!.getText() }
                : describeValue(value, checker);
            fields.push({ file, line: at(property), sobject: sobject.text, field: name, written });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { records, fields, externalIds };
}

function incompatibility(field: FieldDefinition, written: Written, objects: Map<string, ObjectDefinition>): string | undefined {
  switch (written.kind) {
    case 'text':
      if (!TEXT_TYPES.has(field.type)) return `a string into a ${field.type}`;
      if (written.maxLength !== undefined && (field.length ?? 0) < written.maxLength)
        return `up to ${written.maxLength} characters into length ${field.length}`;
      return undefined;
    case 'literals': {
      if (field.type === 'Picklist') {
        const missing = written.values.filter((value) => !field.picklistValues.includes(value));
        return missing.length ? `picklist values ${missing.join(', ')} are not defined` : undefined;
      }
      const longest = Math.max(...written.values.map((value) => value.length));
      return TEXT_TYPES.has(field.type) && (field.length ?? 0) >= longest ? undefined : `string values into a ${field.type}`;
    }
    case 'number': {
      if (!['Number', 'Percent', 'Currency'].includes(field.type)) return `a number into a ${field.type}`;
      if (written.precision === undefined || written.scale === undefined) return undefined;
      const integerDigits = (field.precision ?? 0) - (field.scale ?? 0);
      if (integerDigits < written.precision - written.scale || (field.scale ?? 0) < written.scale) {
        return `Number(${written.precision},${written.scale}) into Number(${field.precision},${field.scale})`;
      }
      return undefined;
    }
    case 'boolean':
      return field.type === 'Checkbox' ? undefined : `a boolean into a ${field.type}`;
    case 'datetime':
      return field.type === 'DateTime' ? undefined : `a timestamp into a ${field.type}`;
    case 'reference': {
      if (field.type !== 'Lookup' && field.type !== 'MasterDetail') return `a reference into a ${field.type}`;
      const target = objects.get(field.referenceTo ?? '')?.fields.get(written.externalIdField);
      return target?.externalId ? undefined : `${field.referenceTo}.${written.externalIdField} is not an external id`;
    }
    case 'unknown':
      return `a value of type ${written.type}`;
  }
}

/** Problems with the written fields: missing fields or incompatible types. */
export function fieldProblems(result: ReturnType<typeof writtenFields>, objects: Map<string, ObjectDefinition>): string[] {
  const problems: string[] = [];
  const where = (w: WrittenField) => `${w.file.replace(`${repoRoot}/`, '')}:${w.line} ${w.sobject}.${w.field}`;
  for (const written of result.fields) {
    const object = objects.get(written.sobject);
    const fieldName = written.written.kind === 'reference' ? written.field.replace(/__r$/, '__c') : written.field;
    const field = object?.fields.get(fieldName);
    if (!field) {
      problems.push(`${where(written)}: no such field in force-app`);
      continue;
    }
    const reason = incompatibility(field, written.written, objects);
    if (reason) problems.push(`${where(written)}: writes ${reason}`);
  }
  for (const written of result.externalIds) {
    if (!objects.get(written.sobject)?.fields.get(written.field)?.externalId) problems.push(`${where(written)}: not an external id`);
  }
  return problems;
}

const objects = readObjects();
const verdictsDir = join(repoRoot, 'sidecar', 'src', 'verdicts');
const mappingFiles = readdirSync(verdictsDir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => join(verdictsDir, name));

describe('fields the sidecar writes', () => {
  const result = writtenFields(mappingFiles);

  it('finds the write-back mapping of every object the sidecar writes', () => {
    expect(new Set(result.fields.map((field) => field.sobject))).toEqual(new Set(['LeakVerdict__c', 'PiiFinding__c', 'PermissionReview__c']));
    expect(result.fields.length).toBeGreaterThan(35);
  });

  it('reports a missing field, a too-short text field, an undefined picklist value and a wrong type', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakwatch-fields-'));
    const probe = join(dir, 'probe.ts');
    writeFileSync(
      probe,
      [
        'const text = (value: string, max: number): string | null => value.slice(0, max);',
        "const severity = 'Catastrophic' as 'High' | 'Catastrophic';",
        "export const record = { sobject: 'LeakVerdict__c', externalIdField: 'Reasons__c', fields: {",
        "  NoSuchField__c: 'x', ActorUserId__c: text('x', 40), Severity__c: severity, RiskScore__c: true, Incident__r: { Name: 'x' } } };",
      ].join('\n'),
    );
    const problems = fieldProblems(writtenFields([probe]), objects).map((problem) => problem.replace(/^\S+ /, ''));
    expect(problems).toEqual([
      'LeakVerdict__c.NoSuchField__c: no such field in force-app',
      'LeakVerdict__c.ActorUserId__c: writes up to 40 characters into length 18',
      'LeakVerdict__c.Severity__c: writes picklist values Catastrophic are not defined',
      'LeakVerdict__c.RiskScore__c: writes a boolean into a Number',
      'LeakVerdict__c.Incident__r: writes Incident__c.Name is not an external id',
      'LeakVerdict__c.Reasons__c: not an external id',
    ]);
  });

  it('writes only fields that exist, with compatible types', () => {
    expect(fieldProblems(result, objects)).toEqual([]);
  });
});

const publishCoverageFile = join(repoRoot, 'sidecar', 'src', 'collect', 'publish-coverage.ts');

/** The `upsert('<Object>', '<External id>', ...)` calls and the string values of the `STATES` table in a source file. */
export function coverageWrites(file: string): { upserts: { sobject: string; externalIdField: string }[]; states: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const upserts: { sobject: string; externalIdField: string }[] = [];
  const states: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText().endsWith('.upsert')) {
      const [sobject, externalIdField] = node.arguments;
      if (sobject && externalIdField && ts.isStringLiteral(sobject) && ts.isStringLiteral(externalIdField)) {
        upserts.push({ sobject: sobject.text, externalIdField: externalIdField.text });
      }
    }
    const initializer =
      ts.isVariableDeclaration(node) && node.initializer && ts.isAsExpression(node.initializer)
        ? node.initializer.expression
        : ts.isVariableDeclaration(node)
          ? node.initializer
          : undefined;
    if (ts.isVariableDeclaration(node) && node.name.getText() === 'STATES' && initializer && ts.isObjectLiteralExpression(initializer)) {
      for (const property of initializer.properties) {
        if (ts.isPropertyAssignment(property) && ts.isStringLiteral(property.initializer)) states.push(property.initializer.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { upserts, states };
}

describe('the coverage map the sidecar writes (CollectorStatus__c)', () => {
  const coverage = objects.get('CollectorStatus__c');
  const base: SourceCoverage = {
    source: 'LoginHistory',
    available: true,
    lastRowAt: '2026-11-23T08:14:00.000Z',
    lagSeconds: 60,
    rows24h: 1_204,
    rowsTotal: 98_765_432,
    lastSuccessAt: '2026-11-23T08:15:00.000Z',
    lastError: null,
    lastErrorAt: null,
    errorsTotal: 0,
  };
  const samples: SourceCoverage[] = [
    base,
    {
      ...base,
      source: 'EventLogFile',
      available: false,
      lastRowAt: null,
      lagSeconds: null,
      rows24h: 0,
      rowsTotal: 0,
      lastSuccessAt: null,
      lastError: "INVALID_TYPE: sObject type 'EventLogFile' is not supported.",
      lastErrorAt: '2026-11-23T08:15:00.000Z',
      errorsTotal: 1,
    },
    { ...base, source: 'OauthToken', lastError: `REQUEST_LIMIT_EXCEEDED: ${'x'.repeat(400)}`, lastErrorAt: '2026-11-23T08:16:00.000Z', errorsTotal: 3 },
    {
      ...base,
      source: `PermissionSetAssignment${'-'.repeat(100)}`,
      available: null,
      lastRowAt: null,
      lagSeconds: null,
      rows24h: 0,
      rowsTotal: 0,
      lastSuccessAt: null,
    },
    { ...base, source: '/event/ApiEventStream', lagSeconds: 2 },
    { ...base, source: '/event/ReportEventStream', lagSeconds: 1_800 },
  ];

  it('upserts by a unique external id of CollectorStatus__c', () => {
    const { upserts } = coverageWrites(publishCoverageFile);
    expect(upserts).toEqual([{ sobject: 'CollectorStatus__c', externalIdField: 'SourceKey__c' }]);
    expect(coverage?.fields.get('SourceKey__c')).toMatchObject({ externalId: true, unique: true, type: 'Text', length: 80 });
  });

  it('names only states that State__c lists', () => {
    const { states } = coverageWrites(publishCoverageFile);
    expect(states.length).toBeGreaterThan(3);
    expect(states.filter((state) => !coverage?.fields.get('State__c')?.picklistValues.includes(state))).toEqual([]);
  });

  it('writes records the org accepts in every state the sidecar reports', async () => {
    const schema = await loadSchema(packageDir);
    const object = schema.get('CollectorStatus__c');
    expect(object).toBeDefined();
    expect(new Set(samples.map(coverageState))).toEqual(new Set(['collected', 'unavailable', 'failing', 'pending', 'subscribed', 'lagging']));
    const issues = samples.flatMap((sample) => parseRecord(schema, object!, collectorStatusRecord(sample, new Date('2026-11-23T08:15:00.000Z'))).issues);
    expect(issues).toEqual([]);
  });
});
