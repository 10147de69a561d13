/**
 * The evidence log: an append-only, hash-chained record per org of what the sidecar decided
 * and did about leaks — verdicts, incident revisions, notification attempts, review decisions.
 * Each entry's hash covers its content and the previous entry's hash, so changing, removing,
 * inserting or reordering an entry breaks the chain from that point on. Entries hold masked
 * content only (`j•••@•••.com`), never a field value: the log is kept and exported for years.
 * Pure functions; storing the entries is the store's job.
 */

import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const EVIDENCE_KINDS = ['verdict', 'incident-revision', 'notification-attempt', 'review-decision', 'milestone'] as const;
type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** The `prev` of an org's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export const BUNDLE_FORMAT = 'leakwatch-evidence-bundle/1';

export interface EvidenceInput {
  orgId: string;
  at: string | Date;
  kind: EvidenceKind;
  /** What the entry is about: an incident key, an event id, an idempotency key. */
  subject: string;
  /** Masked content only. */
  data: JsonValue;
}

export interface EvidenceEntry {
  /** 1 for an org's first entry, then one more for each. */
  seq: number;
  orgId: string;
  /** ISO 8601, UTC. */
  at: string;
  kind: EvidenceKind;
  subject: string;
  data: JsonValue;
  /** The previous entry's `hash`, `GENESIS_HASH` for the first. */
  prev: string;
  /** Hex SHA-256 of the canonical JSON of `{ seq, orgId, at, kind, subject, data, prev }`. */
  hash: string;
}

interface ChainHead {
  seq: number;
  hash: string;
}

type ChainFault = 'malformed' | 'out-of-sequence' | 'wrong-org' | 'hash-mismatch' | 'broken-link';

/** `at` is the seq where the chain first stops holding together. */
type ChainVerification = { ok: true; head: ChainHead } | { ok: false; at: number; reason: ChainFault; detail: string };

/**
 * Canonical JSON, the bytes every hash and signature here covers: object keys sorted by
 * UTF-16 code units, no whitespace, numbers and strings as `JSON.stringify` writes them — RFC
 * 8785 (JCS) for the values the log holds. Object members whose value is `undefined` are
 * left out, as a JSON round trip would; anything else that JSON cannot carry unchanged (NaN,
 * Infinity, `undefined` in an array, a Date, a class instance) is refused.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${Array.from(value, canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold ${value === undefined ? 'undefined' : `a ${typeof value}`}`);
}

/** The entry that follows `prev` (undefined for an org's first entry). `data` is copied, so later changes to it do not reach the log. */
export function appendEntry(prev: EvidenceEntry | undefined, input: EvidenceInput): EvidenceEntry {
  if (prev && prev.orgId !== input.orgId) throw new Error('an evidence entry must belong to the org of the entry before it');
  if (!EVIDENCE_KINDS.includes(input.kind)) throw new Error(`unknown evidence kind ${String(input.kind)}`);
  if (input.orgId === '' || input.subject === '') throw new Error('an evidence entry needs an org and a subject');
  const at = new Date(input.at);
  if (Number.isNaN(at.getTime())) throw new Error('an evidence entry needs a valid time');
  const content = {
    seq: prev ? prev.seq + 1 : 1,
    orgId: input.orgId,
    at: at.toISOString(),
    kind: input.kind,
    subject: input.subject,
    data: JSON.parse(canonicalJson(input.data)) as JsonValue,
    prev: prev ? prev.hash : GENESIS_HASH,
  };
  return { ...content, hash: entryHash(content) };
}

/** Verifies an org's whole log, from seq 1. A valid chain's head is what an export signs. */
export function verifyChain(entries: readonly EvidenceEntry[]): ChainVerification {
  let prev = GENESIS_HASH;
  const orgId = entries[0]?.orgId;
  for (const [i, entry] of entries.entries()) {
    const fault = entryFault(entry, i + 1, prev, orgId);
    if (fault) return { ok: false, ...fault };
    prev = entry.hash;
  }
  return { ok: true, head: { seq: entries.length, hash: prev } };
}

