import { text } from '../verdicts/field-values.js';
import type { OrgClient } from '../writeback/client.js';
import { isSalesforceId } from '../contract/salesforce-id.js';
import { isGone, orgRefusal } from './org-refusals.js';
import type { SharingChange, SharingRuleRef } from '../incidents/correlate.js';
import type { MetadataRecord, MetadataSaveResult } from '../writeback/client.js';
import type { ContainmentActionName } from './playbooks.js';

/** What carrying out containment needs of the org's client. */
export type ContainClient = Pick<
  OrgClient,
  'query' | 'update' | 'delete' | 'session' | 'identity' | 'readMetadata' | 'updateMetadata' | 'createMetadata' | 'deleteMetadata'
>;

/** How one try of an action (or its undo) ended. */
export type ActionResult =
  | { status: 'Done'; outcome: string; priorState?: Record<string, unknown> }
  | { status: 'Undone'; outcome: string }
  | { status: 'Retry'; outcome: string }
  | { status: 'Failed' | 'NotPossible'; outcome: string };

/** Outcome__c: a short sentence or a code and message, cut to the field. Org messages name ids and API names, never record values. */
export const outcomeText = (value: string): string => text(value, 255) as string;

const refused = (what: string, error: unknown): ActionResult => {
  const e = orgRefusal(error);
  return { status: e.transient ? 'Retry' : 'Failed', outcome: outcomeText(`${e.code}: ${what}: ${e.message}`) };
};

const checkedId = (id: string | undefined): string | undefined => (id && isSalesforceId(id) ? id : undefined);

/**
 * Freezes the user (`UserLogin.IsFrozen = true`; the Object Reference: "To access this object, you
 * need the UserPermissions.ManageUsers permission"). A user already frozen stays so and its undo
 * leaves it frozen.
 */
async function freezeUser(client: ContainClient, userId: string): Promise<ActionResult> {
  let logins: Array<{ Id: string; IsFrozen: boolean | null }>;
  try {
    logins = await client.query<{ Id: string; IsFrozen: boolean | null }>(`SELECT Id, IsFrozen FROM UserLogin WHERE UserId = '${userId}'`);
  } catch (error) {
    return refused('reading UserLogin needs Manage Users', error);
  }
  const login = logins[0];
  if (!login) return { status: 'NotPossible', outcome: outcomeText(`NO_USER_LOGIN: the org has no UserLogin for ${userId}`) };
  if (login.IsFrozen === true) return { status: 'Done', outcome: 'already frozen', priorState: { userLoginId: login.Id, wasFrozen: true } };
  try {
    await client.update('UserLogin', login.Id, { IsFrozen: true });
  } catch (error) {
    return refused('freezing needs Manage Users', error);
  }
  return { status: 'Done', outcome: 'frozen', priorState: { userLoginId: login.Id, wasFrozen: false } };
}

async function unfreezeUser(client: ContainClient, prior: Record<string, unknown> | undefined): Promise<ActionResult> {
  if (prior?.wasFrozen === true) return { status: 'Undone', outcome: 'left frozen: the user was frozen before containment' };
  const loginId = typeof prior?.userLoginId === 'string' ? prior.userLoginId : undefined;
  if (!loginId) return { status: 'Failed', outcome: 'NO_PRIOR_STATE: the UserLogin frozen is not recorded' };
  try {
    await client.update('UserLogin', loginId, { IsFrozen: false });
  } catch (error) {
    return refused('unfreezing needs Manage Users', error);
  }
  return { status: 'Undone', outcome: 'unfrozen' };
}

/**
 * Ends the user's sessions: deletes each of their AuthSession records ("use this object to … delete
 * a session, ending that user's session"). Without Manage Users the org shows a caller only its
 * own sessions, so an empty answer would prove nothing: Manage Users is checked first.
 */
