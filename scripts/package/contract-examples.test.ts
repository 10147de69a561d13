/**
 * One contract: every example envelope in sidecar/schemas/examples validates against the sidecar's JSON Schema,
 * and the Apex tests' copy of the apex-* examples (the ContractExamples static resource) equals the files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { apexExampleFiles, examplesDir, staticResourceContent, staticResourcePath } from './contract-examples.js';
import { repoRoot } from './project.js';

const schema = JSON.parse(readFileSync(join(repoRoot, 'sidecar', 'schemas', 'event-envelope.schema.json'), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

function errorsOf(example: unknown): string[] {
  return validate(example) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

describe('contract examples', () => {
  const files = readdirSync(examplesDir).filter((name) => name.endsWith('.json'));

  it('include the payloads the Apex tests assert', () => {
    expect(apexExampleFiles()).toEqual(['apex-case-comment-insert.json', 'apex-contact-bulk-delete.json', 'apex-contact-update.json']);
  });

  it('reject an event with more than 200 record ids or an unknown property', () => {
    const example = JSON.parse(readFileSync(join(examplesDir, 'apex-contact-bulk-delete.json'), 'utf8')) as { events: Record<string, unknown>[] };
    example.events[0]!.recordIds = Array.from({ length: 201 }, () => '0035g00000Qw1AaAAJ');
    example.events[0]!.profileName = 'x';
    expect(errorsOf(example).length).toBe(2);
  });

  it.each(files)('%s validates against event-envelope.schema.json', (name) => {
    expect(errorsOf(JSON.parse(readFileSync(join(examplesDir, name), 'utf8')))).toEqual([]);
  });

  it('are copied unchanged into the ContractExamples static resource (npx tsx scripts/package/write-contract-examples.ts)', () => {
    expect(readFileSync(staticResourcePath, 'utf8')).toBe(staticResourceContent());
  });
});
