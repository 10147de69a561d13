import { toId18 } from '../contract/salesforce-id.js';
import type { Sql } from '../store/store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The org id each verdict's event was scored under. The detector keys an org's state by the id
 * exactly as the package sent it (15 or 18 characters), so a suppression must carry the same
 * form: it is read from the stored event. An event this store does not hold (its database was
 * replaced) falls back to the 18-character form, which is what the package sends
 * (`UserInfo.getOrganizationId()`).
 */
export async function detectionOrgIds(sql: Sql, orgId: string, eventIds: readonly string[]): Promise<Map<string, string>> {
  const known = eventIds.filter((id) => UUID.test(id));
  const rows =
    known.length === 0
      ? []
      : await sql.query<{ event_id: string; org_id: string }>(
          'SELECT event_id::text AS event_id, org_id FROM ingested_event WHERE event_id = ANY($1::uuid[])',
          [known],
        );
  const stored = new Map(rows.map((row) => [row.event_id.toLowerCase(), row.org_id]));
  const fallback = toId18(orgId);
  return new Map(eventIds.map((id) => [id, stored.get(id.toLowerCase()) ?? fallback]));
}
