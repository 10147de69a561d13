#!/usr/bin/env node
// Runs every benchmark in sidecar/bench/ in turn (or only those named on the command line).
// Each prints its own markdown table; nothing here asserts a figure.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'sidecar', 'bench');
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
let failures = 0;
for (const file of files) {
  console.log(`\n## ${file.replace(/\.ts$/, '')}\n`);
  const run = spawnSync('npx', ['tsx', join(dir, file)], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    failures += 1;
    console.error(`bench ${file} exited with ${run.status}`);
  }
}
process.exit(failures > 0 ? 1 : 0);