async function endSessions(client: ContainClient, userId: string): Promise<ActionResult> {
  try {
    if (!(await holds(client, 'ManageUsers'))) {
      return {
        status: 'Failed',
        outcome: outcomeText("INSUFFICIENT_ACCESS: seeing and ending another user's sessions needs Manage Users for the integration user"),
      };
    }
  } catch (error) {
    return refused("checking the integration user's permissions", error);
  }
  let sessions: Array<{ Id: string }>;
  try {
    sessions = await client.query<{ Id: string }>(`SELECT Id FROM AuthSession WHERE UsersId = '${userId}'`);
  } catch (error) {
    return refused('reading AuthSession', error);
  }
  let ended = 0;
  for (const session of sessions) {
    try {
      await client.delete('AuthSession', session.Id);
      ended += 1;
    } catch (error) {
      if (isGone(error)) continue; // the session is over anyway
      return refused(`ending session ${session.Id} after ${ended} of ${sessions.length}`, error);
    }
  }
  return { status: 'Done', outcome: sessions.length === 0 ? 'no open session' : `${ended} of ${sessions.length} sessions ended` };
}

/**
 * Whether the integration user holds a user permission, from UserPermissionAccess ("the
 * permissions accessibility for a current user"; its profile's and permission sets' together).
 */
async function holds(client: ContainClient, permission: 'ManageUsers' | 'CustomizeApplication'): Promise<boolean> {
  const [row] = await client.query<Record<string, unknown>>(`SELECT Permissions${permission} FROM UserPermissionAccess`);
  return row?.[`Permissions${permission}`] === true;
}

/**
 * Revokes every OAuth token the user granted a connected app. The OauthToken object only reads
 * ("Supported Calls: describeSObjects(), query()"): each token is revoked at the OAuth revoke
 * endpoint with its DeleteToken ("A token that can be used at the revoke OAuth token endpoint to
 * remove this token"). A caller sees other users' tokens only with Customize Application, so that
 * is checked first: without it an empty answer would prove nothing.
 *
 * What it cannot do: tokens issued by an external client app's own flows that OauthToken does not
 * list, and access tokens already handed out until they expire (a revoked refresh token revokes
 * the access tokens issued from it). Ending the user's sessions covers the latter.
 */
async function revokeTokens(client: ContainClient, userId: string, fetchImpl: typeof fetch): Promise<ActionResult> {
  try {
    if (!(await holds(client, 'CustomizeApplication'))) {
      return {
        status: 'Failed',
        outcome: outcomeText("INSUFFICIENT_ACCESS: seeing another user's OAuth tokens needs Customize Application for the integration user"),
      };
    }
  } catch (error) {
    return refused("checking the integration user's permissions", error);
  }
  let tokens: Array<{ DeleteToken: string | null; AppName: string | null }>;
  try {
    tokens = await client.query<{ DeleteToken: string | null; AppName: string | null }>(
      `SELECT DeleteToken, AppName FROM OauthToken WHERE UserId = '${userId}'`,
    );
  } catch (error) {
    return refused('reading OauthToken', error);
  }
  const revocable = tokens.filter((t) => typeof t.DeleteToken === 'string' && t.DeleteToken !== '');
  if (revocable.length === 0) return { status: 'Done', outcome: 'no OAuth token' };
  let session: { accessToken: string; instanceUrl: string };
  try {
    session = await client.session();
  } catch (error) {
    return refused('opening a session', error);
  }
  let revoked = 0;
  const apps = new Set<string>();
  for (const token of revocable) {
    let response: Response;
    try {
      response = await fetchImpl(new URL('/services/oauth2/revoke', session.instanceUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: token.DeleteToken as string }).toString(),
        signal: AbortSignal.timeout(30_000),
      });
    } catch {
      return { status: 'Retry', outcome: outcomeText(`NETWORK: the revoke endpoint did not answer after ${revoked} of ${revocable.length} tokens`) };
    }
    if (response.ok) {
      revoked += 1;
      if (token.AppName) apps.add(token.AppName);
      continue;
    }
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    // invalid_token: revoked or expired since the query; gone either way.
    if (response.status === 400 && body.error === 'invalid_token') continue;
    if (response.status >= 500 || response.status === 429)
      return { status: 'Retry', outcome: outcomeText(`HTTP_${response.status}: the revoke endpoint after ${revoked} of ${revocable.length} tokens`) };
    return {
      status: 'Failed',
      outcome: outcomeText(`${body.error ?? `HTTP_${response.status}`}: the revoke endpoint refused a token after ${revoked} of ${revocable.length}`),
    };
  }
  return {
    status: 'Done',
    outcome: outcomeText(`${revoked} of ${revocable.length} OAuth tokens revoked${apps.size > 0 ? ` (${[...apps].sort().join(', ')})` : ''}`),
  };
}