/** A stretch of consecutive seqs in a bundle, anchored by the hash of its last entry. */
interface BundleRun {
  from: number;
  to: number;
  /** The `hash` of the entry at `to`. */
  hash: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  orgId: string;
  /** Set when the bundle holds one incident's entries only. */
  incidentKey?: string;
  count: number;
  firstSeq: number;
  lastSeq: number;
  /** The exported seqs as runs of consecutive entries; one run from 1 for a whole log. */
  runs: BundleRun[];
  /** The whole log's head when it was exported, whether or not the bundle holds that entry. */
  head: ChainHead;
  exportedAt: string;
  /** Base64 Ed25519 signature over the canonical JSON of the manifest without `signature`. */
  signature: string;
  /** The signer's public key (SPKI PEM). Verify against a key you hold, not only this one. */
  publicKey: string;
}

interface EvidenceBundle {
  /** One canonical JSON entry per line, in seq order, each line ending in `\n`. */
  lines: string;
  manifest: BundleManifest;
}

interface ExportBundleOptions {
  /** Export only the entries about this incident. */
  incidentKey?: string;
  /** An Ed25519 private key (PKCS#8 PEM). */
  signingKey: string | KeyObject;
  now: Date;
}

/**
 * Exports the log, or one incident's part of it, as JSON lines and a signed manifest.
 *
 * An incident's entries are scattered through the org's log, and exporting the stretch
 * between its first and last entry would hand the recipient other incidents' entries too. So
 * an incident bundle holds only its own entries, each complete with `prev` and `hash`, and the
 * manifest lists them as runs of consecutive seqs, each run anchored by the hash of its last
 * entry. A verifier recomputes every hash, checks the `prev` links inside each run and
 * compares each run's last hash with the signed anchor: a change to any entry breaks its own
 * hash, or — when the hash was recomputed too — a link or an anchor; a removed, inserted or
 * reordered entry no longer matches the signed seqs. A whole-log export is the same thing with
 * a single run from seq 1, whose first link is the genesis hash. The log's head at export is
 * signed as well, so the bundle can later be matched against the log it came from.
 *
 * Entries about an incident: those whose subject is the incident key or begins with
 * `<incident key>:` (notification attempts are recorded under the delivery's idempotency
 * key), and those about an event one of the incident's revisions lists in `data.verdicts[].eventId`
 * (its verdicts and their review decisions).
 *
 * Throws when the log does not verify or holds nothing to export: a signature must never
 * vouch for a broken chain.
 */
export function exportBundle(entries: readonly EvidenceEntry[], options: ExportBundleOptions): EvidenceBundle {
  const verified = verifyChain(entries);
  if (!verified.ok) throw new Error(`the evidence log does not verify at seq ${verified.at}: ${verified.detail}`);
  const { incidentKey } = options;
  const selected = incidentKey === undefined ? entries : incidentEntries(entries, incidentKey);
  const first = selected[0];
  const last = selected[selected.length - 1];
  if (!first || !last) throw new Error('no evidence entries to export');
  const privateKey = ed25519Key(typeof options.signingKey === 'string' ? createPrivateKey(options.signingKey) : options.signingKey, 'private');
  const unsigned: Omit<BundleManifest, 'signature'> = {
    format: BUNDLE_FORMAT,
    orgId: first.orgId,
    ...(incidentKey === undefined ? {} : { incidentKey }),
    count: selected.length,
    firstSeq: first.seq,
    lastSeq: last.seq,
    runs: runsOf(selected),
    head: verified.head,
    exportedAt: options.now.toISOString(),
    publicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
  };
  const signature = sign(null, Buffer.from(canonicalJson(unsigned)), privateKey).toString('base64');
  return { lines: selected.map((e) => `${canonicalJson(e)}\n`).join(''), manifest: { ...unsigned, signature } };
}

type BundleFault = ChainFault | 'malformed-manifest' | 'untrusted-key' | 'bad-signature' | 'missing-entry' | 'unexpected-entry' | 'anchor-mismatch';

/** On failure, `at` is the seq where the bundle first stops holding together, when the fault has one. */
type BundleVerification =
  | {
      ok: true;
      orgId: string;
      incidentKey?: string;
      count: number;
      head: ChainHead;
      keyFingerprint: string;
      trustedKey: boolean;
    }
  | { ok: false; at?: number; reason: BundleFault; detail: string };

interface VerifyBundleOptions {
  /**
   * The exporter's public key as you know it from elsewhere. Without it the bundle is checked
   * against the key it carries, which proves integrity but not who signed: anyone can cut a
   * bundle and sign it anew. `trustedKey` says which happened; `keyFingerprint` (hex SHA-256
   * of the SPKI DER) can be compared out of band.
   */
  publicKey?: string | KeyObject;
}

