/** The sidecar's and the scripts' TypeScript: ESLint (typescript-eslint's recommended rules), Prettier and knip (unused files and exports, knip.json) find nothing. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './project.js';

const SOURCES = ['sidecar/{src,test,bench,corpus,scenarios}/**/*.ts', 'scripts/**/*.{ts,mjs}'];

function run(bin: string, args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules', ...bin.split('/')), ...args], { cwd: repoRoot, encoding: 'utf8', input });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const eslint = (args: string[], input?: string) => run('eslint/bin/eslint.js', ['--config', 'scripts/package/eslint.ts.config.mjs', ...args], input);

describe('TypeScript lint and format', () => {
  it('flags an unused import and an explicit any', () => {
    const probe = "import { readFileSync } from 'node:fs';\nexport const value = (x: any): number => x;\n";
    const result = eslint(['--stdin', '--stdin-filename', 'sidecar/src/probe.ts'], probe);
    expect(result.status).toBe(1);
    expect(result.output).toContain('@typescript-eslint/no-unused-vars');
    expect(result.output).toContain('@typescript-eslint/no-explicit-any');
  });

  it('reports no ESLint problem in sidecar/ and scripts/', () => {
    const result = eslint(['--max-warnings', '0', ...SOURCES]);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  }, 180_000);

  it('exports nothing no module imports, and holds no unused file (knip)', () => {
    const result = run('knip/bin/knip.js', ['--no-progress', '--no-config-hints']);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  }, 180_000);

  it('formats every TypeScript file as .prettierrc says', () => {
    const result = run('prettier/bin/prettier.cjs', ['--check', ...SOURCES]);
    expect(result.output).toContain('All matched files use Prettier code style');
    expect(result.status).toBe(0);
  }, 180_000);
});
