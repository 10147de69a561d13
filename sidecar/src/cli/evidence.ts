import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyBundle, type BundleManifest } from '../evidence/chain.js';
import type { Command, CommandIo } from './command.js';
import { callSidecar, sidecarTarget } from './sidecar-api.js';

const USAGE = `usage: leakwatch evidence export [--incident KEY] [--out PREFIX] [--url URL]
       leakwatch evidence verify PREFIX [--public-key PEM_FILE]

export  writes the org's evidence log (or one incident's part of it) as PREFIX.jsonl and
        PREFIX.manifest.json, signed with the sidecar's evidence key (default PREFIX:
        evidence-<org>[-<incident>]). Talks to the running sidecar at --url (default
        LEAKWATCH_URL, else http://127.0.0.1:8787) with the org's secret from LEAKWATCH_SECRET.
verify  checks such a bundle offline: every entry's hash and link, the signed runs and head, and
        the signature. With --public-key, also that the bundle was signed by that key. Exits 0
        when it holds, 1 with the first entry where it does not.`;

async function run(args: string[], io: CommandIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'export') return exportEvidence(rest, io);
  if (action === 'verify') return verifyEvidence(rest, io);
  io.stdout.write(`${USAGE}\n`);
  return action === undefined || action === '--help' || action === '-h' ? 0 : 2;
}

async function exportEvidence(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({ args, options: { incident: { type: 'string' }, out: { type: 'string' }, url: { type: 'string' } }, strict: true });
  const target = sidecarTarget('evidence', values.url, io);
  if (!target) return 2;
  const path = `/v1/evidence${values.incident ? `?incident=${encodeURIComponent(values.incident)}` : ''}`;
  const bundle = await callSidecar<{ lines: string; manifest: BundleManifest }>('evidence', target, io, 'GET', path);
  if (!bundle) return 1;
  const prefix = values.out ?? `evidence-${bundle.manifest.orgId}${values.incident ? `-${values.incident}` : ''}`;
  writeFileSync(`${prefix}.jsonl`, bundle.lines);
  writeFileSync(`${prefix}.manifest.json`, `${JSON.stringify(bundle.manifest, null, 2)}\n`);
  io.stdout.write(
    `wrote ${bundle.manifest.count} entries (seq ${bundle.manifest.firstSeq}–${bundle.manifest.lastSeq}) to ${prefix}.jsonl and ${prefix}.manifest.json\n`,
  );
  return 0;
}

async function verifyEvidence(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { 'public-key': { type: 'string' } }, allowPositionals: true, strict: true });
  const prefix = positionals[0]?.replace(/(\.jsonl|\.manifest\.json)$/, '');
  if (!prefix) {
    io.stderr.write('leakwatch evidence verify: name the bundle (PREFIX, PREFIX.jsonl or PREFIX.manifest.json)\n');
    return 2;
  }
  let lines: string;
  let manifest: BundleManifest;
  try {
    lines = readFileSync(`${prefix}.jsonl`, 'utf8');
    manifest = JSON.parse(readFileSync(`${prefix}.manifest.json`, 'utf8')) as BundleManifest;
  } catch (error) {
    io.stderr.write(`leakwatch evidence verify: ${(error as Error).message}\n`);
    return 2;
  }
  const publicKey = values['public-key'] ? readFileSync(values['public-key'], 'utf8') : undefined;
  const result = verifyBundle(lines, manifest, publicKey ? { publicKey } : {});
  if (!result.ok) {
    io.stdout.write(`NOT VERIFIED: ${result.reason}${result.at !== undefined ? ` at seq ${result.at}` : ''}: ${result.detail}\n`);
    return 1;
  }
  io.stdout.write(
    `verified: ${manifest.count} entries of org ${manifest.orgId}${manifest.incidentKey ? `, incident ${manifest.incidentKey}` : ''}, signed ${result.trustedKey ? 'by the given key' : 'by the key the bundle carries (give --public-key to check who signed)'} (key ${result.keyFingerprint.slice(0, 16)}…)\n`,
  );
  return 0;
}

export const evidenceCommand: Command = { name: 'evidence', summary: 'export or verify a signed evidence bundle', usage: USAGE, run };
