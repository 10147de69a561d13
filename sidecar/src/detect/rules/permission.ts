import type { Reason } from '../../contract/verdict.js';
import { actorName, detailString, detailStrings, type RuleContext } from './context.js';

interface ObjectPermission {
  object: string;
  viewAll: boolean;
  modifyAll: boolean;
}

/**
 * Critical permissions, or View All / Modify All on PII objects, granted: scored, and queued for a
 * reviewer when one user was assigned them.
 */
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
  const setName = detailString(event, 'permissionSetName') ?? detailString(event, 'permissionSetId');
  const assigneeId = detailString(event, 'assigneeId');
  const assignee = detailString(event, 'assigneeUsername') ?? assigneeId;
  const assignerUnknown = event.details?.['assignerKnown'] === false;
  const wording =
    assignee === undefined
      ? holderChangeWording(ctx, setName)
      : assignmentWording(ctx, setName ?? 'a permission set', assignee, assignerUnknown);
  const reasons: Reason[] = [];
  if (critical.length > 0)
    reasons.push({
      code: 'critical_permission',
      weight: w.critical_permission + w.critical_permission_each * (critical.length - 1),
      message: wording.critical(critical),
    });
  if (modifyAll.length > 0)
    reasons.push({
      code: 'pii_object_modify_all',
      weight: w.pii_object_modify_all,
      message: wording.objectAccess('Modify All', modifyAll),
    });
  if (viewAll.length > 0)
    reasons.push({
      code: 'pii_object_view_all',
      weight: w.pii_object_view_all,
      message: wording.objectAccess('View All', viewAll),
    });
  ctx.reasons.push(...reasons);
  // A review decides on one user's assignment (approve it, let it expire, or revoke it): a permission
  // turned on in a permission set or profile itself names no assignment, so it is scored but queues no review.
  if (assigneeId === undefined) return;
  const assignedById = detailString(event, 'assignedById') ?? (assignerUnknown ? undefined : event.actor.userId);
  if (assigneeId === assignedById)
    ctx.reasons.push({
      code: 'self_assigned_permission',
      weight: w.self_assigned_permission,
      message: `${assignee} assigned ${setName ?? 'a permission set'} to themselves, without a second pair of eyes.`,
    });
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

/** How reasons name a grant: to one user by an assignment, or to everyone holding a permission set or profile. */
interface GrantWording {
  critical(permissions: readonly string[]): string;
  objectAccess(access: 'Modify All' | 'View All', objects: readonly string[]): string;
}

function assignmentWording(ctx: RuleContext, setName: string, assignee: string, assignerUnknown: boolean): GrantWording {
  // Collected assignments say when the audit trail named no assigner: the actor is then not the assigner.
  const assignedBy = assignerUnknown ? 'an assigner the setup audit trail does not name' : actorName(ctx.event);
  return {
    critical: (permissions) => `${setName} grants ${permissions.join(', ')} to ${assignee} (assigned by ${assignedBy}).`,
    objectAccess: (access, objects) =>
      `${setName} grants ${access} on ${objects.join(', ')}, objects holding personal data, to ${assignee}.`,
  };
}

/** A permission turned on in a permission set or profile (setup audit trail): whoever holds it gains it. */
function holderChangeWording(ctx: RuleContext, name: string | undefined): GrantWording {
  const profile = detailString(ctx.event, 'holder') === 'profile';
  const holder = profile ? (name ? `profile ${name}` : 'a profile') : name ? `permission set ${name}` : 'a permission set';
  const holders = profile ? 'every user with the profile' : 'everyone assigned it';
  const actor = actorName(ctx.event);
  return {
    critical: (permissions) =>
      `${actor} turned on ${permissions.join(', ')} in ${holder}; ${holders} now has ${permissions.length > 1 ? 'them' : 'it'}.`,
    objectAccess: (access, objects) =>
      `${actor} gave ${holder} ${access} on ${objects.join(', ')}, objects holding personal data; ${holders} now has it.`,
  };
}

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
