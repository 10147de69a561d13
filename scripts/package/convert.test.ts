/** `sf project convert source` turns the package into Metadata API format: XML and file types are valid. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSf } from './project.js';

describe('sf project convert source', () => {
  it('converts force-app into a manifest that lists the package components', () => {
    const outputDir = join(mkdtempSync(join(tmpdir(), 'leakwatch-convert-')), 'mdapi');
    const run = runSf(['project', 'convert', 'source', '--source-dir', 'force-app', '--output-dir', outputDir, '--json']);
    const result = JSON.parse(run.stdout) as { status: number };
    expect(result.status).toBe(0);
    const manifest = readFileSync(join(outputDir, 'package.xml'), 'utf8');
    for (const member of [
      'LeakVerdict__c',
      'LeakEvent__e',
      'MonitoredObject__mdt',
      'LeakwatchSidecar',
      'LeakwatchIntegration',
      'RecordChangeTriggerHandler',
      'ContactCapture',
    ]) {
      expect(manifest).toContain(`<members>${member}</members>`);
    }
  });

  it('fails on malformed metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakwatch-convert-bad-'));
    const run = runSf(['project', 'convert', 'source', '--source-dir', join(dir, 'missing'), '--output-dir', join(dir, 'out'), '--json']);
    expect(run.status).not.toBe(0);
  });
});
