import type { Sql } from '../store/store.js';
import { appendEntry, type EvidenceEntry, type EvidenceInput, type JsonValue } from './chain.js';

interface EntryRow {
  seq: string | number;
  org_id: string;
  at: Date | string;
  kind: EvidenceEntry['kind'];
  subject: string;
  data: JsonValue;
  prev: string;
  hash: string;
}

const entryOf = (r: EntryRow): EvidenceEntry => ({
  seq: Number(r.seq),
  orgId: r.org_id,
  at: new Date(r.at).toISOString(),
  kind: r.kind,
  subject: r.subject,
  data: r.data,
  prev: r.prev,
  hash: r.hash,
});

/**
 * Appends entries to their orgs' evidence logs inside the caller's transaction: one writer per
 * org at a time (an advisory lock), each entry chained to the org's last. Rolled back with the
 * transaction, so the log holds exactly what was recorded.
 */
export async function appendEvidence(tx: Sql, inputs: readonly EvidenceInput[]): Promise<EvidenceEntry[]> {
  const byOrg = new Map<string, EvidenceInput[]>();
  for (const input of inputs) byOrg.set(input.orgId, [...(byOrg.get(input.orgId) ?? []), input]);
  const written: EvidenceEntry[] = [];
  for (const [orgId, items] of [...byOrg].sort(([a], [b]) => a.localeCompare(b))) {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('leakwatch.evidence:' || $1))", [orgId]);
    const [last] = await tx.query<EntryRow>('SELECT * FROM evidence_entry WHERE org_id = $1 ORDER BY seq DESC LIMIT 1', [orgId]);
    let prev = last ? entryOf(last) : undefined;
    const entries: EvidenceEntry[] = [];
    for (const item of items) {
      prev = appendEntry(prev, item);
      entries.push(prev);
    }
    await tx.query(
      `INSERT INTO evidence_entry (org_id, seq, at, kind, subject, data, prev, hash)
       SELECT x.org_id, x.seq, x.at::timestamptz, x.kind, x.subject, x.data, x.prev, x.hash
         FROM jsonb_to_recordset($1::jsonb) AS x(org_id text, seq bigint, at text, kind text, subject text, data jsonb, prev text, hash text)`,
      [
        JSON.stringify(
          entries.map((e) => ({ org_id: e.orgId, seq: e.seq, at: e.at, kind: e.kind, subject: e.subject, data: e.data, prev: e.prev, hash: e.hash })),
        ),
      ],
    );
    written.push(...entries);
  }
  return written;
}

/** An org's whole evidence log, in order. */
export async function readEvidence(sql: Sql, orgId: string): Promise<EvidenceEntry[]> {
  const rows = await sql.query<EntryRow>('SELECT * FROM evidence_entry WHERE org_id = $1 ORDER BY seq', [orgId]);
  return rows.map(entryOf);
}
