import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  appendEntry,
  canonicalJson,
  exportBundle,
  GENESIS_HASH,
  verifyBundle,
  verifyChain,
  type BundleManifest,
  type EvidenceEntry,
  type EvidenceInput,
} from '../../src/evidence/chain.js';

const ORG = '00D000000000001EAA';
const INCIDENTS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
const [, INCIDENT_B] = INCIDENTS as [string, string, string];
const NOW = new Date('2026-03-10T12:00:00.000Z');

function keyPair() {
  return generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}
const EXPORTER = keyPair();
const STRANGER = keyPair();

/**
 * 50 entries for three interleaved incidents, each cycling verdict → revision (listing the
 * incident's verdicts so far) → review decision → notification attempt. `members` is each
 * incident's seqs as the sidecar would attribute them: a verdict joins its incident when a
 * revision lists it.
 */
function buildLog(length = 50) {
  const entries: EvidenceEntry[] = [];
  const members = new Map<string, number[]>(INCIDENTS.map((k) => [k, []]));
  const verdicts = new Map<string, Array<{ eventId: string; seq: number }>>(INCIDENTS.map((k) => [k, []]));
  for (let i = 0; i < length; i += 1) {
    const incident = INCIDENTS[i % 3] as string;
    const own = verdicts.get(incident)!;
    const seq = i + 1;
    const at = new Date(Date.parse('2026-03-01T00:00:00.000Z') + i * 60_000);
    const step = Math.floor(i / 3) % 4;
    const revision = Math.floor(i / 12) + 1;
    let input: Omit<EvidenceInput, 'orgId' | 'at'>;
    if (step === 0) {
      const eventId = `evt-${seq}`;
      own.push({ eventId, seq });
      input = {
        kind: 'verdict',
        subject: eventId,
        data: { riskScore: 60 + i, severity: 'High', maskedSamples: ['j•••@•••.com'] },
      };
    } else if (step === 1) {
      input = {
        kind: 'incident-revision',
        subject: incident,
        data: { revision, status: 'Triage', verdicts: own.map((v) => ({ eventId: v.eventId })) },
      };
      for (const v of own) if (!members.get(incident)!.includes(v.seq)) members.get(incident)!.push(v.seq);
      members.get(incident)!.push(seq);
    } else if (step === 2) {
      input = {
        kind: 'review-decision',
        subject: own[own.length - 1]!.eventId,
        data: { decision: 'confirmed', reviewer: 'd•••@•••.example' },
      };
      members.get(incident)!.push(seq);
    } else {
      input = {
        kind: 'notification-attempt',
        subject: `${incident}:${revision}:soc-webhook`,
        data: { target: 'soc-webhook', ok: i % 2 === 0 },
      };
      members.get(incident)!.push(seq);
    }
    entries.push(appendEntry(entries[entries.length - 1], { orgId: ORG, at, ...input }));
  }
  for (const seqs of members.values()) seqs.sort((a, b) => a - b);
  return { entries, members };
}

/** Replaces the entry at `seq` by a copy with `change` applied; `rehash` recomputes its hash as a forger would. */
function tamper(entries: EvidenceEntry[], seq: number, change: Partial<EvidenceEntry>, rehash = false): EvidenceEntry[] {
  return entries.map((e) => {
    if (e.seq !== seq) return e;
    const changed = { ...e, ...change };
    if (!rehash) return changed;
    const { seq: s, orgId, at, kind, subject, data, prev } = changed;
    return { ...changed, hash: sha256(canonicalJson({ seq: s, orgId, at, kind, subject, data, prev })) };
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const toLines = (entries: EvidenceEntry[]) => entries.map((e) => `${canonicalJson(e)}\n`).join('');
const parseLines = (lines: string) =>
  lines
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as EvidenceEntry);

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('orders keys by UTF-16 code units, like RFC 8785', () => {
    expect(canonicalJson({ é: 1, Z: 2, a: 3, '10': 4, '9': 5 })).toBe('{"10":4,"9":5,"Z":2,"a":3,"é":1}');
  });

  it('leaves out undefined members and refuses what JSON cannot carry unchanged', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(() => canonicalJson([1, undefined])).toThrow(TypeError);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(TypeError);
    expect(() => canonicalJson({ b: 1n })).toThrow(TypeError);
  });
});