/**
 * Org-wide defaults as Setup labels them (the SetupAuditTrail's words) and as the Metadata API's
 * SharingModel enumeration spells them (CustomObject.sharingModel, externalSharingModel).
 */
const SHARING_MODEL: Readonly<Record<string, string>> = {
  Private: 'Private',
  'Controlled by Parent': 'ControlledByParent',
  'Public Read Only': 'Read',
  'Public Read/Write': 'ReadWrite',
  'Public Read/Write/Transfer': 'ReadWriteTransfer',
  'Public Full Access': 'FullAccess',
};

/**
 * Sets an object's org-wide default from one value to another through the Metadata API, only when
 * it still holds the value the change left (`expected`): a default someone changed since is left
 * alone. CustomObject is read whole and sent back whole with the one setting changed ("You can't
 * update a single field on the object").
 */
async function setOrgWideDefault(client: ContainClient, change: SharingChange, expectedLabel: string, targetLabel: string): Promise<ActionResult> {
  const field = change.scope === 'internal' ? 'sharingModel' : 'externalSharingModel';
  const expected = SHARING_MODEL[expectedLabel];
  const target = SHARING_MODEL[targetLabel];
  if (!expected || !target)
    return {
      status: 'NotPossible',
      outcome: outcomeText(`UNKNOWN_SHARING_LABEL: ${expectedLabel} → ${targetLabel} is not an org-wide default the sidecar knows`),
    };
  let component: Record<string, unknown> | undefined;
  try {
    [component] = await client.readMetadata('CustomObject', [change.object]);
  } catch (error) {
    return refused(`reading CustomObject ${change.object}`, error);
  }
  if (!component) return { status: 'NotPossible', outcome: outcomeText(`NO_OBJECT: the Metadata API has no CustomObject ${change.object}`) };
  const current = component[field];
  const done = { object: change.object, scope: change.scope, field, before: current, after: target, sharingChange: change };
  if (current === target) return { status: 'Done', outcome: outcomeText(`${change.object} ${field} already ${target}`), priorState: done };
  if (current !== expected) {
    return {
      status: 'NotPossible',
      outcome: outcomeText(`CHANGED_SINCE: ${change.object} ${field} is ${String(current)} now, not ${expected}; left as it is`),
    };
  }
  let saved;
  try {
    [saved] = await client.updateMetadata('CustomObject', [{ ...component, fullName: change.object, [field]: target }]);
  } catch (error) {
    return refused(`updating CustomObject ${change.object}`, error);
  }
  if (!saved?.success) {
    const [first] = saved?.errors ?? [];
    return {
      status: 'Failed',
      outcome: outcomeText(`${first?.statusCode ?? 'UNKNOWN'}: setting ${change.object} ${field} to ${target}: ${first?.message ?? 'no result'}`),
    };
  }
  return { status: 'Done', outcome: outcomeText(`${change.object} ${field} set from ${expected} to ${target}`), priorState: done };
}

/** The Metadata API type of each kind of sharing rule (SharingRules: "SharingCriteriaRule, SharingOwnerRule …"). */
const RULE_METADATA_TYPES = { criteria: 'SharingCriteriaRule', owner: 'SharingOwnerRule', guest: 'SharingGuestRule' } as const;
type RuleMetadataType = (typeof RULE_METADATA_TYPES)[keyof typeof RULE_METADATA_TYPES];
const RULE_TYPE_NAMES: ReadonlySet<string> = new Set(Object.values(RULE_METADATA_TYPES));

/** A component as it can be sent back: without the attributes (`$`) a SOAP reader adds. */
function plainComponent(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainComponent);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !key.startsWith('$'))
      .map(([key, v]) => [key, plainComponent(v)]),
  );
}

const firstError = (result: MetadataSaveResult | undefined): string => {
  const [first] = result?.errors ?? [];
  return `${first?.statusCode ?? 'UNKNOWN'}: ${first?.message ?? 'no result'}`;
};

/**
 * Finds a sharing rule by its full name under its kind's type, or under each kind when the audit
 * trail did not say which (SharingCriteriaRule first: the kind Setup's audit trail names most).
 */
