/**
 * The apex-ls checker (apex-dev-tools, the same engine the Code Analyzer PMD engine ships) resolves types, methods
 * and SObject fields, namespace-aware, across the whole package. Fields inside SOQL select lists are not checked.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { javaLib, repoRoot } from './project.js';

function checkForIssues(projectDir: string): { status: number | null; output: string } {
  const run = spawnSync('java', ['-cp', `${javaLib}/*`, 'io.github.apexdevtools.apexls.CheckForIssues', '-n', '-d', 'warnings', '-w', projectDir], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

describe('apex-ls', () => {
  it('reports an unknown field on a standard object', () => {
    const project = mkdtempSync(join(tmpdir(), 'leakwatch-apexls-'));
    cpSync(join(repoRoot, 'sfdx-project.json'), join(project, 'sfdx-project.json'));
    const classes = join(project, 'force-app', 'main', 'probe', 'classes');
    mkdirSync(classes, { recursive: true });
    writeFileSync(join(classes, 'Probe.cls'), 'public with sharing class Probe { public Object read(Contact c) { return c.NoSuchField__c; } }');
    writeFileSync(
      join(classes, 'Probe.cls-meta.xml'),
      '<?xml version="1.0" encoding="UTF-8"?><ApexClass xmlns="http://soap.sforce.com/2006/04/metadata"><apiVersion>62.0</apiVersion><status>Active</status></ApexClass>',
    );
    const result = checkForIssues(project);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("Unknown field 'NoSuchField__c'");
  });

  it('reports no issue in the package', () => {
    const result = checkForIssues(repoRoot);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});