describe('evidence chain', () => {
  it('links each entry to the one before and hashes the canonical JSON of its content', () => {
    const first = appendEntry(undefined, {
      orgId: ORG,
      at: '2026-03-01T00:00:00Z',
      kind: 'verdict',
      subject: 'evt-1',
      data: { severity: 'High', riskScore: 82 },
    });
    const second = appendEntry(first, {
      orgId: ORG,
      at: new Date(0),
      kind: 'review-decision',
      subject: 'evt-1',
      data: null,
    });

    expect(first).toMatchObject({ seq: 1, at: '2026-03-01T00:00:00.000Z', prev: GENESIS_HASH });
    expect(first.hash).toBe(
      sha256(
        `{"at":"2026-03-01T00:00:00.000Z","data":{"riskScore":82,"severity":"High"},"kind":"verdict","orgId":"${ORG}","prev":"${GENESIS_HASH}","seq":1,"subject":"evt-1"}`,
      ),
    );
    expect(second).toMatchObject({ seq: 2, prev: first.hash });
  });

  it('copies the data, so changing the caller object later does not reach the log', () => {
    const data = { maskedSamples: ['j•••@•••.com'] };
    const entry = appendEntry(undefined, { orgId: ORG, at: NOW, kind: 'verdict', subject: 'evt-1', data });
    data.maskedSamples.push('k•••@•••.com');
    expect(verifyChain([entry]).ok).toBe(true);
  });

  it('refuses an entry for another org, an unknown kind or an invalid time', () => {
    const first = appendEntry(undefined, { orgId: ORG, at: NOW, kind: 'verdict', subject: 'evt-1', data: {} });
    expect(() => appendEntry(first, { orgId: '00D000000000002EAA', at: NOW, kind: 'verdict', subject: 'e', data: {} })).toThrow(/org/);
    expect(() => appendEntry(first, { orgId: ORG, at: NOW, kind: 'rumour' as EvidenceInput['kind'], subject: 'e', data: {} })).toThrow(/kind/);
    expect(() => appendEntry(first, { orgId: ORG, at: 'yesterday', kind: 'verdict', subject: 'e', data: {} })).toThrow(/time/);
  });

  it('verifies a chain of 50 entries and reports its head', () => {
    const { entries } = buildLog();
    expect(verifyChain(entries)).toEqual({ ok: true, head: { seq: 50, hash: entries[49]!.hash } });
    expect(verifyChain([])).toEqual({ ok: true, head: { seq: 0, hash: GENESIS_HASH } });
  });

  it('detects a changed data field at its seq', () => {
    const { entries } = buildLog();
    expect(verifyChain(tamper(entries, 17, { data: { decision: 'dismissed', reviewer: 'd•••@•••.example' } }))).toMatchObject({
      ok: false,
      at: 17,
      reason: 'hash-mismatch',
    });
  });

  it('detects a changed time at its seq', () => {
    const { entries } = buildLog();
    expect(verifyChain(tamper(entries, 23, { at: '2026-02-28T00:00:00.000Z' }))).toMatchObject({
      ok: false,
      at: 23,
      reason: 'hash-mismatch',
    });
  });

  it('detects a changed entry whose hash was recomputed, at the entry that follows it', () => {
    const { entries } = buildLog();
    expect(verifyChain(tamper(entries, 17, { subject: 'evt-other' }, true))).toMatchObject({
      ok: false,
      at: 18,
      reason: 'broken-link',
    });
  });

  it('detects a removed entry at its seq', () => {
    const { entries } = buildLog();
    expect(verifyChain(entries.filter((e) => e.seq !== 20))).toMatchObject({
      ok: false,
      at: 20,
      reason: 'out-of-sequence',
    });
  });

  it('detects two swapped entries at the first of them', () => {
    const { entries } = buildLog();
    const swapped = [...entries];
    [swapped[9], swapped[10]] = [swapped[10]!, swapped[9]!];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, at: 10, reason: 'out-of-sequence' });
  });

  it('detects an inserted entry at the seq it claims, even when it links correctly to the one before', () => {
    const { entries } = buildLog();
    const forged = appendEntry(entries[29], {
      orgId: ORG,
      at: NOW,
      kind: 'review-decision',
      subject: 'evt-1',
      data: {},
    });
    const inserted = [...entries.slice(0, 30), forged, ...entries.slice(30)];
    expect(verifyChain(inserted)).toMatchObject({ ok: false, at: 31, reason: 'out-of-sequence' });
  });

  it('detects a field added to an entry, which its hash would not cover', () => {
    const { entries } = buildLog();
    const padded = entries.map((e) => (e.seq === 5 ? { ...e, approvedBy: 'dpo' } : e));
    expect(verifyChain(padded)).toMatchObject({ ok: false, at: 5, reason: 'malformed' });
  });

  it('detects an entry of another org', () => {
    const { entries } = buildLog();
    expect(verifyChain(tamper(entries, 8, { orgId: '00D000000000002EAA' }, true))).toMatchObject({
      ok: false,
      at: 8,
      reason: 'wrong-org',
    });
  });
});

