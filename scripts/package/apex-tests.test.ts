/**
 * Every Apex class has a `<Class>_Tests` class under force-app/tests, and every test method asserts something.
 * The Apex tests themselves run only in an org (scripts/org/run-apex-tests.sh).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRoot, listFiles, packageDir } from './project.js';

const classes = listFiles(packageDir, ['.cls']);
const testClasses = classes.filter((path) => path.includes('/force-app/tests/'));
const productionClasses = classes.filter((path) => path.includes('/force-app/main/'));
/** Dashboard classes (their tests are in force-app/tests/dashboards) include helpers covered through the controllers. */
const checkedClasses = productionClasses.filter((path) => !path.includes('/force-app/main/dashboards/'));

/** Test methods (annotated @IsTest) whose body has no assertion. */
export function methodsWithoutAssertions(source: string): string[] {
  const missing: string[] = [];
  const method = /@IsTest\s+(?:static\s+)?(?:private\s+|public\s+)?(?:static\s+)?void\s+(\w+)\s*\([^)]*\)\s*\{/gi;
  for (const match of source.matchAll(method)) {
    let depth = 1;
    let index = match.index + match[0].length;
    while (depth > 0 && index < source.length) {
      if (source[index] === '{') depth += 1;
      else if (source[index] === '}') depth -= 1;
      index += 1;
    }
    const body = source.slice(match.index + match[0].length, index);
    if (!/\bAssert\.\w+\(/.test(body)) missing.push(match[1]!);
  }
  return missing;
}

describe('Apex tests', () => {
  it('notices a test method without an assertion', () => {
    const source = "@IsTest private class T { @IsTest static void a() { System.Assert.isTrue(true, 'x'); } @IsTest static void b() { insert new Account(); } }";
    expect(methodsWithoutAssertions(source)).toEqual(['b']);
  });

  it('exist for every class outside the dashboards', () => {
    const tests = new Set(testClasses.map((path) => basename(path, '.cls')));
    expect(checkedClasses.length).toBeGreaterThan(10);
    expect(checkedClasses.filter((path) => !tests.has(`${basename(path, '.cls')}_Tests`)).map(fromRoot)).toEqual([]);
  });

  it('assert something in every test method', () => {
    const problems = testClasses
      .filter((path) => path.endsWith('_Tests.cls'))
      .flatMap((path) => methodsWithoutAssertions(readFileSync(path, 'utf8')).map((name) => `${fromRoot(path)}: ${name}`));
    expect(problems).toEqual([]);
  });
});
