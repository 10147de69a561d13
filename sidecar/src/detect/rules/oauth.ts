import { daysBetween } from '../clock.js';
import type { LeakEvent } from '../../contract/event.js';
import { actorName, detailString, detailStrings } from './details.js';
import { defineRule, withReason, type RuleReason } from './rule.js';

type OAuthCode = 'new_connected_app' | 'new_oauth_scopes' | 'broad_oauth_scopes' | 'dormant_token_woke' | 'integration_new_app';

/**
 * OAuth: a connected app never seen before, new scopes for a known one, and a
 * token holder waking after a long silence. Apps seen while the org warms up
 * are learnt, not flagged. Every event acting through an app counts as use of
 * the actor's token for it, except a change to the app's configuration (a setup
 * audit trail row): an admin editing an app holds no token by doing so.
 */
export const oauthRule = defineRule({
  name: 'oauth',
  reasons: {
    new_connected_app: {},
    new_oauth_scopes: {},
    broad_oauth_scopes: {},
    dormant_token_woke: {},
    integration_new_app: {},
  },
  weights: ['new_connected_app', 'new_oauth_scopes', 'broad_oauth_scopes', 'dormant_token_woke', 'integration_new_app'],
  // The integration user's warm-up counts from their first activity.
  needs: ['actorFirstDay'],
  produces: [],
  run({ event, time, config, state, baselines, ledger, actorFirstDay, weights: w }) {
    const appId = event.actor.connectedAppId ?? detailString(event, 'connectedAppId');
    if (!appId) return undefined;
    const appName = detailString(event, 'appName') ?? appId;
    let reasons: RuleReason<OAuthCode>[] | undefined;
    state.noteObserved('oauth', time.day);
    const warm = baselines.isWarm('oauth', time.day);
    const configuration = event.kind === 'oauth' && detailString(event, 'source') === 'SetupAuditTrail';
    const revoked = event.kind === 'oauth' && (event.operation === 'revoke' || detailString(event, 'change') === 'revoke');
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
        reasons = withReason(reasons, {
          code: 'new_connected_app',
          weight: w.new_connected_app,
          message: newAppMessage(event, appName, scopes, configuration),
        });
      else if (fresh.length > 0)
        reasons = withReason(reasons, {
          code: 'new_oauth_scopes',
          weight: w.new_oauth_scopes,
          message: configuration
            ? `Connected app ${appName} was given scopes ${fresh.join(', ')} by ${actorName(event)}.`
            : `Connected app ${appName} gained scopes ${fresh.join(', ')} for ${actorName(event)}.`,
        });
      if (broad.length > 0)
        reasons = withReason(reasons, {
          code: 'broad_oauth_scopes',
          weight: w.broad_oauth_scopes,
          message: configuration
            ? `The app's new scopes include broad ones: ${broad.join(', ')}.`
            : `The new grant includes broad scopes: ${broad.join(', ')}.`,
        });
    }
    state.addAppScopes(appId, scopes);
    if (revoked || configuration) return reasons && { reasons };
    const holder = `${event.actor.userId}|${appId}`;
    const lastSeen = state.tokenLastSeen(holder);
    if (lastSeen !== undefined) {
      const silentDays = daysBetween(lastSeen, time.ms);
      if (silentDays >= config.dormantTokenDays)
        reasons = withReason(reasons, {
          code: 'dormant_token_woke',
          weight: w.dormant_token_woke,
          message: `${actorName(event)}'s token for ${appName} was used again after ${Math.floor(silentDays)} silent days.`,
        });
    } else if (warm && known && event.actor.isIntegration) {
      // An integration user acting through an app it never used, in an org that knows the app: its
      // credentials at work somewhere they never were (a stolen token, a copied key). Only once the
      // user's own activity has been watched for the warm-up, so a new integration is learnt.
      const since = actorFirstDay;
      if (since !== undefined && time.day - since >= config.warmupDays && ledger.once(`intapp|${holder}`, time.day))
        reasons = withReason(reasons, {
          code: 'integration_new_app',
          weight: w.integration_new_app,
          message: `Integration user ${actorName(event)} acted through connected app ${appName} for the first time.`,
        });
    }
    state.touchToken(holder, time.ms);
    return reasons && { reasons };
  },
});

function newAppMessage(event: LeakEvent, appName: string, scopes: readonly string[], configuration: boolean): string {
  const listed = scopes.length ? ` (scopes ${scopes.join(', ')})` : '';
  if (configuration)
    return detailString(event, 'change') === 'connected_app_created'
      ? `${actorName(event)} created connected app ${appName}${listed}.`
      : `${actorName(event)} changed connected app ${appName} (never seen before)${listed}.`;
  return event.kind === 'oauth'
    ? `${actorName(event)} authorised connected app ${appName}, never seen in this org before${listed}.`
    : `${actorName(event)} acted through connected app ${appName}, never seen in this org before.`;
}
