import { ConfigError, type OrgConnection, type SidecarConfig } from '../config.js';
import { createOrgClient, type OrgClient } from './client.js';
import { checkedOrgClient, type CheckedOrgClient, type WrongOrg } from './org-check.js';

/** An org's checked client (write-back and queries); undefined for an org without a connection. */
type OrgConnectionResolver = (orgId: string) => CheckedOrgClient | undefined;

/**
 * The write-back client of each configured org: one jsforce client per distinct connection (orgs
 * with the same settings share it), each org behind its own check that the connection logs in to
 * that org. Resolves 15- and 18-character org ids; undefined for an org without a connection.
 */
export const connectOrgs = (
  config: Pick<SidecarConfig, 'orgSecrets' | 'orgConnections' | 'salesforce'>,
  onWrongOrg?: (wrong: WrongOrg) => void,
): OrgConnectionResolver => {
  const shared = new Map<string, OrgClient>();
  const byOrg = new Map<string, CheckedOrgClient>();
  for (const orgId of config.orgSecrets.keys()) {
    const connection = config.orgConnections?.get(orgId) ?? config.salesforce;
    if (!connection) continue;
    const key = connectionKey(connection);
    let client = shared.get(key);
    if (!client) {
      client = clientFor(orgId, connection);
      shared.set(key, client);
    }
    byOrg.set(orgId, checkedOrgClient(orgId, client, onWrongOrg));
  }
  return (orgId) => byOrg.get(orgId.slice(0, 15));
};

const connectionKey = (c: OrgConnection): string => JSON.stringify([c.loginUrl, c.clientId, c.username, c.privateKeyPath, c.apiVersion, c.namespace ?? null]);

const clientFor = (orgId: string, connection: OrgConnection): OrgClient => {
  try {
    return createOrgClient(connection);
  } catch (err) {
    throw new ConfigError(`the connection of org ${orgId} cannot use the private key at ${connection.privateKeyPath}: ${(err as Error).message}`);
  }
};
