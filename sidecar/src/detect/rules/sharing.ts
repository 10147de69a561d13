import { actorName, detailString } from './details.js';
import { defineRule } from './rule.js';

/** Sharing rules or org-wide defaults that open a PII object to all internal users, guests or the public. */
export const sharingRule = defineRule({
  name: 'sharing',
  // Weighted by audience (`config.openSharingAudiences`).
  reasons: { sharing_opened_pii: {} },
  weights: [],
  needs: [],
  produces: [],
  run({ event, config, piiObjects }) {
    const isSharing = event.kind === 'sharing' || (event.kind === 'setup' && /shar/i.test(detailString(event, 'section') ?? ''));
    if (!isSharing) return undefined;
    const object = detailString(event, 'object') ?? event.object;
    if (!object || !piiObjects.has(object)) return undefined;
    const audiences = ['sharedWith', 'orgWideDefault', 'externalOrgWideDefault', 'guestAccess']
      .map((key) => detailString(event, key))
      .filter((a): a is string => a !== undefined && config.openSharingAudiences[a] !== undefined);
    if (audiences.length === 0) return undefined;
    const weight = Math.max(...audiences.map((a) => config.openSharingAudiences[a] ?? 0));
    const access = detailString(event, 'accessLevel');
    return {
      reasons: [
        {
          code: 'sharing_opened_pii',
          weight,
          message: `${actorName(event)} opened ${object}, an object holding personal data, to ${audiences.join(' and ')}${access ? ` with ${access} access` : ''}.`,
        },
      ],
    };
  },
});
