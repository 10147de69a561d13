import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

function io(input: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  return { stdin: Readable.from([input]), stdout, stderr, env: {}, out: () => out.join(''), err: () => err.join('') };
}

const LINES = [
  JSON.stringify({ id: 'a', text: 'Mail jane.doe@example.com or call +49 30 901820' }),
  '{"id": "b", "text": ',
  JSON.stringify({ id: 7, text: '078051121', field: { name: 'SSN__c', type: 'STRING' } }),
  JSON.stringify({ id: 'c', text: 42 }),
  JSON.stringify({ id: 'd', text: 'nothing personal here' }),
].join('\n');

describe('leakwatch classify', () => {
  it('classifies every good line, names the bad ones on stderr and exits 1', async () => {
    const streams = io(LINES);
    const code = await main(['classify', '--no-model'], streams);
    expect(code).toBe(1);
    const rows = streams
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toEqual([
      {
        id: 'a',
        entities: [
          { type: 'EMAIL_ADDRESS', start: 5, end: 25, score: 1, detector: 'pattern:email' },
          { type: 'PHONE_NUMBER', start: 34, end: 47, score: 1, detector: 'pattern:phone' },
        ],
      },
      { id: 7, entities: [{ type: 'US_SSN', start: 0, end: 9, score: 0.7, detector: 'pattern:us_ssn' }] },
      { id: 'd', entities: [] },
    ]);
    expect(streams.err()).toContain('line 2: not valid JSON');
    expect(streams.err()).toContain('line 4: "text" must be a string');
  });

  it('reads --input and writes --output files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-cli-'));
    writeFileSync(join(dir, 'in.jsonl'), `${JSON.stringify({ id: 1, text: 'IBAN DE89370400440532013000' })}\n`);
    const streams = io('');
    const code = await main(['classify', '--no-model', '--input', join(dir, 'in.jsonl'), '--output', join(dir, 'out.jsonl')], streams);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'out.jsonl'), 'utf8'))).toEqual({
      id: 1,
      entities: [{ type: 'IBAN_CODE', start: 5, end: 27, score: 1, detector: 'pattern:iban' }],
    });
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the NER model given with --model', async () => {
    const fixture = join(import.meta.dirname, 'fixtures', 'capitalized-ner');
    const streams = io(JSON.stringify({ id: 'n', text: 'parcel for Jürgen in Köln' }));
    expect(await main(['classify', '--model', fixture], streams)).toBe(0);
    expect(JSON.parse(streams.out())).toEqual({
      id: 'n',
      entities: [
        { type: 'PERSON', start: 11, end: 17, score: 0.999, detector: 'ner' },
        { type: 'LOCATION', start: 21, end: 25, score: 0.999, detector: 'ner' },
      ],
    });
    const missing = io('');
    expect(await main(['classify', '--model', join(fixture, 'nowhere')], missing)).toBe(2);
    expect(missing.err()).toContain('model directory not found');
  });

  it('rejects unknown commands and options', async () => {
    const unknown = io('');
    expect(await main(['frobnicate'], unknown)).toBe(2);
    expect(unknown.err()).toContain('unknown command "frobnicate"');
    const badOption = io('');
    expect(await main(['classify', '--bogus'], badOption)).toBe(2);
  });
});
