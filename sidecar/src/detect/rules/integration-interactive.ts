import { actorName, detailString } from './details.js';
import { defineRule } from './rule.js';

/** An integration user should only ever call APIs; a browser session means someone is using its credentials. */
export const integrationInteractiveRule = defineRule({
  name: 'integration-interactive',
  reasons: { integration_interactive: {} },
  weights: ['integration_interactive'],
  needs: [],
  produces: [],
  run({ event, time, config, ledger, weights }) {
    if (!event.actor.isIntegration) return undefined;
    const apiType = detailString(event, 'apiType');
    const loginType = detailString(event, 'loginType');
    const interactive =
      (apiType !== undefined && config.interactiveApiTypes.includes(apiType)) || (loginType !== undefined && config.interactiveLoginTypes.includes(loginType));
    if (!interactive) return undefined;
    if (!ledger.once(`ui|${event.actor.userId}|${time.day}|${time.hour}`, time.day)) return undefined;
    return {
      reasons: [
        {
          code: 'integration_interactive',
          weight: weights.integration_interactive,
          message: `Integration user ${actorName(event)} acted through the user interface (${event.kind}${event.object ? ` on ${event.object}` : ''}).`,
        },
      ],
    };
  },
});
