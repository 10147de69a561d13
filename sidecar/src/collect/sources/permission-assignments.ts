import type { LeakEvent } from '../../contract/event.js';
import { isSalesforceId, toId18 } from '../../contract/salesforce-id.js';
import { parseOrgDateTime } from '../../feedback/false-positive-query.js';
import { collectedEventId } from '../event-id.js';
import { orgTime, positionAfter, soqlDateTime, nothingNew, readKeysetPage, type KeysetPosition } from '../keyset.js';
import type { CollectorSource, SourceContext, SourcePage } from '../source.js';

const IDS_PER_QUERY = 200;

/**
 * PermissionSetAssignment fields read (Object Reference, "PermissionSetAssignment"). The object
 * records who holds a permission set or group, and until when (ExpirationDate), but not who
 * assigned it: the assigner is the creator of the setup audit trail row that logged the assignment.
 */
const ASSIGNMENT_FIELDS = ['Id', 'AssigneeId', 'PermissionSetId', 'PermissionSetGroupId', 'ExpirationDate', 'IsActive', 'SystemModstamp'] as const;

interface AssignmentRow extends Record<string, unknown> {
  Id: string;
  AssigneeId: string;
  PermissionSetId: string;
  PermissionSetGroupId?: string | null;
  ExpirationDate?: string | null;
  IsActive?: boolean | null;
  SystemModstamp: string;
}

interface PermissionSetRow extends Record<string, unknown> {
  Id: string;
  Name: string;
  Label?: string | null;
  IsOwnedByProfile?: boolean | null;
  Type?: string | null;
}

interface ObjectPermissionRow extends Record<string, unknown> {
  ParentId: string;
  SobjectType: string;
  PermissionsViewAllRecords: boolean;
  PermissionsModifyAllRecords: boolean;
}

interface AuditAssignmentRow extends Record<string, unknown> {
  Id: string;
  Action: string;
  Display?: string | null;
  CreatedDate: string;
  CreatedById?: string | null;
  CreatedBy?: { Username?: string | null } | null;
}

interface PermissionAssignmentOptions {
  /** Permission names whose `Permissions<Name>` fields are read (the detector's critical permissions). */
  permissions: readonly string[];
  /** SetupAuditTrail `Action` values that log a permission set or group being assigned. */
  assignActions: readonly string[];
  intervalMs?: number;
  settleMs?: number;
  /** First read: assignments changed this many days back; default 30. Older ones are the org's standing state. */
  backfillDays?: number;
  /** How far apart the assignment's SystemModstamp and its audit trail row may be; default 120 s. */
  assignerWindowMs?: number;
}

/**
 * Permission set and group assignments, keyed by (SystemModstamp, Id): new assignments and changed
 * ones (an expiry set or moved). Each becomes a `permission` event naming the permission set, the
 * critical permissions it grants (read from PermissionSet, whose `Type` Group set holds a group's
 * combined permissions), View All / Modify All on objects (ObjectPermissions) and, where the audit
 * trail logged it, the assigner. Profile-owned permission sets are a profile's, not an assignment's,
 * and are left to the audit trail's profile changes.
 */
