import { isSalesforceId, toId18 } from '../contract/salesforce-id.js';
import type { CollectClient, Lookups, UserInfo } from './source.js';

/**
 * Profiles of the Salesforce Integration user licence: "Minimum Access - API Only Integrations", and
 * the "Salesforce API Only System Integrations" profile it replaced (help.salesforce.com, "Give
 * Integration Users API Only Access"). A user on either is an integration user by licence.
 */
export const INTEGRATION_PROFILES = ['Minimum Access - API Only Integrations', 'Salesforce API Only System Integrations'];

/** Ids per `IN (…)` list: keeps a query well under SOQL's 100,000-character limit. */
const IDS_PER_QUERY = 200;

interface LookupOptions {
  /** Usernames or user ids the org's admin declared integration users (configuration), besides the licence's profiles. */
  integrationUsers?: readonly string[];
}

interface UserRow extends Record<string, unknown> {
  Id: string;
  Username: string;
  UserType?: string | null;
  Profile?: { Name?: string | null } | null;
}

/**
 * User lookups for one collection run, cached by 18-character id. A user is an integration user
 * when the configuration names them, or their profile is one of the integration licence's: never
 * guessed from the API one request used.
 */
export function createLookups(client: CollectClient, options: LookupOptions = {}): Lookups {
  const cache = new Map<string, UserInfo | null>();
  const declared = new Set((options.integrationUsers ?? []).map((u) => (isSalesforceId(u) ? toId18(u) : u.toLowerCase())));
  return {
    async users(ids) {
      const wanted = [...new Set(ids.filter(isSalesforceId).map(toId18))];
      const missing = wanted.filter((id) => !cache.has(id));
      for (let i = 0; i < missing.length; i += IDS_PER_QUERY) {
        const chunk = missing.slice(i, i + IDS_PER_QUERY);
        const rows = await client.query<UserRow>(
          `SELECT Id, Username, UserType, Profile.Name FROM User WHERE Id IN (${chunk.map((id) => `'${id}'`).join(', ')})`,
        );
        for (const id of chunk) cache.set(id, null);
        for (const row of rows) {
          const profile = row.Profile?.Name ?? undefined;
          const id = toId18(row.Id);
          cache.set(id, {
            username: row.Username,
            ...(profile ? { profile } : {}),
            isIntegration: declared.has(id) || declared.has(row.Username.toLowerCase()) || (profile !== undefined && INTEGRATION_PROFILES.includes(profile)),
          });
        }
      }
      const found = new Map<string, UserInfo>();
      for (const id of wanted) {
        const info = cache.get(id);
        if (info) found.set(id, info);
      }
      return found;
    },
  };
}
