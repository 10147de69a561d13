/**
 * The preview (scripts/preview/controllers.ts) answers the dashboards' Apex controllers in TypeScript, so it restates
 * their statuses, field lists, limits and messages. These tests read the Apex source and fail when the preview's copy
 * drifts from it: the verdict triage (VerdictController, VerdictSelector, VerdictStatuses, IncidentEscalationService),
 * the overview (OverviewController) and the incident console (IncidentController, IncidentMilestoneService,
 * IncidentChangeService). Every message the preview refuses with must be one the package (or, where the preview
 * emulates the sidecar, the sidecar) words the same way.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  ALERT_SEVERITIES,
  FINDING_FIELDS,
  INCIDENT_FIELDS,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUS_ORDER,
  INCIDENT_VERDICT_FIELDS,
  LIST_FIELDS,
  MAX_FINDINGS,
  MAX_LISTED,
  MAX_MERGED,
  MAX_ROWS,
  MAX_SPLIT,
  MERGED,
  MILESTONES,
  ONLY_LEAKWATCH,
  OPEN_VERDICT_STATUSES,
  SEVERITIES,
  SORTABLE_FIELDS,
  TOP_ACTORS,
  TREND_DAYS,
  TRIAGE,
  VERDICT_DETAIL_FIELDS,
  VERDICT_STATUS,
  VERDICT_STATUS_ORDER,
} from '../preview/controllers.js';
import { listFiles, packageDir, readObjects, repoRoot } from './project.js';

/** An Apex class read without its comments, and the string literals it holds (escapes resolved). */
interface ApexSource {
  code: string;
  literals: string[];
}

/** Splits Apex into code without comments and its string literals; apostrophes in comments ("sidecar's") stay out. */
export function readApexSource(text: string): ApexSource {
  let code = '';
  const literals: string[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '/' && text[index + 1] === '/') {
      while (index < text.length && text[index] !== '\n') index += 1;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? text.length : end + 2;
      code += ' ';
    } else if (char === "'") {
      let literal = '';
      index += 1;
      while (index < text.length && text[index] !== "'") {
        if (text[index] === '\\') {
          const escaped = text[index + 1]!;
          literal += ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[escaped] ?? escaped;
          index += 2;
        } else {
          literal += text[index];
          index += 1;
        }
      }
      index += 1;
      literals.push(literal);
      code += `'${literal.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    } else {
      code += char;
      index += 1;
    }
  }
  return { code, literals };
}

const apexClass = (feature: string, name: string): ApexSource =>
  readApexSource(readFileSync(join(packageDir, 'main', feature, 'classes', `${name}.cls`), 'utf8'));

const unquote = (literal: string): string => literal.slice(1, -1).replace(/\\(.)/g, '$1');

/** A String constant: `NAME = 'value';`. */
export function stringConstant(source: ApexSource, name: string): string {
  const match = new RegExp(`\\b${name}\\s*=\\s*('(?:[^'\\\\]|\\\\.)*')\\s*;`).exec(source.code);
  if (!match) throw new Error(`no String constant ${name}`);
  return unquote(match[1]!);
}

/** An Integer constant: `NAME = 20;`. */
export function integerConstant(source: ApexSource, name: string): number {
  const match = new RegExp(`\\b${name}\\s*=\\s*(\\d+)\\s*;`).exec(source.code);
  if (!match) throw new Error(`no Integer constant ${name}`);
  return Number(match[1]);
}

/** A literal, a String constant of the class, or a field token (`Incident__c.ConfirmedAt__c` → `ConfirmedAt__c`). */
function apexValue(source: ApexSource, token: string): string {
  const value = token.trim();
  if (value.startsWith("'")) return unquote(value);
  if (/^\w+$/.test(value)) return stringConstant(source, value);
  return value.split('.').pop()!;
}

/** The items of a `new List<…>{ … }` or `new Set<…>{ … }` assigned to `name`, constants resolved. */
export function apexItems(source: ApexSource, name: string): string[] {
  const body = new RegExp(`\\b${name}\\s*=\\s*new (?:List|Set)<[^>]+>\\s*\\{([\\s\\S]*?)\\};`).exec(source.code)?.[1];
  if (body === undefined) throw new Error(`no List or Set ${name}`);
  return [...body.matchAll(/'(?:[^'\\]|\\.)*'|[\w.]+/g)].map((match) => apexValue(source, match[0]));
}

