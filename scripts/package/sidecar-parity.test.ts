/**
 * The package and the sidecar name some things in two languages: the collector sources the coverage panel lists,
 * the profiles that make a user an integration user, and the objects and counts canaries are planted with. Apex
 * cannot import TypeScript, so these tests pin the Apex copies, and the preview's mirrors of the coverage panel and
 * the setup tab (scripts/preview/controllers.ts, setup-controllers.ts), to the sidecar's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANARY_OBJECTS } from '../../sidecar/src/collect/canaries.js';
import { INTEGRATION_PROFILES } from '../../sidecar/src/collect/lookups.js';
import { SOURCE_NAMES } from '../../sidecar/src/collect/sources/index.js';
import { REALTIME_TOPICS, topicPath } from '../../sidecar/src/collect/realtime/map-event.js';
import {
  CLASSIFICATION_AWAITING_REVIEW,
  CLASSIFICATION_DECISIONS,
  CONTAINMENT_LABELS,
  CONTAINMENT_REFUSALS,
  CONTAINMENT_REVERSIBLE,
  CONTAINMENT_STATUS_REFUSALS,
  COVERAGE_SOURCES,
  COVERAGE_STREAMS,
  COVERAGE_STATE_LABELS,
  ENFORCEMENT_QUEUED,
  MAX_RECENT_DECISIONS,
  RECENT_DECISION_DAYS,
  SPECIAL_CATEGORIES,
} from '../preview/controllers.js';
import { CANARY_MAX_COUNT, COVERAGE_ATTENTION } from '../preview/setup-controllers.js';
import { packageDir, readObjects, readXml, repoRoot } from './project.js';

const apexClass = (feature: string, name: string): string => readFileSync(join(packageDir, 'main', feature, 'classes', `${name}.cls`), 'utf8');

/** A String constant of an Apex class: `NAME = 'value';`. */
function apexConstant(source: string, name: string): string | undefined {
  return new RegExp(`\\b${name}\\s*=\\s*'([^']*)'\\s*;`).exec(source)?.[1];
}

/** The literal `new <Type>{ ... }` assigned to `name` in an Apex class. */
function apexLiteral(source: string, name: string): string {
  const literal = new RegExp(`\\b${name}\\s*=\\s*new (?:Map|Set)<[^>]+>\\s*\\{([\\s\\S]*?)\\};`).exec(source)?.[1];
  if (literal === undefined) throw new Error(`no literal ${name}`);
  return literal;
}

