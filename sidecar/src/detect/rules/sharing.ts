import { actorName, detailString, type RuleContext } from './context.js';

/** Sharing rules or org-wide defaults that open a PII object to all internal users, guests or the public. */
export const sharingRule = (ctx: RuleContext): void => {
  const { event, config } = ctx;
  const isSharing =
    event.kind === 'sharing' || (event.kind === 'setup' && /shar/i.test(detailString(event, 'section') ?? ''));
  if (!isSharing) return;
  const object = detailString(event, 'object') ?? event.object;
  if (!object || !ctx.piiObjects.has(object)) return;
  const audiences = ['sharedWith', 'orgWideDefault', 'externalOrgWideDefault', 'guestAccess']
    .map((key) => detailString(event, key))
    .filter((a): a is string => a !== undefined && config.openSharingAudiences[a] !== undefined);
  if (audiences.length === 0) return;
  const weight = Math.max(...audiences.map((a) => config.openSharingAudiences[a] ?? 0));
  const access = detailString(event, 'accessLevel');
  ctx.reasons.push({
    code: 'sharing_opened_pii',
    weight,
    message: `${actorName(event)} opened ${object}, an object holding personal data, to ${audiences.join(' and ')}${access ? ` with ${access} access` : ''}.`,
  });
};
