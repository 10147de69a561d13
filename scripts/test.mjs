#!/usr/bin/env node
// Type-checks the TypeScript, runs every test suite in the repository and prints one closing line:
// "tests: N passed, M failed". Exits non-zero on a type error, or if any suite fails or runs nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const suites = [
  {
    name: 'node (vitest: sidecar, package checks, browser)',
    cmd: 'npx',
    args: ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(out, 'vitest.json')}`],
    report: join(out, 'vitest.json'),
  },
  {
    name: 'lwc (sfdx-lwc-jest)',
    cmd: 'npx',
    args: ['sfdx-lwc-jest', '--', '--json', `--outputFile=${join(out, 'jest.json')}`],
    report: join(out, 'jest.json'),
    when: () => existsSync(join(root, 'jest.config.js')),
  },
];

const extra = process.argv.slice(2);
let passed = 0;
let failed = 0;
let broken = 0;

// Type errors fail the run before any test does: vitest strips types without checking them.
console.log('\n▶ typecheck (tsc --noEmit)');
const typecheck = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit', env: process.env });
if (typecheck.status !== 0) {
  console.error(`✖ typecheck: tsc exited with ${typecheck.status}`);
  broken += 1;
} else console.log('■ typecheck: no type errors');
for (const suite of suites) {
  if (suite.when && !suite.when()) continue;
  console.log(`\n▶ ${suite.name}`);
  const started = Date.now();
  const run = spawnSync(suite.cmd, [...suite.args, ...extra], { cwd: root, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!existsSync(suite.report)) {
    console.error(`✖ ${suite.name}: no report written (exit ${run.status}) after ${seconds}s`);
    broken += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(suite.report, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  const suiteFailures = report.numFailedTestSuites ?? 0;
  if (run.status !== 0 || suiteFailures > 0) broken += 1;
  console.log(`■ ${suite.name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${suiteFailures} suites failed (${seconds}s)`);
}

console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || broken > 0 || passed === 0 ? 1 : 0);
