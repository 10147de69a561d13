import type { LeakEvent } from '../../contract/event.js';
import { isSalesforceId, toId18 } from '../../contract/salesforce-id.js';
import { classifyError } from '../../writeback/errors.js';
import { parseAuditRow, type AuditChange } from '../audit-trail/parse.js';
import { collectedEventId } from '../event-id.js';
import { orgTime, positionAfter, soqlString, nothingNew, readKeysetPage, type KeysetPosition } from '../keyset.js';
import type { CollectorSource, SourceContext, SourcePage, UserInfo } from '../source.js';

/** Names per `IN (…)` list of the connected app lookup. */
const NAMES_PER_QUERY = 100;
const OBJECT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

/**
 * SetupAuditTrail fields read (Object Reference, "SetupAuditTrail"; DelegateUser 35.0+,
 * CreatedByContext 48.0+). CreatedBy.Username names the actor when the User lookup cannot.
 */
const AUDIT_TRAIL_FIELDS = [
  'Id',
  'Action',
  'Section',
  'Display',
  'CreatedDate',
  'CreatedById',
  'CreatedBy.Username',
  'DelegateUser',
  'ResponsibleNamespacePrefix',
  'CreatedByContext',
] as const;

export interface AuditTrailRow extends Record<string, unknown> {
  Id: string;
  Action: string;
  Section?: string | null;
  Display?: string | null;
  CreatedDate: string;
  CreatedById?: string | null;
  CreatedBy?: { Username?: string | null } | null;
  DelegateUser?: string | null;
  ResponsibleNamespacePrefix?: string | null;
  CreatedByContext?: string | null;
}

interface SetupAuditTrailOptions {
  intervalMs?: number;
  /** How long after CreatedDate a row is sure to be visible; default 60 s. */
  settleMs?: number;
  /** First read: this many days back; default 180 (the org keeps the audit trail 180 days). */
  backfillDays?: number;
}

/**
 * Setup changes from SetupAuditTrail, keyed by (CreatedDate, Id). Each row becomes one event of the
 * user who made the change (`parse.ts` reads its Action, Section and Display): a sharing rule or
 * org-wide default that opens records (`sharing`), a critical permission turned on or off in a
 * permission set or profile (`permission`), a connected app created or changed (`oauth`, with its
 * scopes and IP relaxation when the Display lists them), login IP ranges and session settings, and
 * every other change (`setup`, with its section and action only). Permission set assignments are
 * left to the PermissionSetAssignment source, which reads these rows for the assigner: they are read
 * and counted here, but give no event.
 */
export function setupAuditTrailSource(options: SetupAuditTrailOptions = {}): CollectorSource<KeysetPosition> {
  const settleMs = options.settleMs ?? 60_000;
  const backfillDays = options.backfillDays ?? 180;
  return {
    name: 'SetupAuditTrail',
    intervalMs: options.intervalMs ?? 5 * 60_000,
    backfill: { days: backfillDays, why: 'the org keeps 180 days of setup audit trail' },
    async read(ctx: SourceContext<KeysetPosition>): Promise<SourcePage<KeysetPosition>> {
      const rows = await readKeysetPage<AuditTrailRow>(ctx, {
        object: 'SetupAuditTrail',
        fields: AUDIT_TRAIL_FIELDS,
        timeField: 'CreatedDate',
        backfillDays,
        settleMs,
      });
      const last = rows.at(-1);
      if (!last) return nothingNew(ctx, backfillDays);
      const parsed = rows.map((row) => ({ row, change: parseAuditRow(row) }));
      const actors = parsed.filter((p) => p.change.type !== 'assignment').map((p) => p.row.CreatedById ?? '');
      const users = await ctx.lookups.users(actors.filter(isSalesforceId));
      const apps = await connectedAppIds(
        ctx,
        parsed.flatMap((p) => (p.change.type === 'connectedApp' ? [p.change.appName] : [])),
      );
      const events = parsed.flatMap(({ row, change }) => {
        const user = users.get(toId18(row.CreatedById ?? ''));
        const event = auditEvent(ctx.orgId, row, change, user, apps);
        return event ? [event] : [];
      });
      const position = positionAfter(last, 'CreatedDate');
      return { events, rows: rows.length, position, lastRowAt: new Date(position.at), more: rows.length >= ctx.pageSize };
    },
  };
}

/**
 * ConnectedApplication ids by name for the apps a page's rows name (one query per 100 names), so the
 * detector keys an app the same way whichever source saw it. An org that does not let the
 * integration user read ConnectedApplication still has its audit trail read: the apps are then keyed
 * by name, as the OauthToken source keys apps it cannot find.
 */
async function connectedAppIds(ctx: SourceContext<unknown>, names: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(names)];
  const found = new Map<string, string>();
  try {
    for (let i = 0; i < unique.length; i += NAMES_PER_QUERY) {
      const chunk = unique.slice(i, i + NAMES_PER_QUERY);
      const rows = await ctx.client.query<{ Id: string; Name: string }>(
        `SELECT Id, Name FROM ConnectedApplication WHERE Name IN (${chunk.map(soqlString).join(', ')}) ORDER BY Id LIMIT 2000`,
      );
      for (const row of rows) if (!found.has(row.Name)) found.set(row.Name, toId18(row.Id));
    }
  } catch (err) {
    if (!NO_ACCESS_CODES.has(classifyError(err).code)) throw err;
  }
  return found;
}

