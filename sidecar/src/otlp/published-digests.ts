import { createHash } from 'node:crypto';
import type { Sql } from '../store/store.js';

/** A digest of the fields a record is written with: equal digests, nothing to write. */
export function recordDigest(fields: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** The digests of the org's records of `sobject` as last accepted by the org, by external id. */
export async function publishedDigests(sql: Sql, orgId: string, sobject: string): Promise<Map<string, string>> {
  const rows = await sql.query<{ external_id: string; digest: string }>('SELECT external_id, digest FROM org_publication WHERE org_id = $1 AND sobject = $2', [
    orgId,
    sobject,
  ]);
  return new Map(rows.map((r) => [r.external_id, r.digest]));
}

/** Notes records the org accepted, so that they are not written again until they change. */
export async function notePublished(sql: Sql, orgId: string, sobject: string, digests: ReadonlyArray<{ externalId: string; digest: string }>): Promise<void> {
  if (digests.length === 0) return;
  await sql.query(
    `INSERT INTO org_publication AS p (org_id, sobject, external_id, digest)
     SELECT $1, $2, x.external_id, x.digest FROM jsonb_to_recordset($3::jsonb) AS x(external_id text, digest text)
     ON CONFLICT (org_id, sobject, external_id) DO UPDATE SET digest = EXCLUDED.digest, published_at = clock_timestamp()`,
    [orgId, sobject, JSON.stringify(digests.map((d) => ({ external_id: d.externalId, digest: d.digest })))],
  );
}
