import type { OrgIdentityCheck } from '../outbox/org-client.js';
import type { OrgClient, OrgIdentity, OrgRecord } from './client.js';
import { classifyError, OrgRequestError } from './errors.js';

/** A connection that logs in to another org than the one whose verdicts it was configured to write. */
export interface WrongOrg {
  /** The org the verdicts belong to (15-character form). */
  orgId: string;
  /** The org the connection's user belongs to. */
  connectedOrgId: string;
  username: string;
}

export interface CheckedOrgClient extends OrgClient {
  identityCheck(): OrgIdentityCheck;
}

/**
 * Wraps a client so that nothing is written before userinfo shows that it logs in to `orgId`
 * (15-character prefixes compared). A check that fails (the org is down, the login is refused) is
 * tried again on the next write, with that error. A connection to another org fails every write,
 * for good, with a non-retryable WRONG_ORG error, so the records become dead letters instead of
 * landing in the other org; `onWrongOrg` hears of it once.
 */
export const checkedOrgClient = (orgId: string, client: OrgClient, onWrongOrg: (wrong: WrongOrg) => void = () => {}): CheckedOrgClient => {
  const org = orgId.slice(0, 15);
  let state: OrgIdentityCheck = 'unchecked';
  let wrongOrg: OrgRequestError | undefined;
  let checking: Promise<void> | undefined;

  const confirm = (identity: OrgIdentity): void => {
    if (identity.orgId.slice(0, 15) === org) {
      state = 'verified';
      return;
    }
    state = 'wrong-org';
    wrongOrg = new OrgRequestError(
      'WRONG_ORG',
      `the connection for org ${org} logs in to org ${identity.orgId.slice(0, 15)} as ${identity.username}, so none ` +
        `of this org's records are written there. Correct the connection of org ${org} (SF_* or its entry in ` +
        'LEAKWATCH_ORGS_FILE), restart the sidecar and re-drive the dead letters.',
      false,
    );
    onWrongOrg({ orgId: org, connectedOrgId: identity.orgId, username: identity.username });
  };

  const ensureRightOrg = async (): Promise<void> => {
    if (state === 'verified') return;
    checking ??= client.identity().then(confirm, (error: unknown) => {
      checking = undefined;
      const cause = classifyError(error);
      const message = `checking which org the connection logs in to: ${cause.message}`;
      throw new OrgRequestError(cause.code, message, cause.retryable, { cause });
    });
    await checking;
    if (wrongOrg) throw wrongOrg;
  };

  return {
    async upsert(sobject, externalIdField, records) {
      await ensureRightOrg();
      return client.upsert(sobject, externalIdField, records);
    },
    async query<T extends OrgRecord = OrgRecord>(soql: string) {
      await ensureRightOrg();
      return client.query<T>(soql);
    },
    async upsertOne(sobject: string, externalIdField: string, externalId: string, record: OrgRecord) {
      await ensureRightOrg();
      return client.upsertOne(sobject, externalIdField, externalId, record);
    },
    async publishEvent(event: string, fields: OrgRecord) {
      await ensureRightOrg();
      return client.publishEvent(event, fields);
    },
    async update(sobject: string, id: string, fields: OrgRecord) {
      await ensureRightOrg();
      return client.update(sobject, id, fields);
    },
    async delete(sobject: string, id: string) {
      await ensureRightOrg();
      return client.delete(sobject, id);
    },
    async create(sobject: string, records: OrgRecord[]) {
      await ensureRightOrg();
      return client.create(sobject, records);
    },
    async readMetadata(type: string, fullNames: string[]) {
      await ensureRightOrg();
      return client.readMetadata(type, fullNames);
    },
    async updateMetadata(type: string, components: Parameters<OrgClient['updateMetadata']>[1]) {
      await ensureRightOrg();
      return client.updateMetadata(type, components);
    },
    async createMetadata(type: string, components: Parameters<OrgClient['createMetadata']>[1]) {
      await ensureRightOrg();
      return client.createMetadata(type, components);
    },
    async deleteMetadata(type: string, fullNames: string[]) {
      await ensureRightOrg();
      return client.deleteMetadata(type, fullNames);
    },
    async describe(sobject: string) {
      await ensureRightOrg();
      return client.describe(sobject);
    },
    async download(path: string) {
      await ensureRightOrg();
      return client.download(path);
    },
    async session(renew?: boolean) {
      await ensureRightOrg();
      return client.session(renew);
    },
    apiUsage: () => client.apiUsage(),
    requestCount: () => client.requestCount(),
    apiVersion: client.apiVersion,
    identity: () => client.identity(),
    identityCheck: () => state,
  };
};
