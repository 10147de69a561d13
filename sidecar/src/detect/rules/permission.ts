import type { Reason } from '../../contract/verdict.js';
import { actorName, detailString, detailStrings, type RuleContext } from './context.js';

interface ObjectPermission {
  object: string;
  viewAll: boolean;
  modifyAll: boolean;
}

/** Critical permissions, or View All / Modify All on PII objects, granted: scored and queued for a reviewer. */
export const permissionRule = (ctx: RuleContext): void => {
  const { event, config } = ctx;
  if (event.kind !== 'permission' || event.operation === 'revoke') return;
  const granted = new Set([...detailStrings(event, 'criticalPermissions'), ...detailStrings(event, 'permissions')]);
  const critical = config.criticalPermissions.filter((p) => granted.has(p));
  const objectPerms = objectPermissionsOf(event.details?.['objectPermissions']).filter((p) =>
    ctx.piiObjects.has(p.object),
  );
  const modifyAll = objectPerms.filter((p) => p.modifyAll).map((p) => p.object);
  const viewAll = objectPerms.filter((p) => p.viewAll && !p.modifyAll).map((p) => p.object);
  if (critical.length === 0 && modifyAll.length === 0 && viewAll.length === 0) return;

  const w = config.weights;
  const setName =
    detailString(event, 'permissionSetName') ?? detailString(event, 'permissionSetId') ?? 'a permission set';
  const assignee = detailString(event, 'assigneeUsername') ?? detailString(event, 'assigneeId') ?? 'a user';
  // Collected assignments say when the audit trail named no assigner: the actor is then not the assigner.
  const assignerUnknown = event.details?.['assignerKnown'] === false;
  const assignedBy = assignerUnknown ? 'an assigner the setup audit trail does not name' : actorName(event);
  const reasons: Reason[] = [];
  if (critical.length > 0)
    reasons.push({
      code: 'critical_permission',
      weight: w.critical_permission + w.critical_permission_each * (critical.length - 1),
      message: `${setName} grants ${critical.join(', ')} to ${assignee} (assigned by ${assignedBy}).`,
    });
  if (modifyAll.length > 0)
    reasons.push({
      code: 'pii_object_modify_all',
      weight: w.pii_object_modify_all,
      message: `${setName} grants Modify All on ${modifyAll.join(', ')}, objects holding personal data, to ${assignee}.`,
    });
  if (viewAll.length > 0)
    reasons.push({
      code: 'pii_object_view_all',
      weight: w.pii_object_view_all,
      message: `${setName} grants View All on ${viewAll.join(', ')}, objects holding personal data, to ${assignee}.`,
    });
  const assigneeId = detailString(event, 'assigneeId');
  const assignedById = detailString(event, 'assignedById') ?? (assignerUnknown ? undefined : event.actor.userId);
  if (assigneeId !== undefined && assigneeId === assignedById)
    reasons.push({
      code: 'self_assigned_permission',
      weight: w.self_assigned_permission,
      message: `${assignee} assigned ${setName} to themselves, without a second pair of eyes.`,
    });
  ctx.reasons.push(...reasons);
  ctx.permissionReview = {
    assignmentId: detailString(event, 'assignmentId'),
    permissionSetId: detailString(event, 'permissionSetId'),
    permissionSetName: detailString(event, 'permissionSetName'),
    assigneeId,
    assigneeUsername: detailString(event, 'assigneeUsername'),
    assignedById,
    criticalPermissions: [
      ...critical,
      ...modifyAll.map((o) => `ModifyAll:${o}`),
      ...viewAll.map((o) => `ViewAll:${o}`),
    ],
  };
};

function objectPermissionsOf(value: unknown): ObjectPermission[] {
  if (!Array.isArray(value)) return [];
  const out: ObjectPermission[] = [];
  for (const item of value) {
    if (item === null || typeof item !== 'object') continue;
    const r = item as Record<string, unknown>;
    if (typeof r['object'] !== 'string') continue;
    out.push({ object: r['object'], viewAll: r['viewAll'] === true, modifyAll: r['modifyAll'] === true });
  }
  return out;
}