async function findRule(
  client: ContainClient,
  ref: SharingRuleRef,
  fullName: string,
): Promise<{ type: RuleMetadataType; component: MetadataRecord } | { result: ActionResult } | undefined> {
  const types: RuleMetadataType[] = ref.ruleType ? [RULE_METADATA_TYPES[ref.ruleType]] : Object.values(RULE_METADATA_TYPES);
  for (const type of types) {
    try {
      const [component] = await client.readMetadata(type, [fullName]);
      if (component) return { type, component };
    } catch (error) {
      return { result: refused(`reading ${type} ${fullName} needs View Setup and Configuration and the Metadata API`, error) };
    }
  }
  return undefined;
}

/**
 * Deletes a sharing rule that opened personal data (a rule cannot be switched off, only deleted;
 * Metadata API deleteMetadata of SharingCriteriaRule, SharingOwnerRule or SharingGuestRule, which
 * needs Manage Sharing). The rule is read first and its definition kept, so that an undo can
 * create it again as it was. A rule already gone counts as contained.
 */
async function deleteSharingRule(client: ContainClient, ref: SharingRuleRef): Promise<ActionResult> {
  const fullName = `${ref.object}.${ref.rule}`;
  const found = await findRule(client, ref, fullName);
  if (found && 'result' in found) return found.result;
  if (!found) return { status: 'Done', outcome: outcomeText(`sharing rule ${fullName} no longer exists`), priorState: { sharingRule: ref, gone: true } };
  let deleted: MetadataSaveResult | undefined;
  try {
    [deleted] = await client.deleteMetadata(found.type, [fullName]);
  } catch (error) {
    return refused(`deleting ${found.type} ${fullName}`, error);
  }
  if (!deleted?.success) return { status: 'Failed', outcome: outcomeText(`${firstError(deleted)} (deleting ${found.type} ${fullName} needs Manage Sharing)`) };
  return {
    status: 'Done',
    outcome: outcomeText(`sharing rule ${fullName} (${found.type}) deleted`),
    priorState: { sharingRule: ref, type: found.type, definition: plainComponent(found.component) },
  };
}

/** Creates a deleted sharing rule again from the definition read before it was deleted, unless one of its name exists again. */
async function recreateSharingRule(client: ContainClient, prior: Record<string, unknown> | undefined): Promise<ActionResult> {
  const ref = prior?.sharingRule as SharingRuleRef | undefined;
  if (ref && prior?.gone === true) return { status: 'Undone', outcome: 'nothing to create again: the rule was gone before containment' };
  const type = typeof prior?.type === 'string' && RULE_TYPE_NAMES.has(prior.type) ? (prior.type as RuleMetadataType) : undefined;
  const definition = prior?.definition as MetadataRecord | undefined;
  if (!ref || !type || !definition || typeof definition.fullName !== 'string')
    return { status: 'Failed', outcome: "NO_PRIOR_STATE: the deleted rule's definition is not recorded" };
  try {
    const [existing] = await client.readMetadata(type, [definition.fullName]);
    if (existing) return { status: 'NotPossible', outcome: outcomeText(`CHANGED_SINCE: a ${type} named ${definition.fullName} exists again; left as it is`) };
  } catch (error) {
    return refused(`reading ${type} ${definition.fullName}`, error);
  }
  let created: MetadataSaveResult | undefined;
  try {
    [created] = await client.createMetadata(type, [definition]);
  } catch (error) {
    return refused(`creating ${type} ${definition.fullName}`, error);
  }
  if (!created?.success) return { status: 'Failed', outcome: outcomeText(`${firstError(created)} (creating ${type} ${definition.fullName} again)`) };
  return { status: 'Undone', outcome: outcomeText(`sharing rule ${definition.fullName} created again as it was`) };
}

/** The egress guard's block list, bound to one org and one action. */
interface EgressBlocker {
  block(host: string, expiresAt?: string): Promise<void>;
  unblock(host: string): Promise<void>;
}

