import { daysBetween } from '../clock.js';
import { actorName, detailString, detailStrings, type RuleContext } from './context.js';

/**
 * OAuth: a connected app never seen before, new scopes for a known one, and a
 * token holder waking after a long silence. Apps seen while the org warms up
 * are learnt, not flagged. Every event acting through an app counts as use.
 */
export const oauthRule = (ctx: RuleContext): void => {
  const { event, time, config, state } = ctx;
  const appId = event.actor.connectedAppId ?? detailString(event, 'connectedAppId');
  if (!appId) return;
  const appName = detailString(event, 'appName') ?? appId;
  const w = config.weights;
  state.noteObserved('oauth', time.day);
  const warm = ctx.baselines.isWarm('oauth', time.day);
  const revoked =
    event.kind === 'oauth' && (event.operation === 'revoke' || detailString(event, 'change') === 'revoke');
  const scopes = event.kind === 'oauth' ? detailStrings(event, 'scopes') : [];
  const known = state.appScopes(appId);
  if (warm && !revoked) {
    const fresh = known ? scopes.filter((s) => !known.has(s)) : scopes;
    const broad = fresh.filter((s) => config.broadOAuthScopes.includes(s));
    if (!known)
      ctx.reasons.push({
        code: 'new_connected_app',
        weight: w.new_connected_app,
        message:
          event.kind === 'oauth'
            ? `${actorName(event)} authorised connected app ${appName}, never seen in this org before${scopes.length ? ` (scopes ${scopes.join(', ')})` : ''}.`
            : `${actorName(event)} acted through connected app ${appName}, never seen in this org before.`,
      });
    else if (fresh.length > 0)
      ctx.reasons.push({
        code: 'new_oauth_scopes',
        weight: w.new_oauth_scopes,
        message: `Connected app ${appName} gained scopes ${fresh.join(', ')} for ${actorName(event)}.`,
      });
    if (broad.length > 0)
      ctx.reasons.push({
        code: 'broad_oauth_scopes',
        weight: w.broad_oauth_scopes,
        message: `The new grant includes broad scopes: ${broad.join(', ')}.`,
      });
  }
  state.addAppScopes(appId, scopes);
  if (revoked) return;
  const holder = `${event.actor.userId}|${appId}`;
  const lastSeen = state.tokenLastSeen(holder);
  if (lastSeen !== undefined) {
    const silentDays = daysBetween(lastSeen, time.ms);
    if (silentDays >= config.dormantTokenDays)
      ctx.reasons.push({
        code: 'dormant_token_woke',
        weight: w.dormant_token_woke,
        message: `${actorName(event)}'s token for ${appName} was used again after ${Math.floor(silentDays)} silent days.`,
      });
  }
  state.touchToken(holder, time.ms);
};