describe('evidence bundle of the whole log', () => {
  const { entries } = buildLog();
  const bundle = exportBundle(entries, { signingKey: EXPORTER.privateKey, now: NOW });
  const trusted = { publicKey: EXPORTER.publicKey };

  it('holds every entry and a manifest signed over its head', () => {
    expect(parseLines(bundle.lines)).toEqual(entries);
    expect(bundle.manifest).toMatchObject({
      format: 'leakwatch-evidence-bundle/1',
      orgId: ORG,
      count: 50,
      firstSeq: 1,
      lastSeq: 50,
      runs: [{ from: 1, to: 50, hash: entries[49]!.hash }],
      head: { seq: 50, hash: entries[49]!.hash },
      exportedAt: NOW.toISOString(),
      publicKey: EXPORTER.publicKey,
    });
    expect(bundle.manifest.incidentKey).toBeUndefined();
    expect(verifyBundle(bundle.lines, bundle.manifest, trusted)).toMatchObject({
      ok: true,
      count: 50,
      head: { seq: 50, hash: entries[49]!.hash },
      trustedKey: true,
    });
  });

  it('detects a changed data field, a changed time, a removed entry, swapped entries and an inserted entry', () => {
    const check = (changed: EvidenceEntry[]) => verifyBundle(toLines(changed), bundle.manifest, trusted);
    const swapped = [...entries];
    [swapped[39], swapped[40]] = [swapped[40]!, swapped[39]!];
    const forged = appendEntry(entries[29], {
      orgId: ORG,
      at: NOW,
      kind: 'review-decision',
      subject: 'evt-1',
      data: {},
    });

    expect(check(tamper(entries, 12, { data: { riskScore: 1 } }))).toMatchObject({
      ok: false,
      at: 12,
      reason: 'hash-mismatch',
    });
    expect(check(tamper(entries, 33, { at: NOW.toISOString() }))).toMatchObject({
      ok: false,
      at: 33,
      reason: 'hash-mismatch',
    });
    expect(check(entries.filter((e) => e.seq !== 7))).toMatchObject({ ok: false, at: 7, reason: 'out-of-sequence' });
    expect(check(swapped)).toMatchObject({ ok: false, at: 40, reason: 'out-of-sequence' });
    expect(check([...entries.slice(0, 30), forged, ...entries.slice(30)])).toMatchObject({
      ok: false,
      at: 31,
      reason: 'out-of-sequence',
    });
  });

  it('detects a rewritten last entry against the signed head', () => {
    expect(verifyBundle(toLines(tamper(entries, 50, { data: {} }, true)), bundle.manifest, trusted)).toMatchObject({
      ok: false,
      at: 50,
      reason: 'anchor-mismatch',
    });
  });

  it('detects a truncated tail at the first missing seq', () => {
    expect(verifyBundle(toLines(entries.slice(0, 45)), bundle.manifest, trusted)).toMatchObject({
      ok: false,
      at: 46,
      reason: 'missing-entry',
    });
    expect(verifyBundle('', bundle.manifest, trusted)).toMatchObject({ ok: false, at: 1, reason: 'missing-entry' });
  });

  it('detects a truncated tail re-signed by someone else, given the exporter key', () => {
    const recut = exportBundle(entries.slice(0, 45), { signingKey: STRANGER.privateKey, now: NOW });

    expect(verifyBundle(recut.lines, recut.manifest, trusted)).toMatchObject({ ok: false, reason: 'untrusted-key' });
    const untrusted = verifyBundle(recut.lines, recut.manifest);
    const original = verifyBundle(bundle.lines, bundle.manifest);
    expect(untrusted).toMatchObject({ ok: true, trustedKey: false, count: 45 });
    expect(untrusted.ok && original.ok && untrusted.keyFingerprint !== original.keyFingerprint).toBe(true);
  });

  it('detects a manifest signed by another key, and a key swapped into the manifest', () => {
    expect(verifyBundle(bundle.lines, bundle.manifest, { publicKey: STRANGER.publicKey })).toMatchObject({
      ok: false,
      reason: 'untrusted-key',
    });
    const swappedKey = { ...bundle.manifest, publicKey: STRANGER.publicKey };
    expect(verifyBundle(bundle.lines, swappedKey)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('detects a changed manifest', () => {
    const changed: BundleManifest[] = [
      { ...bundle.manifest, exportedAt: '2026-03-11T12:00:00.000Z' },
      { ...bundle.manifest, incidentKey: INCIDENT_B },
      { ...bundle.manifest, signature: Buffer.alloc(64).toString('base64') },
    ];
    for (const manifest of changed) expect(verifyBundle(bundle.lines, manifest, trusted)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyBundle(bundle.lines, { ...bundle.manifest, count: 49 }, trusted)).toMatchObject({
      ok: false,
      reason: 'malformed-manifest',
    });
  });

  it('detects lines the manifest does not list', () => {
    const extra = appendEntry(entries[49], { orgId: ORG, at: NOW, kind: 'verdict', subject: 'evt-late', data: {} });
    expect(verifyBundle(toLines([...entries, extra]), bundle.manifest, trusted)).toMatchObject({
      ok: false,
      at: 51,
      reason: 'unexpected-entry',
    });
  });

  it('refuses to export a log that does not verify', () => {
    expect(() => exportBundle(tamper(entries, 3, { subject: 'x' }), { signingKey: EXPORTER.privateKey, now: NOW })).toThrow(/does not verify at seq 3/);
  });
});

describe('evidence bundle of one incident', () => {
  const { entries, members } = buildLog();
  const expected = members.get(INCIDENT_B)!;
  const bundle = exportBundle(entries, { incidentKey: INCIDENT_B, signingKey: EXPORTER.privateKey, now: NOW });
  const exported = parseLines(bundle.lines);
  const trusted = { publicKey: EXPORTER.publicKey };

  it("holds the incident's revisions, notification attempts, listed verdicts and their reviews, and nothing else", () => {
    expect(exported.map((e) => e.seq)).toEqual(expected);
    expect(new Set(exported.map((e) => e.kind))).toEqual(new Set(['verdict', 'incident-revision', 'review-decision', 'notification-attempt']));
    const unlisted = entries.find((e) => e.kind === 'verdict' && e.seq % 3 === 2 && !expected.includes(e.seq));
    expect(unlisted).toBeDefined();
    expect(bundle.manifest).toMatchObject({
      incidentKey: INCIDENT_B,
      count: expected.length,
      firstSeq: expected[0],
      lastSeq: expected[expected.length - 1],
      head: { seq: 50, hash: entries[49]!.hash },
    });
    expect(bundle.manifest.runs.length).toBeGreaterThan(1);
  });

  it('verifies', () => {
    expect(verifyBundle(bundle.lines, bundle.manifest, trusted)).toMatchObject({
      ok: true,
      incidentKey: INCIDENT_B,
      count: expected.length,
      trustedKey: true,
    });
  });

  it('detects every tampering, at the seq where it happened', () => {
    const check = (changed: EvidenceEntry[]) => verifyBundle(toLines(changed), bundle.manifest, trusted);
    const [, second, third, fourth] = expected as [number, number, number, number];
    const swapped = [...exported];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    const foreign = entries.find((e) => !expected.includes(e.seq) && e.seq > second && e.seq < third)!;

    expect(check(tamper(exported, third, { data: { decision: 'dismissed' } }))).toMatchObject({
      ok: false,
      at: third,
      reason: 'hash-mismatch',
    });
    expect(check(tamper(exported, third, { data: { decision: 'dismissed' } }, true))).toMatchObject({
      ok: false,
      at: third,
      reason: 'anchor-mismatch',
    });
    expect(check(exported.filter((e) => e.seq !== third))).toMatchObject({
      ok: false,
      at: third,
      reason: 'out-of-sequence',
    });
    expect(check(swapped)).toMatchObject({ ok: false, at: second, reason: 'out-of-sequence' });
    expect(check([...exported.slice(0, 2), foreign, ...exported.slice(2)])).toMatchObject({
      ok: false,
      at: foreign.seq,
      reason: 'out-of-sequence',
    });
    expect(check(exported.slice(0, 3))).toMatchObject({ ok: false, at: fourth, reason: 'missing-entry' });
  });

  it('detects a widened scope or a changed manifest', () => {
    const { signature: _, incidentKey: __, ...rest } = bundle.manifest;
    expect(verifyBundle(bundle.lines, { ...rest, signature: bundle.manifest.signature }, trusted)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyBundle(bundle.lines, { ...bundle.manifest, publicKey: STRANGER.publicKey }, trusted)).toMatchObject({
      ok: false,
      reason: 'untrusted-key',
    });
  });
});