/** The entries of a `Map<String, String>` literal; keys may be literals or String constants of the class. */
export function apexMap(source: string, name: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const match of apexLiteral(source, name).matchAll(/(?:'([^']*)'|(\w+))\s*=>\s*'((?:[^'\\]|\\.)*)'/g)) {
    const key = match[1] ?? apexConstant(source, match[2]!) ?? match[2]!;
    entries[key] = match[3]!.replace(/\\'/g, "'");
  }
  return entries;
}

/** The items of a `Set<String>` literal; items may be literals or String constants of the class. */
export function apexSet(source: string, name: string): string[] {
  return [...apexLiteral(source, name).matchAll(/'((?:[^'\\]|\\.)*)'|(\w+)/g)].map((m) =>
    m[2] === undefined ? m[1]!.replace(/\\'/g, "'") : (apexConstant(source, m[2]) ?? m[2]),
  );
}

/** An Integer constant: `NAME = 20;`. */
function integerConstant(source: string, name: string): number | undefined {
  const value = new RegExp(`\\b${name}\\s*=\\s*(\\d+)\\s*;`).exec(source)?.[1];
  return value === undefined ? undefined : Number(value);
}

describe('what the package and the sidecar both name', () => {
  const coverage = apexClass('collectors', 'SignalCoverage');

  it('reads Apex maps and sets, constants as keys included', () => {
    const source = "X = 'x'; Map<String, String> M = new Map<String, String>{ X => 'one', 'b' => 'it\\'s' }; Set<String> S = new Set<String>{ 'p', 'q', X };";
    expect(apexMap(source, 'M')).toEqual({ x: 'one', b: "it's" });
    expect(apexSet(source, 'S')).toEqual(['p', 'q', 'x']);
  });

  it('lists every source the sidecar collects on the coverage panel, and no other', () => {
    expect(Object.keys(apexMap(coverage, 'SOURCES')).sort()).toEqual([...SOURCE_NAMES].sort());
  });

  it('lists every real-time topic the sidecar subscribes to, and no other', () => {
    expect(Object.keys(apexMap(coverage, 'STREAMS')).sort()).toEqual(REALTIME_TOPICS.map(topicPath).sort());
  });

  it('names the sources and states in the preview as the package does', () => {
    expect(COVERAGE_SOURCES).toEqual(apexMap(coverage, 'SOURCES'));
    expect(COVERAGE_STREAMS).toEqual(apexMap(coverage, 'STREAMS'));
    expect(COVERAGE_STATE_LABELS).toEqual(apexMap(coverage, 'STATE_LABELS'));
  });

  it('flags the same coverage states for attention in the setup tab and its preview', () => {
    expect([...COVERAGE_ATTENTION].sort()).toEqual(apexSet(coverage, 'ATTENTION').sort());
  });

  it('plants canaries as the objects the sidecar plants, at most as many per request as it takes', () => {
    const controller = apexClass('setup', 'CanaryController');
    const route = readFileSync(join(repoRoot, 'sidecar', 'src', 'routes', 'canaries.ts'), 'utf8');
    const component = readFileSync(join(packageDir, 'main', 'setup', 'lwc', 'canaryPanel', 'canaryPanel.js'), 'utf8');
    expect(apexSet(controller, 'OBJECTS').sort()).toEqual([...CANARY_OBJECTS].sort());
    const routeMaximum = Number(/count:\s*Type\.Integer\(\{[^}]*maximum:\s*(\d+)/.exec(route)?.[1]);
    expect(Number.isInteger(routeMaximum)).toBe(true);
    expect(integerConstant(controller, 'MAX_COUNT')).toBe(routeMaximum);
    expect(integerConstant(component, 'MAX_COUNT')).toBe(routeMaximum);
    expect(CANARY_MAX_COUNT).toBe(routeMaximum);
  });

  it('mirrors the data map and the classification review in the preview as the package has them', () => {
    const review = apexClass('dashboards', 'ClassificationReviewService');
    expect([...CLASSIFICATION_AWAITING_REVIEW].sort()).toEqual(apexSet(review, 'AWAITING_REVIEW').sort());
    expect([...CLASSIFICATION_DECISIONS].sort()).toEqual(apexSet(review, 'DECISIONS').sort());
    expect([...SPECIAL_CATEGORIES].sort()).toEqual(apexSet(apexClass('dashboards', 'DataMapService'), 'SPECIAL_CATEGORIES').sort());
  });

  it('queues a decision for the sidecar and lists recent decisions in the preview as the package does', () => {
    const controller = apexClass('dashboards', 'PermissionReviewController');
    expect(apexConstant(controller, 'ENFORCEMENT_QUEUED')).toBe(ENFORCEMENT_QUEUED);
    expect(readObjects().get('PermissionReview__c')?.fields.get('EnforcementStatus__c')?.picklistValues).toContain(ENFORCEMENT_QUEUED);
    expect(integerConstant(controller, 'RECENT_DAYS')).toBe(RECENT_DECISION_DAYS);
    expect(integerConstant(controller, 'MAX_RECENT')).toBe(MAX_RECENT_DECISIONS);
  });

  it('decides and undoes containment in the preview as the package does, word for word', () => {
    const service = apexClass('containment', 'ContainmentService');
    expect([...CONTAINMENT_REVERSIBLE].sort()).toEqual(apexSet(service, 'REVERSIBLE').sort());
    const quoted = (message: string) => `'${message.replace(/'/g, "\\'")}'`;
    const messages = [...Object.values(CONTAINMENT_REFUSALS), ...Object.values(CONTAINMENT_STATUS_REFUSALS).flat()];
    expect(messages.filter((message) => !service.includes(quoted(message)))).toEqual([]);
    const fieldsDir = join(packageDir, 'main', 'containment', 'objects', 'ContainmentAction__c', 'fields');
    for (const [field, labels] of Object.entries(CONTAINMENT_LABELS)) {
      const definition = readXml(join(fieldsDir, `${field}.field-meta.xml`)).CustomField as {
        valueSet: { valueSetDefinition: { value: { fullName: string; label: string }[] } };
      };
      const defined = Object.fromEntries(definition.valueSet.valueSetDefinition.value.map((value) => [value.fullName, value.label]));
      expect(labels, field).toEqual(defined);
    }
  });

  it('recognises integration users by the same profiles in capture and in the collectors', () => {
    expect(apexSet(apexClass('capture', 'LeakEventFactory'), 'INTEGRATION_PROFILES').sort()).toEqual([...INTEGRATION_PROFILES].sort());
  });
});
