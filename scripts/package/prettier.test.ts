/** Apex is formatted by Prettier with prettier-plugin-apex, using the repository's .prettierrc. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './project.js';

function prettierCheck(patterns: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [`${repoRoot}/node_modules/prettier/bin/prettier.cjs`, '--check', '--plugin', 'prettier-plugin-apex', ...patterns], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('prettier (Apex)', () => {
  it('formats every class and trigger in force-app', () => {
    const result = prettierCheck(['force-app/**/*.{cls,trigger}']);
    expect(result.output).toContain('All matched files use Prettier code style');
    expect(result.status).toBe(0);
  });
});