/** Checks a bundle from `exportBundle`: the manifest's signature and key, then every entry against the signed runs. */
export function verifyBundle(lines: string, manifest: BundleManifest, options: VerifyBundleOptions = {}): BundleVerification {
  const shapeProblem = manifestProblem(manifest);
  if (shapeProblem) return { ok: false, reason: 'malformed-manifest', detail: shapeProblem };
  let signer: KeyObject;
  try {
    signer = ed25519Key(createPublicKey(manifest.publicKey), 'public');
  } catch {
    return { ok: false, reason: 'malformed-manifest', detail: 'the manifest does not carry an Ed25519 public key' };
  }
  const signerDer = signer.export({ type: 'spki', format: 'der' });
  if (options.publicKey !== undefined) {
    const given = options.publicKey;
    const trustedKey = typeof given === 'string' || given.type === 'private' ? createPublicKey(given) : given;
    const trusted = trustedKey.export({ type: 'spki', format: 'der' });
    if (!trusted.equals(signerDer))
      return {
        ok: false,
        reason: 'untrusted-key',
        detail: 'the bundle was signed with another key than the one given',
      };
  }
  const { signature, ...unsigned } = manifest;
  if (!verify(null, Buffer.from(canonicalJson(unsigned)), signer, Buffer.from(signature, 'base64')))
    return { ok: false, reason: 'bad-signature', detail: 'the manifest does not match its signature' };

  const rows = lines.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  let row = 0;
  for (const run of manifest.runs) {
    let prev = run.from === 1 ? GENESIS_HASH : undefined;
    for (let seq = run.from; seq <= run.to; seq += 1) {
      const text = rows[row];
      row += 1;
      if (text === undefined) return { ok: false, at: seq, reason: 'missing-entry', detail: `the bundle ends before seq ${seq}` };
      const entry = parseLine(text);
      const fault = entryFault(entry, seq, prev, manifest.orgId);
      if (fault) return { ok: false, ...fault };
      prev = (entry as EvidenceEntry).hash;
    }
    if (prev !== run.hash)
      return {
        ok: false,
        at: run.to,
        reason: 'anchor-mismatch',
        detail: `seq ${run.to} is not the entry the manifest signed`,
      };
  }
  if (row < rows.length) {
    const extra = parseLine(rows[row] as string) as { seq?: unknown } | undefined;
    return {
      ok: false,
      ...(typeof extra?.seq === 'number' ? { at: extra.seq } : {}),
      reason: 'unexpected-entry',
      detail: 'the bundle holds more entries than the manifest lists',
    };
  }
  return {
    ok: true,
    orgId: manifest.orgId,
    ...(manifest.incidentKey === undefined ? {} : { incidentKey: manifest.incidentKey }),
    count: manifest.count,
    head: manifest.head,
    keyFingerprint: createHash('sha256').update(signerDer).digest('hex'),
    trustedKey: options.publicKey !== undefined,
  };
}

const ENTRY_KEYS = ['seq', 'orgId', 'at', 'kind', 'subject', 'data', 'prev', 'hash'];
const HEX_HASH = /^[0-9a-f]{64}$/;

function entryHash(content: Omit<EvidenceEntry, 'hash'>): string {
  const { seq, orgId, at, kind, subject, data, prev } = content;
  return createHash('sha256').update(canonicalJson({ seq, orgId, at, kind, subject, data, prev })).digest('hex');
}

/**
 * The first thing wrong with `value` as the entry expected at `seq`. A seq further on means
 * the expected entry is missing or moved, reported at the expected seq; an earlier one means
 * an entry repeated, inserted or moved, reported at the seq it claims. `prev` is undefined
 * where the link cannot be checked.
 */
function entryFault(
  value: unknown,
  seq: number,
  prev: string | undefined,
  orgId: string | undefined,
): { at: number; reason: ChainFault; detail: string } | undefined {
  if (!isEntry(value)) return { at: seq, reason: 'malformed', detail: `the entry in place of seq ${seq} is not an evidence entry` };
  if (value.seq > seq)
    return {
      at: seq,
      reason: 'out-of-sequence',
      detail: `expected seq ${seq}, found ${value.seq}: an entry is missing or moved`,
    };
  if (value.seq < seq)
    return {
      at: value.seq,
      reason: 'out-of-sequence',
      detail: `expected seq ${seq}, found ${value.seq} again or out of place`,
    };
  if (orgId !== undefined && value.orgId !== orgId) return { at: seq, reason: 'wrong-org', detail: `seq ${seq} belongs to another org` };
  if (entryHash(value) !== value.hash) return { at: seq, reason: 'hash-mismatch', detail: `the content of seq ${seq} does not match its hash` };
  if (prev !== undefined && value.prev !== prev) return { at: seq, reason: 'broken-link', detail: `seq ${seq} does not follow the entry before it` };
  return undefined;
}

