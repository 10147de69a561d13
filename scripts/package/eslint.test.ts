/** ESLint with @salesforce/eslint-config-lwc finds nothing in the package's Lightning web components. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './project.js';

function eslint(args: string[], input?: string): { status: number | null; output: string } {
  const bin = join(repoRoot, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const run = spawnSync(process.execPath, [bin, '--config', 'scripts/package/eslint.lwc.config.mjs', ...args], { cwd: repoRoot, encoding: 'utf8', input });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

describe('eslint (LWC)', () => {
  it('flags a component that reassigns a public property', () => {
    const source = [
      "import { LightningElement, api } from 'lwc';",
      'export default class Probe extends LightningElement {',
      '    @api value;',
      '    connectedCallback() {',
      '        this.value = 1;',
      '    }',
      '}',
      '',
    ].join('\n');
    const result = eslint(['--stdin', '--stdin-filename', 'force-app/main/probe/lwc/probe/probe.js'], source);
    expect(result.status).toBe(1);
    expect(result.output).toContain('@lwc/lwc/no-api-reassignments');
  });

  it('reports no problem in force-app', () => {
    const result = eslint(['--max-warnings', '0', 'force-app/**/lwc/**/*.js']);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});
