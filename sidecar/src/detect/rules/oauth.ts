import { daysBetween } from '../clock.js';
import { actorName, detailString, detailStrings, type RuleContext } from './context.js';

/**
 * OAuth: a connected app never seen before, new scopes for a known one, and a
 * token holder waking after a long silence. Apps seen while the org warms up
 * are learnt, not flagged. Every event acting through an app counts as use of
 * the actor's token for it, except a change to the app's configuration (a setup
 * audit trail row): an admin editing an app holds no token by doing so.
 */
export const oauthRule = (ctx: RuleContext): void => {
  const { event, time, config, state } = ctx;
  const appId = event.actor.connectedAppId ?? detailString(event, 'connectedAppId');
  if (!appId) return;
  const appName = detailString(event, 'appName') ?? appId;
  const w = config.weights;
  state.noteObserved('oauth', time.day);
  const warm = ctx.baselines.isWarm('oauth', time.day);
  const configuration = event.kind === 'oauth' && detailString(event, 'source') === 'SetupAuditTrail';
  const revoked =
    event.kind === 'oauth' && (event.operation === 'revoke' || detailString(event, 'change') === 'revoke');
  const scopes = event.kind === 'oauth' ? detailStrings(event, 'scopes') : [];
  // A configuration change that says what the app had before ("from … to …") shows an app that
  // existed with those scopes: only what it gains is new.
  const previous = configuration ? detailStrings(event, 'previousScopes') : [];
  if (previous.length > 0) state.addAppScopes(appId, previous);
  const known = state.appScopes(appId);
  if (warm && !revoked) {
    const fresh = known ? scopes.filter((s) => !known.has(s)) : scopes;
    const broad = fresh.filter((s) => config.broadOAuthScopes.includes(s));
    if (!known)
      ctx.reasons.push({
        code: 'new_connected_app',
        weight: w.new_connected_app,
        message: newAppMessage(ctx, appName, scopes, configuration),
      });
    else if (fresh.length > 0)
      ctx.reasons.push({
        code: 'new_oauth_scopes',
        weight: w.new_oauth_scopes,
        message: configuration
          ? `Connected app ${appName} was given scopes ${fresh.join(', ')} by ${actorName(event)}.`
          : `Connected app ${appName} gained scopes ${fresh.join(', ')} for ${actorName(event)}.`,
      });
    if (broad.length > 0)
      ctx.reasons.push({
        code: 'broad_oauth_scopes',
        weight: w.broad_oauth_scopes,
        message: configuration
          ? `The app's new scopes include broad ones: ${broad.join(', ')}.`
          : `The new grant includes broad scopes: ${broad.join(', ')}.`,
      });
  }
  state.addAppScopes(appId, scopes);
  if (revoked || configuration) return;
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
  } else if (warm && known && event.actor.isIntegration) {
    // An integration user acting through an app it never used, in an org that knows the app: its
    // credentials at work somewhere they never were (a stolen token, a copied key). Only once the
    // user's own activity has been watched for the warm-up, so a new integration is learnt.
    const since = state.firstDay('activity', event.actor.userId);
    if (since !== undefined && time.day - since >= config.warmupDays && ctx.ledger.once(`intapp|${holder}`, time.day))
      ctx.reasons.push({
        code: 'integration_new_app',
        weight: w.integration_new_app,
        message: `Integration user ${actorName(event)} acted through connected app ${appName} for the first time.`,
      });
  }
  state.touchToken(holder, time.ms);
};

function newAppMessage(ctx: RuleContext, appName: string, scopes: readonly string[], configuration: boolean): string {
  const { event } = ctx;
  const listed = scopes.length ? ` (scopes ${scopes.join(', ')})` : '';
  if (configuration)
    return detailString(event, 'change') === 'connected_app_created'
      ? `${actorName(event)} created connected app ${appName}${listed}.`
      : `${actorName(event)} changed connected app ${appName} (never seen before)${listed}.`;
  return event.kind === 'oauth'
    ? `${actorName(event)} authorised connected app ${appName}, never seen in this org before${listed}.`
    : `${actorName(event)} acted through connected app ${appName}, never seen in this org before.`;
}