/** The entries of a `new Map<…>{ … }` assigned to `name`, keys and values resolved. */
export function apexEntries(source: ApexSource, name: string): Record<string, string> {
  const body = new RegExp(`\\b${name}\\s*=\\s*new Map<[^{]+>\\s*\\{([\\s\\S]*?)\\};`).exec(source.code)?.[1];
  if (body === undefined) throw new Error(`no Map ${name}`);
  const token = `'(?:[^'\\\\]|\\\\.)*'|[\\w.]+`;
  const entries: Record<string, string> = {};
  for (const match of body.matchAll(new RegExp(`(${token})\\s*=>\\s*(${token})`, 'g'))) {
    entries[apexValue(source, match[1]!)] = apexValue(source, match[2]!);
  }
  return entries;
}

/** The body of a method, braces matched. */
function methodBody(source: ApexSource, name: string): string {
  const start = new RegExp(`\\b${name}\\s*\\([^)]*\\)\\s*\\{`).exec(source.code);
  if (!start) throw new Error(`no method ${name}`);
  let depth = 1;
  let index = start.index + start[0].length;
  while (depth > 0 && index < source.code.length) {
    if (source.code[index] === '{') depth += 1;
    else if (source.code[index] === '}') depth -= 1;
    index += 1;
  }
  return source.code.slice(start.index, index);
}

/** The select list of the `nth` query of an object in a method: `SELECT a, b FROM Object`. */
export function selectedFields(source: ApexSource, method: string, object: string, nth = 0): string[] {
  const queries = [...methodBody(source, method).matchAll(new RegExp(`SELECT\\s+([\\s\\S]*?)\\s+FROM\\s+${object}\\b`, 'g'))];
  const list = queries[nth]?.[1];
  if (list === undefined) throw new Error(`no query ${nth} of ${object} in ${method}`);
  return list.split(',').map((field) => field.trim());
}

/** A comma-separated field list built from concatenated literals: `'Id, Name, ' + 'Status__c'`. */
function concatenatedFields(source: ApexSource, name: string): string[] {
  const expression = new RegExp(`\\b${name}\\s*=\\s*((?:'(?:[^'\\\\]|\\\\.)*'\\s*\\+?\\s*)+);`).exec(source.code)?.[1];
  if (expression === undefined) throw new Error(`no concatenated String ${name}`);
  return [...expression.matchAll(/'(?:[^'\\]|\\.)*'/g)]
    .map((match) => unquote(match[0]))
    .join('')
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean);
}

const picklist = (object: string, field: string): string[] => {
  const values = readObjects().get(object)?.fields.get(field)?.picklistValues;
  if (!values) throw new Error(`no picklist ${object}.${field}`);
  return values;
};

/** The text a message is made of: a literal whole, a template in the parts around its placeholders. */
function messageParts(node: ts.Expression): string[] | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].filter(Boolean);
  return undefined;
}

/**
 * Every message a preview module refuses with, in parts: the literal or template argument of `new ApexError(…)`, and the
 * messages handed to the preview's `selection(…)` helper, which throws them as they are.
 */