export interface CarryOutOptions {
  fetchImpl?: typeof fetch;
  /** For RestoreOrgWideDefault: the change to set back. */
  sharingChange?: SharingChange;
  /** For DeleteSharingRule: the rule to delete. */
  sharingRule?: SharingRuleRef;
  /** For BlockEgressDestination: the host, when it is lifted, and the guard's block list. */
  destinationHost?: string;
  expiresAt?: string;
  egress?: EgressBlocker;
}

/**
 * Blocks a destination in the sidecar's own egress guard: every later inspection (and Envoy
 * ext_authz check) of a request to the host answers block, whatever the policy file says, until an
 * undo or the expiry. Traffic that does not pass the guard is not stopped by it.
 */
async function blockDestination(options: CarryOutOptions): Promise<ActionResult> {
  if (!options.destinationHost) return { status: 'Failed', outcome: 'NO_TARGET: BlockEgressDestination needs a host' };
  if (!options.egress) return { status: 'NotPossible', outcome: 'NO_EGRESS_GUARD: this sidecar runs no egress guard to block in' };
  await options.egress.block(options.destinationHost, options.expiresAt);
  return {
    status: 'Done',
    outcome: outcomeText(`egress to ${options.destinationHost} blocked by the sidecar's guard`),
    priorState: { destinationHost: options.destinationHost },
  };
}

/** Carries out one containment action on its target. */
export async function carryOutAction(
  client: ContainClient,
  action: ContainmentActionName,
  targetId: string | undefined,
  options: CarryOutOptions = {},
): Promise<ActionResult> {
  if (action === 'RestoreOrgWideDefault') {
    const change = options.sharingChange;
    if (!change) return { status: 'Failed', outcome: 'NO_TARGET: RestoreOrgWideDefault needs the change to set back' };
    return setOrgWideDefault(client, change, change.to, change.from);
  }
  if (action === 'DeleteSharingRule') {
    if (!options.sharingRule) return { status: 'Failed', outcome: 'NO_TARGET: DeleteSharingRule needs the rule to delete' };
    return deleteSharingRule(client, options.sharingRule);
  }
  if (action === 'BlockEgressDestination') return blockDestination(options);
  const userId = checkedId(targetId);
  if (!userId) return { status: 'Failed', outcome: outcomeText(`NO_TARGET: ${action} needs a user id`) };
  switch (action) {
    case 'FreezeUser':
      return freezeUser(client, userId);
    case 'EndSessions':
      return endSessions(client, userId);
    case 'RevokeOAuthTokens':
      return revokeTokens(client, userId, options.fetchImpl ?? fetch);
    default:
      return { status: 'NotPossible', outcome: outcomeText(`NOT_SUPPORTED: ${action} is not carried out by the sidecar`) };
  }
}

/**
 * Undoes a done action where the platform allows it: a freeze is lifted, an org-wide default set back
 * is opened again (only while it still holds the restored value), a deleted sharing rule is created
 * again as it was (unless one of its name exists again), a blocked host is allowed again;
 * ended sessions and revoked tokens cannot come back.
 */
export async function undoAction(
  client: ContainClient,
  action: ContainmentActionName,
  prior: Record<string, unknown> | undefined,
  options: CarryOutOptions = {},
): Promise<ActionResult> {
  if (action === 'FreezeUser') return unfreezeUser(client, prior);
  if (action === 'BlockEgressDestination') {
    const host = typeof prior?.destinationHost === 'string' ? prior.destinationHost : undefined;
    if (!host || !options.egress)
      return { status: 'Failed', outcome: 'NO_PRIOR_STATE: the blocked host is not recorded, or this sidecar runs no egress guard' };
    await options.egress.unblock(host);
    return { status: 'Undone', outcome: outcomeText(`egress to ${host} allowed again`) };
  }
  if (action === 'DeleteSharingRule') return recreateSharingRule(client, prior);
  if (action === 'RestoreOrgWideDefault') {
    const change = prior?.sharingChange as SharingChange | undefined;
    if (!change) return { status: 'Failed', outcome: 'NO_PRIOR_STATE: the org-wide default set back is not recorded' };
    const result = await setOrgWideDefault(client, change, change.from, change.to);
    return result.status === 'Done' ? { status: 'Undone', outcome: result.outcome } : result;
  }
  return { status: 'NotPossible', outcome: outcomeText(`IRREVERSIBLE: ${action} cannot be undone; the user signs in again or re-authorises the app`) };
}