export function permissionAssignmentSource(options: PermissionAssignmentOptions): CollectorSource<KeysetPosition> {
  const settleMs = options.settleMs ?? 60_000;
  const backfillDays = options.backfillDays ?? 30;
  const windowMs = options.assignerWindowMs ?? 120_000;
  let permissionFields: string[] | undefined;
  return {
    name: 'PermissionSetAssignment',
    intervalMs: options.intervalMs ?? 5 * 60_000,
    backfill: { days: backfillDays, why: 'assignments changed in the last 30 days; older ones are the standing state' },
    async read(ctx: SourceContext<KeysetPosition>): Promise<SourcePage<KeysetPosition>> {
      const rows = await readKeysetPage<AssignmentRow>(ctx, {
        object: 'PermissionSetAssignment',
        fields: ASSIGNMENT_FIELDS,
        timeField: 'SystemModstamp',
        backfillDays,
        settleMs,
      });
      const last = rows.at(-1);
      if (!last) return nothingNew(ctx, backfillDays);
      permissionFields ??= await existingPermissionFields(ctx, options.permissions);
      const sets = await permissionSets(
        ctx,
        rows.map((r) => r.PermissionSetId),
        permissionFields,
      );
      const objectPerms = await objectPermissions(ctx, [...sets.keys()]);
      const audit = await auditRows(ctx, rows, options.assignActions, windowMs);
      const users = await ctx.lookups.users([...rows.map((r) => r.AssigneeId), ...audit.flatMap((a) => (a.CreatedById ? [a.CreatedById] : []))]);
      const events: LeakEvent[] = [];
      for (const row of rows) {
        const set = sets.get(toId18(row.PermissionSetId));
        if (!set || set.row.IsOwnedByProfile) continue;
        const assignee = users.get(toId18(row.AssigneeId));
        const assigner = findAssigner(audit, row, set.row, assignee?.username, windowMs);
        const assignerId = assigner?.CreatedById && isSalesforceId(assigner.CreatedById) ? toId18(assigner.CreatedById) : undefined;
        const assignerInfo = assignerId ? users.get(assignerId) : undefined;
        const occurredAt = orgTime(row.SystemModstamp) as string;
        events.push({
          id: collectedEventId(ctx.orgId, 'PermissionSetAssignment', `${toId18(row.Id)}:${occurredAt}`),
          kind: 'permission',
          operation: row.IsActive === false ? 'revoke' : 'assign',
          occurredAt,
          object: 'PermissionSetAssignment',
          actor: assignerId
            ? { userId: assignerId, ...(assignerInfo ? { username: assignerInfo.username, isIntegration: assignerInfo.isIntegration } : {}) }
            : { userId: toId18(row.AssigneeId), ...(assignee ? { username: assignee.username, isIntegration: assignee.isIntegration } : {}) },
          recordIds: [toId18(row.Id)],
          details: {
            source: 'PermissionSetAssignment',
            assignmentId: toId18(row.Id),
            permissionSetId: toId18(row.PermissionSetId),
            permissionSetName: set.row.Label ?? set.row.Name,
            ...(row.PermissionSetGroupId ? { permissionSetGroupId: toId18(row.PermissionSetGroupId), viaGroup: true } : {}),
            assigneeId: toId18(row.AssigneeId),
            ...(assignee ? { assigneeUsername: assignee.username } : {}),
            ...(assignerId ? { assignedById: assignerId, assignerKnown: true } : { assignerKnown: false }),
            ...(orgTime(row.ExpirationDate) ? { expiresAt: orgTime(row.ExpirationDate) } : {}),
            permissions: set.granted,
            objectPermissions: objectPerms.get(toId18(row.PermissionSetId)) ?? [],
          },
        });
      }
      const position = positionAfter(last, 'SystemModstamp');
      return { events, rows: rows.length, position, lastRowAt: new Date(position.at), more: rows.length >= ctx.pageSize };
    },
  };
}

/** The `Permissions<Name>` fields this org's PermissionSet has (editions differ), from describe. */
async function existingPermissionFields(ctx: SourceContext<unknown>, permissions: readonly string[]): Promise<string[]> {
  const wanted = permissions.map((p) => `Permissions${p}`);
  if (!ctx.client.describe) return wanted;
  const described = await ctx.client.describe('PermissionSet');
  const present = new Set(described.fields.map((f) => f.name));
  return wanted.filter((f) => present.has(f));
}

async function permissionSets(
  ctx: SourceContext<unknown>,
  ids: readonly string[],
  fields: readonly string[],
): Promise<Map<string, { row: PermissionSetRow; granted: string[] }>> {
  const unique = [...new Set(ids.filter(isSalesforceId).map(toId18))];
  const found = new Map<string, { row: PermissionSetRow; granted: string[] }>();
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    const chunk = unique.slice(i, i + IDS_PER_QUERY);
    const rows = await ctx.client.query<PermissionSetRow>(
      `SELECT Id, Name, Label, IsOwnedByProfile, Type${fields.map((f) => `, ${f}`).join('')} FROM PermissionSet WHERE Id IN (${chunk.map((id) => `'${id}'`).join(', ')})`,
    );
    for (const row of rows) {
      const granted = fields.filter((f) => row[f] === true).map((f) => f.slice('Permissions'.length));
      found.set(toId18(row.Id), { row, granted });
    }
  }
  return found;
}

