import { orgKey } from '../contract/salesforce-id.js';
import type { Sql } from '../store/store.js';
import { normalizeHost, type EgressPolicy } from './policy.js';

/** The rule name a containment block shows in egress decisions and verdicts. */
const CONTAINMENT_BLOCK = 'blocked by containment';

/**
 * Destinations containment blocks per org (`egress_block`), kept in memory for the egress guard,
 * which decides in the request and cannot wait for the store. `refresh` reads the table again: the
 * containment plugin calls it after each run and on its interval, so a replica sees another's block
 * within one interval, and its own at once.
 */
export interface EgressBlocks {
  /** The org's policy with every blocked host first, as a rule that blocks. */
  policyFor(base: (orgId: string) => EgressPolicy): (orgId: string) => EgressPolicy;
  refresh(): Promise<void>;
  /** Blocks a host for an org (idempotent per action), until `expiresAt` or an undo. */
  block(orgId: string, host: string, actionKey: string, expiresAt?: string): Promise<void>;
  /** Lifts one action's block; the host stays blocked while another action blocks it. */
  unblock(orgId: string, host: string, actionKey: string): Promise<void>;
  hosts(orgId: string): readonly string[];
}

export function egressBlocks(sql: Sql): EgressBlocks {
  let byOrg = new Map<string, string[]>();
  const refresh = async (): Promise<void> => {
    const rows = await sql.query<{ org_id: string; host: string }>('SELECT DISTINCT org_id, host FROM egress_block ORDER BY org_id, host');
    const next = new Map<string, string[]>();
    for (const row of rows) next.set(row.org_id, [...(next.get(row.org_id) ?? []), row.host]);
    byOrg = next;
  };
  const hosts = (orgId: string): readonly string[] => byOrg.get(orgKey(orgId)) ?? [];
  return {
    hosts,
    refresh,
    policyFor: (base) => (orgId) => {
      const policy = base(orgId);
      const blocked = hosts(orgId);
      if (blocked.length === 0) return policy;
      return {
        ...policy,
        destinations: [...blocked.map((host) => ({ match: host, action: 'block' as const, name: CONTAINMENT_BLOCK })), ...policy.destinations],
      };
    },
    async block(orgId, host, actionKey, expiresAt) {
      await sql.query(
        `INSERT INTO egress_block (org_id, host, action_key, expires_at) VALUES ($1, $2, $3, $4::timestamptz)
         ON CONFLICT (org_id, host, action_key) DO NOTHING`,
        [orgKey(orgId), normalizeHost(host), actionKey, expiresAt ?? null],
      );
      await refresh();
    },
    async unblock(orgId, host, actionKey) {
      await sql.query('DELETE FROM egress_block WHERE org_id = $1 AND host = $2 AND action_key = $3', [orgKey(orgId), normalizeHost(host), actionKey]);
      await refresh();
    },
  };
}