/** Exactly the entry fields, of the right types; an extra field would travel unhashed. */
function isEntry(value: unknown): value is EvidenceEntry {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== ENTRY_KEYS.length || !ENTRY_KEYS.every((k) => k in value)) return false;
  const e = value as Record<keyof EvidenceEntry, unknown>;
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1) return false;
  if (typeof e.orgId !== 'string' || typeof e.at !== 'string' || typeof e.subject !== 'string') return false;
  if (!EVIDENCE_KINDS.includes(e.kind as EvidenceKind)) return false;
  if (typeof e.prev !== 'string' || !HEX_HASH.test(e.prev) || typeof e.hash !== 'string' || !HEX_HASH.test(e.hash)) return false;
  try {
    canonicalJson(e.data);
    return true;
  } catch {
    return false;
  }
}

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function incidentEntries(entries: readonly EvidenceEntry[], incidentKey: string): EvidenceEntry[] {
  const eventIds = new Set<string>();
  for (const e of entries) if (e.kind === 'incident-revision' && e.subject === incidentKey) for (const id of verdictEventIds(e.data)) eventIds.add(id);
  return entries.filter((e) => e.subject === incidentKey || e.subject.startsWith(`${incidentKey}:`) || eventIds.has(e.subject));
}

/** `data.verdicts[].eventId` of an incident revision (the shape of `IncidentNotification`). */
function verdictEventIds(data: JsonValue): string[] {
  const verdicts = isPlainObject(data) ? data.verdicts : undefined;
  if (!Array.isArray(verdicts)) return [];
  return verdicts.flatMap((v) => (isPlainObject(v) && typeof v.eventId === 'string' ? [v.eventId] : []));
}

function runsOf(entries: readonly EvidenceEntry[]): BundleRun[] {
  const runs: BundleRun[] = [];
  for (const e of entries) {
    const current = runs[runs.length - 1];
    if (current && current.to + 1 === e.seq) {
      current.to = e.seq;
      current.hash = e.hash;
    } else runs.push({ from: e.seq, to: e.seq, hash: e.hash });
  }
  return runs;
}

/** What is wrong with the manifest's shape, or undefined; its fields must agree with its runs. */
function manifestProblem(m: BundleManifest): string | undefined {
  if (!isPlainObject(m) || m.format !== BUNDLE_FORMAT) return `the manifest is not a ${BUNDLE_FORMAT} manifest`;
  const strings = [m.orgId, m.exportedAt, m.signature, m.publicKey];
  if (!strings.every((s) => typeof s === 'string' && s !== '') || (m.incidentKey !== undefined && typeof m.incidentKey !== 'string'))
    return 'the manifest lacks its org, time, signature or key';
  if (!isPlainObject(m.head) || !Number.isSafeInteger(m.head.seq) || typeof m.head.hash !== 'string' || !HEX_HASH.test(m.head.hash))
    return 'the manifest has no valid head';
  if (!Array.isArray(m.runs) || m.runs.length === 0) return 'the manifest lists no entries';
  let after = 0;
  let count = 0;
  for (const run of m.runs as unknown[]) {
    const r = (isPlainObject(run) ? run : {}) as Partial<BundleRun>;
    if (!Number.isSafeInteger(r.from) || !Number.isSafeInteger(r.to) || typeof r.hash !== 'string' || !HEX_HASH.test(r.hash))
      return 'the manifest lists a malformed run';
    if ((r.from as number) <= after || (r.to as number) < (r.from as number)) return 'the manifest lists runs out of order';
    count += (r.to as number) - (r.from as number) + 1;
    after = r.to as number;
  }
  const lastRun = m.runs[m.runs.length - 1] as BundleRun;
  if (m.count !== count || m.firstSeq !== m.runs[0]?.from || m.lastSeq !== after || after > m.head.seq) return 'the manifest counts do not agree with its runs';
  if (after === m.head.seq && lastRun.hash !== m.head.hash) return 'the manifest head does not agree with its last run';
  return undefined;
}

function ed25519Key(key: KeyObject, type: 'private' | 'public'): KeyObject {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519') throw new Error(`expected an Ed25519 ${type} key`);
  return key;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