export function previewMessages(file: string): string[][] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const messages: string[][] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'ApexError') {
      const parts = node.arguments?.[0] && messageParts(node.arguments[0]);
      if (parts) messages.push(parts);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'selection') {
      for (const argument of node.arguments.slice(3)) {
        const parts = messageParts(argument);
        if (parts) messages.push(parts);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return messages;
}

/** Messages of the sidecar's that the preview emulates (merge and split run there), found in its source. */
const SIDECAR_MESSAGES = new Set(['A split must leave at least one verdict in the incident.']);
/** Messages only the preview has: the emulated org updates incidents by key, which Apex does by id. */
const PREVIEW_ONLY_MESSAGES = new Set(['This incident has no key and cannot be updated here.']);

describe('the preview answers as the dashboards’ Apex does', () => {
  const statuses = apexClass('dashboards', 'VerdictStatuses');
  const selector = apexClass('dashboards', 'VerdictSelector');
  const overview = apexClass('dashboards', 'OverviewController');
  const escalation = apexClass('dashboards', 'IncidentEscalationService');
  const incidents = apexClass('dashboards', 'IncidentController');
  const milestones = apexClass('dashboards', 'IncidentMilestoneService');
  const changes = apexClass('dashboards', 'IncidentChangeService');

  it('reads Apex constants, collections and queries, and leaves comments out', () => {
    const source = readApexSource(
      [
        "// the sidecar's own",
        "String X = 'x'; /* it's */ String Q = 'it\\'s';",
        "Set<String> S = new Set<String>{ X, 'y' }; List<String> L = new List<String>{ 'b', X };",
        "Map<String, Schema.SObjectField> F = new Map<String, Schema.SObjectField>{ 'a' => Incident__c.ConfirmedAt__c, X => 'z' };",
        'Integer N = 20; void m() { [SELECT Id, Name FROM LeakVerdict__c WHERE Id = :x]; }',
      ].join('\n'),
    );
    expect(source.literals).toEqual(['x', "it's", 'y', 'b', 'a', 'z']);
    expect(stringConstant(source, 'Q')).toBe("it's");
    expect(apexItems(source, 'S')).toEqual(['x', 'y']);
    expect(apexItems(source, 'L')).toEqual(['b', 'x']);
    expect(apexEntries(source, 'F')).toEqual({ a: 'ConfirmedAt__c', x: 'z' });
    expect(integerConstant(source, 'N')).toBe(20);
    expect(selectedFields(source, 'm', 'LeakVerdict__c')).toEqual(['Id', 'Name']);
  });

  it('names the verdict statuses as VerdictStatuses does, and only statuses the picklist has', () => {
    const values = picklist('LeakVerdict__c', 'Status__c');
    for (const [name, status] of Object.entries(VERDICT_STATUS)) {
      expect(stringConstant(statuses, name), name).toBe(status);
      expect(values, name).toContain(status);
    }
    expect([...OPEN_VERDICT_STATUSES].sort()).toEqual(apexItems(statuses, 'OPEN').sort());
    expect(VERDICT_STATUS_ORDER).toEqual(values);
  });

  it('counts, sorts and lists the overview as OverviewController does', () => {
    expect(SEVERITIES).toEqual(apexItems(overview, 'SEVERITIES'));
    expect(SEVERITIES).toEqual(picklist('LeakVerdict__c', 'Severity__c'));
    expect([...ALERT_SEVERITIES].sort()).toEqual(apexItems(overview, 'ALERT_SEVERITIES').sort());
    expect(TREND_DAYS).toBe(integerConstant(overview, 'TREND_DAYS'));
    expect(TOP_ACTORS).toBe(integerConstant(overview, 'TOP_ACTORS'));
    expect(overview.code).toContain('Status__c IN :VerdictStatuses.OPEN');
    expect(overview.code).toContain('Status__c = :VerdictStatuses.UNTRIAGED');
  });

  it('lists, reads and suppresses verdicts with VerdictSelector’s fields, columns and limits', () => {
    expect(LIST_FIELDS).toEqual(concatenatedFields(selector, 'LIST_FIELDS'));
    expect([...SORTABLE_FIELDS].sort()).toEqual(apexItems(selector, 'SORTABLE_FIELDS').sort());
    expect(VERDICT_DETAIL_FIELDS).toEqual(selectedFields(selector, 'detail', 'LeakVerdict__c'));
    expect(FINDING_FIELDS).toEqual(selectedFields(selector, 'findings', 'PiiFinding__c'));
    expect(MAX_ROWS).toBe(integerConstant(selector, 'MAX_ROWS'));
    expect(MAX_FINDINGS).toBe(integerConstant(selector, 'MAX_FINDINGS'));
    expect(methodBody(selector, 'openSimilarTo')).toContain('Status__c IN :VerdictStatuses.OPEN');
  });

  it('opens an incident from verdicts as IncidentEscalationService does', () => {
    expect(INCIDENT_SEVERITIES).toEqual(apexItems(escalation, 'SEVERITY_ORDER'));
    expect(INCIDENT_SEVERITIES).toEqual(picklist('Incident__c', 'Severity__c'));
    expect(MAX_LISTED).toBe(integerConstant(escalation, 'MAX_LISTED'));
    expect(escalation.code).toContain('Status__c = IncidentMilestoneService.TRIAGE');
    expect(escalation.code).toContain('Status__c = VerdictStatuses.ESCALATED');
  });

  it('records milestones, merges and splits incidents as the incident console’s Apex does', () => {
    const incidentStatuses = picklist('Incident__c', 'Status__c');
    expect(TRIAGE).toBe(stringConstant(milestones, 'TRIAGE'));
    expect(MERGED).toBe(stringConstant(milestones, 'MERGED'));
    expect(INCIDENT_STATUS_ORDER).toEqual(apexItems(milestones, 'STATUS_ORDER'));
    expect([...INCIDENT_STATUS_ORDER, MERGED]).toEqual(incidentStatuses);
    const labels = Object.fromEntries(Object.entries(MILESTONES).map(([name, milestone]) => [name, milestone.label]));
    const fields = Object.fromEntries(Object.entries(MILESTONES).flatMap(([name, milestone]) => (milestone.field ? [[name, milestone.field]] : [])));
    const moves = Object.fromEntries(Object.entries(MILESTONES).flatMap(([name, milestone]) => (milestone.status ? [[name, milestone.status]] : [])));
    expect(labels).toEqual(apexEntries(milestones, 'MILESTONE_LABELS'));
    expect(fields).toEqual(apexEntries(milestones, 'MILESTONE_FIELDS'));
    expect(moves).toEqual(apexEntries(milestones, 'MILESTONE_STATUSES'));
    expect(MAX_MERGED).toBe(integerConstant(changes, 'MAX_MERGED'));
    expect(MAX_SPLIT).toBe(integerConstant(changes, 'MAX_SPLIT'));
    expect(ONLY_LEAKWATCH).toBe(stringConstant(changes, 'ONLY_LEAKWATCH'));
  });

  it('reads incidents and their verdicts with IncidentController’s fields, and only what the emulation needs besides', () => {
    expect([...INCIDENT_FIELDS].sort()).toEqual([...selectedFields(incidents, 'getIncidents', 'Incident__c'), 'IncidentKey__c'].sort());
    expect([...INCIDENT_VERDICT_FIELDS].sort()).toEqual(
      [...selectedFields(incidents, 'getIncidentVerdicts', 'LeakVerdict__c'), 'RecordCount__c', 'DetectedAt__c'].sort(),
    );
  });

  it('refuses with the package’s words, message for message', () => {
    const apexLiterals = listFiles(join(packageDir, 'main'), ['.cls']).flatMap((path) => readApexSource(readFileSync(path, 'utf8')).literals);
    const sidecarSource = listFiles(join(repoRoot, 'sidecar', 'src'), ['.ts'])
      .map((path) => readFileSync(path, 'utf8'))
      .join('\n');
    const previewFiles = ['controllers.ts', 'setup-controllers.ts'].map((file) => join(repoRoot, 'scripts', 'preview', file));
    const drifted: string[] = [];
    let checked = 0;
    for (const file of previewFiles) {
      for (const parts of previewMessages(file)) {
        checked += 1;
        const whole = parts.join('…');
        if (PREVIEW_ONLY_MESSAGES.has(whole)) continue;
        if (SIDECAR_MESSAGES.has(whole)) {
          if (!sidecarSource.includes(whole)) drifted.push(`${basename(file)} (sidecar): ${whole}`);
          continue;
        }
        const missing = parts.filter((part) => !apexLiterals.some((literal) => literal.includes(part)));
        if (missing.length > 0) drifted.push(`${basename(file)}: ${whole} — not in Apex: ${missing.map((part) => JSON.stringify(part)).join(', ')}`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(drifted).toEqual([]);
  });
});