async function objectPermissions(
  ctx: SourceContext<unknown>,
  setIds: readonly string[],
): Promise<Map<string, Array<{ object: string; viewAll: boolean; modifyAll: boolean }>>> {
  const found = new Map<string, Array<{ object: string; viewAll: boolean; modifyAll: boolean }>>();
  for (let i = 0; i < setIds.length; i += IDS_PER_QUERY) {
    const chunk = setIds.slice(i, i + IDS_PER_QUERY);
    const rows = await ctx.client.query<ObjectPermissionRow>(
      `SELECT ParentId, SobjectType, PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions ` +
        `WHERE ParentId IN (${chunk.map((id) => `'${id}'`).join(', ')}) AND (PermissionsViewAllRecords = true OR PermissionsModifyAllRecords = true)`,
    );
    for (const row of rows) {
      const key = toId18(row.ParentId);
      found.set(key, [
        ...(found.get(key) ?? []),
        { object: row.SobjectType, viewAll: row.PermissionsViewAllRecords === true, modifyAll: row.PermissionsModifyAllRecords === true },
      ]);
    }
  }
  return found;
}

/** The audit trail's assignment rows around a page's assignments (one query per page). */
async function auditRows(
  ctx: SourceContext<unknown>,
  rows: readonly AssignmentRow[],
  actions: readonly string[],
  windowMs: number,
): Promise<AuditAssignmentRow[]> {
  if (actions.length === 0) return [];
  const times = rows.map((r) => parseOrgDateTime(r.SystemModstamp).getTime());
  const from = new Date(Math.min(...times) - windowMs);
  const to = new Date(Math.max(...times) + windowMs);
  return ctx.client.query<AuditAssignmentRow>(
    `SELECT Id, Action, Display, CreatedDate, CreatedById, CreatedBy.Username FROM SetupAuditTrail ` +
      `WHERE Action IN (${actions.map((a) => `'${a}'`).join(', ')}) AND CreatedDate >= ${soqlDateTime(from)} AND CreatedDate <= ${soqlDateTime(to)} ` +
      `ORDER BY CreatedDate, Id LIMIT 2000`,
  );
}

/**
 * The audit row that logged this assignment: within the window of its SystemModstamp and naming
 * the permission set (label or API name). Rows that also name the assignee's username are preferred
 * (a Display may name the user by full name instead); the nearest in time wins. Undefined when none
 * matches: the assigner is then unknown, never taken to be the assignee.
 */
function findAssigner(
  audit: readonly AuditAssignmentRow[],
  row: AssignmentRow,
  set: { Name: string; Label?: string | null },
  assigneeUsername: string | undefined,
  windowMs: number,
): AuditAssignmentRow | undefined {
  const at = parseOrgDateTime(row.SystemModstamp).getTime();
  const names = [set.Label, set.Name].filter((n): n is string => typeof n === 'string' && n !== '').map((n) => n.toLowerCase());
  const username = assigneeUsername?.toLowerCase();
  let best: { row: AuditAssignmentRow; score: number } | undefined;
  for (const candidate of audit) {
    const display = (candidate.Display ?? '').toLowerCase();
    if (!names.some((n) => display.includes(n))) continue;
    const gap = Math.abs(parseOrgDateTime(candidate.CreatedDate).getTime() - at);
    if (gap > windowMs) continue;
    // Naming the assignee outweighs any difference in time within the window.
    const score = (username && display.includes(username) ? 0 : windowMs + 1) + gap;
    if (!best || score < best.score) best = { row: candidate, score };
  }
  return best?.row;
}
