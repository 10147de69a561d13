import type { LeakEvent } from '../../contract/event.js';
import { actorName, detailString, detailStrings } from './details.js';
import { defineRule, type RuleReason } from './rule.js';

type PermissionCode = 'critical_permission' | 'pii_object_modify_all' | 'pii_object_view_all' | 'self_assigned_permission';

interface ObjectPermission {
  object: string;
  viewAll: boolean;
  modifyAll: boolean;
}

/**
 * Critical permissions, or View All / Modify All on PII objects, granted: scored, and queued for a
 * reviewer when one user was assigned them. Its codes are the permission reasons: a review's risk
 * is theirs alone.
 */
export const permissionRule = defineRule({
  name: 'permission',
  reasons: {
    critical_permission: { permission: true },
    pii_object_modify_all: { permission: true },
    pii_object_view_all: { permission: true },
    self_assigned_permission: { permission: true },
  },
  weights: ['critical_permission', 'critical_permission_each', 'pii_object_modify_all', 'pii_object_view_all', 'self_assigned_permission'],
  needs: [],
  produces: ['permissionReview'],
  run({ event, config, piiObjects, weights: w }) {
    if (event.kind !== 'permission' || event.operation === 'revoke') return undefined;
    const granted = new Set([...detailStrings(event, 'criticalPermissions'), ...detailStrings(event, 'permissions')]);
    const critical = config.criticalPermissions.filter((p) => granted.has(p));
    const objectPerms = objectPermissionsOf(event.details?.['objectPermissions']).filter((p) => piiObjects.has(p.object));
    const modifyAll = objectPerms.filter((p) => p.modifyAll).map((p) => p.object);
    const viewAll = objectPerms.filter((p) => p.viewAll && !p.modifyAll).map((p) => p.object);
    if (critical.length === 0 && modifyAll.length === 0 && viewAll.length === 0) return undefined;

    const setName = detailString(event, 'permissionSetName') ?? detailString(event, 'permissionSetId');
    const assigneeId = detailString(event, 'assigneeId');
    const assignee = detailString(event, 'assigneeUsername') ?? assigneeId;
    const assignerUnknown = event.details?.['assignerKnown'] === false;
    const wording =
      assignee === undefined ? holderChangeWording(event, setName) : assignmentWording(event, setName ?? 'a permission set', assignee, assignerUnknown);
    const reasons: RuleReason<PermissionCode>[] = [];
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
    // A review decides on one user's assignment (approve it, let it expire, or revoke it): a permission
    // turned on in a permission set or profile itself names no assignment, so it is scored but queues no review.
    if (assigneeId === undefined) return { reasons };
    const assignedById = detailString(event, 'assignedById') ?? (assignerUnknown ? undefined : event.actor.userId);
    if (assigneeId === assignedById)
      reasons.push({
        code: 'self_assigned_permission',
        weight: w.self_assigned_permission,
        message: `${assignee} assigned ${setName ?? 'a permission set'} to themselves, without a second pair of eyes.`,
      });
    return {
      reasons,
      permissionReview: {
        assignmentId: detailString(event, 'assignmentId'),
        permissionSetId: detailString(event, 'permissionSetId'),
        permissionSetName: detailString(event, 'permissionSetName'),
        assigneeId,
        assigneeUsername: detailString(event, 'assigneeUsername'),
        assignedById,
        criticalPermissions: [...critical, ...modifyAll.map((o) => `ModifyAll:${o}`), ...viewAll.map((o) => `ViewAll:${o}`)],
      },
    };
  },
});

/** How reasons name a grant: to one user by an assignment, or to everyone holding a permission set or profile. */
interface GrantWording {
  critical(permissions: readonly string[]): string;
  objectAccess(access: 'Modify All' | 'View All', objects: readonly string[]): string;
}

function assignmentWording(event: LeakEvent, setName: string, assignee: string, assignerUnknown: boolean): GrantWording {
  // Collected assignments say when the audit trail named no assigner: the actor is then not the assigner.
  const assignedBy = assignerUnknown ? 'an assigner the setup audit trail does not name' : actorName(event);
  return {
    critical: (permissions) => `${setName} grants ${permissions.join(', ')} to ${assignee} (assigned by ${assignedBy}).`,
    objectAccess: (access, objects) => `${setName} grants ${access} on ${objects.join(', ')}, objects holding personal data, to ${assignee}.`,
  };
}

/** A permission turned on in a permission set or profile (setup audit trail): whoever holds it gains it. */
function holderChangeWording(event: LeakEvent, name: string | undefined): GrantWording {
  const profile = detailString(event, 'holder') === 'profile';
  const holder = profile ? (name ? `profile ${name}` : 'a profile') : name ? `permission set ${name}` : 'a permission set';
  const holders = profile ? 'every user with the profile' : 'everyone assigned it';
  const actor = actorName(event);
  return {
    critical: (permissions) => `${actor} turned on ${permissions.join(', ')} in ${holder}; ${holders} now has ${permissions.length > 1 ? 'them' : 'it'}.`,
    objectAccess: (access, objects) => `${actor} gave ${holder} ${access} on ${objects.join(', ')}, objects holding personal data; ${holders} now has it.`,
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