const NO_ACCESS_CODES = new Set(['INVALID_TYPE', 'INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY']);

/** The app's key in the detector: its ConnectedApplication id, else its name (as the OauthToken source keys it). */
const appKey = (name: string, apps: ReadonlyMap<string, string>): string => apps.get(name) ?? `app:${name}`;

/**
 * One audit row as a canonical event; undefined for assignment rows (another source reports them)
 * and rows without a user. Details hold the row's section and action, codes and names the parser
 * read, and never the Display text.
 */
export function auditEvent(
  orgId: string,
  row: AuditTrailRow,
  change: AuditChange,
  user: UserInfo | undefined,
  apps: ReadonlyMap<string, string>,
): LeakEvent | undefined {
  const occurredAt = orgTime(row.CreatedDate);
  if (change.type === 'assignment' || !row.CreatedById || !isSalesforceId(row.CreatedById) || !occurredAt) return undefined;
  const username = user?.username ?? row.CreatedBy?.Username ?? undefined;
  const base = {
    id: collectedEventId(orgId, 'SetupAuditTrail', toId18(row.Id)),
    occurredAt,
    actor: {
      userId: toId18(row.CreatedById),
      ...(username ? { username } : {}),
      ...(user ? { isIntegration: user.isIntegration } : {}),
      ...(user?.profile ? { profile: user.profile } : {}),
    },
  };
  const common: Record<string, unknown> = { source: 'SetupAuditTrail', auditTrailId: toId18(row.Id), action: row.Action };
  if (row.Section) common['section'] = row.Section;
  // A Login-As user acted (its username is personal data: only the fact is kept).
  if (row.DelegateUser) common['delegated'] = true;
  if (row.ResponsibleNamespacePrefix) common['namespace'] = row.ResponsibleNamespacePrefix;
  if (row.CreatedByContext) common['createdByContext'] = row.CreatedByContext;
  /** A sharing change on an object (named only when it is an API name), with its typed details. */
  const sharingEvent = (objectName: string | undefined, code: string, details: Record<string, unknown>): LeakEvent => {
    const object = objectName && OBJECT_NAME.test(objectName) ? objectName : undefined;
    return {
      ...base,
      kind: 'sharing',
      operation: 'change',
      ...(object ? { object } : {}),
      details: { ...common, change: code, ...(object ? { object } : {}), ...details },
    };
  };
  switch (change.type) {
    case 'sharingRule':
      return sharingEvent(change.object, `sharing_rule_${change.change}`, {
        ...(change.sharedWith ? { sharedWith: change.sharedWith } : {}),
        ...(change.sharedWithType ? { sharedWithType: change.sharedWithType } : {}),
        ...(change.accessLevel ? { accessLevel: change.accessLevel } : {}),
        // The rule's name and kind: what containment deletes, and re-creates on undo.
        ...(change.rule ? { rule: change.rule } : {}),
        ...(change.ruleType ? { ruleType: change.ruleType } : {}),
      });
    case 'orgWideDefault': {
      const external = change.scope === 'external';
      return sharingEvent(change.object, external ? 'external_org_wide_default' : 'org_wide_default', {
        ...(change.opensTo ? { [external ? 'externalOrgWideDefault' : 'orgWideDefault']: change.opensTo } : {}),
        from: change.from,
        to: change.to,
      });
    }
    case 'permission':
      return {
        ...base,
        kind: 'permission',
        // A permission turned off is a revocation: the detector scores only grants.
        operation: change.granted ? 'change' : 'revoke',
        object: change.holder === 'profile' ? 'Profile' : 'PermissionSet',
        details: {
          ...common,
          change: change.granted ? 'permission_enabled' : 'permission_disabled',
          holder: change.holder,
          ...(change.name ? { permissionSetName: change.name } : {}),
          permissions: change.permissions,
          ...(change.from ? { changedFrom: change.from } : {}),
          ...(change.to ? { changedTo: change.to } : {}),
        },
      };
    case 'connectedApp':
      return {
        ...base,
        kind: 'oauth',
        // A deleted app is revoked: the detector neither learns nor flags it.
        operation: change.change === 'deleted' ? 'revoke' : 'change',
        object: 'ConnectedApplication',
        details: {
          ...common,
          change: `connected_app_${change.change}`,
          appName: change.appName,
          connectedAppId: appKey(change.appName, apps),
          ...(change.scopes ? { scopes: change.scopes } : {}),
          ...(change.previousScopes ? { previousScopes: change.previousScopes } : {}),
          ...(change.ipRelaxation ? { ipRelaxation: change.ipRelaxation } : {}),
        },
      };
    case 'setting':
      return { ...base, kind: 'setup', operation: 'change', details: { ...common, change: change.change } };
    case 'unknown':
      return { ...base, kind: 'setup', operation: 'change', details: common };
  }
}
