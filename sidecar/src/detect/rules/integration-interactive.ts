import { actorName, detailString, type RuleContext } from './context.js';

/** An integration user should only ever call APIs; a browser session means someone is using its credentials. */
export const integrationInteractiveRule = (ctx: RuleContext): void => {
  const { event, time, config } = ctx;
  if (!event.actor.isIntegration) return;
  const apiType = detailString(event, 'apiType');
  const loginType = detailString(event, 'loginType');
  const interactive =
    (apiType !== undefined && config.interactiveApiTypes.includes(apiType)) ||
    (loginType !== undefined && config.interactiveLoginTypes.includes(loginType));
  if (!interactive) return;
  if (!ctx.ledger.once(`ui|${event.actor.userId}|${time.day}|${time.hour}`, time.day)) return;
  ctx.reasons.push({
    code: 'integration_interactive',
    weight: config.weights.integration_interactive,
    message: `Integration user ${actorName(event)} acted through the user interface (${event.kind}${event.object ? ` on ${event.object}` : ''}).`,
  });
};
