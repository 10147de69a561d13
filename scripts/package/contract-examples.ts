/**
 * The Apex tests read the contract examples (sidecar/schemas/examples/apex-*.json) from the ContractExamples static
 * resource. This module builds that resource's content; `write-contract-examples.ts` writes it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir, repoRoot } from './project.js';

export const examplesDir = join(repoRoot, 'sidecar', 'schemas', 'examples');
export const staticResourcePath = join(packageDir, 'tests', 'utilities', 'staticresources', 'ContractExamples.json');

export function apexExampleFiles(): string[] {
  return readdirSync(examplesDir)
    .filter((name) => name.startsWith('apex-') && name.endsWith('.json'))
    .sort();
}

/** The static resource's content: `{ "<file name>": <example>, ... }`, pretty-printed. */
export function staticResourceContent(): string {
  const examples: Record<string, unknown> = {};
  for (const name of apexExampleFiles()) examples[name] = JSON.parse(readFileSync(join(examplesDir, name), 'utf8'));
  return `${JSON.stringify(examples, null, 2)}\n`;
}
