import { createHash } from 'node:crypto';
import type { LeakEvent, Operation } from '../../contract/event.js';
import { isSalesforceId, toId18 } from '../../contract/salesforce-id.js';
import { collectedEventId } from '../event-id.js';
import { orgTime } from '../keyset.js';
import type { CollectorSource, SourceContext, SourcePage, UserInfo } from '../source.js';

/**
 * OauthToken fields read (Object Reference, "OauthToken"). The object has no scope field, no
 * modification stamp, and no usable id ("Id: reserved for future use; currently always null"):
 * the source reads every token each time, keys each by its user, app and creation time, and
 * compares with what it stored last time (a snapshot), reporting tokens that appeared, were used
 * again or disappeared. Scope changes come from the connected app's changes in the setup audit
 * trail. Only a user with Customize Application sees every user's tokens; the package's integration
 * user does not have it, so by default the source sees the integration user's own tokens, and apps
 * acting for other users are seen in the event logs (CONNECTED_APP_ID) instead.
 */
const OAUTH_TOKEN_FIELDS = ['AppName', 'AppMenuItemId', 'UserId', 'CreatedDate', 'LastUsedDate', 'UseCount'] as const;

interface OauthTokenRow extends Record<string, unknown> {
  AppName: string | null;
  AppMenuItemId?: string | null;
  UserId: string | null;
  CreatedDate: string;
  LastUsedDate?: string | null;
  UseCount?: number | null;
}

interface ConnectedAppRow extends Record<string, unknown> {
  Id: string;
  Name: string;
}

/** What the snapshot keeps of a token: enough to tell that it was used again. */
interface TokenState extends Record<string, unknown> {
  lastUsed: string | null;
  useCount: number | null;
  user: string;
  app: string;
}

interface OauthTokenOptions {
  intervalMs?: number;
}

/** Tokens per query page; the source reads them all each time (orgs hold thousands, not millions). */
const MAX_TOKENS = 50_000;

/**
 * OAuth tokens users hold for connected apps. The first read learns every token (each as a use at
 * its LastUsedDate, so that the detector knows when each holder last acted); later reads report a
 * new token (`authorize`), a token used again (`login`, at its new LastUsedDate: a token silent
 * for weeks that acts again is what `dormant_token_woke` looks for) and a token gone (`revoke`).
 */
export function oauthTokenSource(options: OauthTokenOptions = {}): CollectorSource<{ snapshotAt: string }> {
  return {
    name: 'OauthToken',
    intervalMs: options.intervalMs ?? 15 * 60_000,
    backfill: { days: 0, why: 'tokens are read as they stand; their LastUsedDate tells the last use' },
    async read(ctx: SourceContext<{ snapshotAt: string }>): Promise<SourcePage<{ snapshotAt: string }>> {
      const rows = await ctx.client.query<OauthTokenRow>(
        `SELECT ${OAUTH_TOKEN_FIELDS.join(', ')} FROM OauthToken ORDER BY UserId, AppName, CreatedDate LIMIT ${MAX_TOKENS}`,
      );
      const apps = await connectedApps(ctx);
      const before = await ctx.snapshot();
      const users = await ctx.lookups.users(rows.map((r) => r.UserId ?? '').filter(isSalesforceId));
      const events: LeakEvent[] = [];
      const upsert: Array<{ rowId: string; state: TokenState }> = [];
      const seen = new Set<string>();
      let lastRowAt: Date | undefined;
      for (const row of rows) {
        if (!row.UserId || !isSalesforceId(row.UserId)) continue;
        const id = oauthTokenKey(row);
        seen.add(id);
        const state: TokenState = {
          lastUsed: orgTime(row.LastUsedDate) ?? null,
          useCount: typeof row.UseCount === 'number' ? row.UseCount : null,
          user: toId18(row.UserId),
          app: row.AppName ?? '',
        };
        const previous = before.get(id) as TokenState | undefined;
        const user = users.get(state.user);
        const created = orgTime(row.CreatedDate);
        if (!previous) {
          const at = state.lastUsed ?? created;
          if (at) events.push(tokenEvent(ctx.orgId, row, state, apps, user, 'authorize', at, `${id}:seen:${at}`));
        } else if (state.lastUsed && state.lastUsed !== previous.lastUsed) {
          events.push(tokenEvent(ctx.orgId, row, state, apps, user, 'login', state.lastUsed, `${id}:used:${state.lastUsed}`));
        }
        if (!previous || previous.lastUsed !== state.lastUsed || previous.useCount !== state.useCount) upsert.push({ rowId: id, state });
        const at = state.lastUsed ?? created;
        if (at && (!lastRowAt || new Date(at) > lastRowAt)) lastRowAt = new Date(at);
      }
      const remove = [...before.keys()].filter((id) => !seen.has(id));
      for (const id of remove) {
        const state = before.get(id) as TokenState;
        const at = ctx.now.toISOString();
        events.push({
          id: collectedEventId(ctx.orgId, 'OauthToken', `${id}:gone`),
          kind: 'oauth',
          operation: 'revoke',
          occurredAt: at,
          actor: { userId: state.user },
          details: { source: 'OauthToken', appName: state.app, connectedAppId: appKey(state.app, apps), change: 'revoke', tokenId: id },
        });
      }
      return {
        events,
        rows: rows.length,
        position: { snapshotAt: ctx.now.toISOString() },
        ...(lastRowAt ? { lastRowAt } : {}),
        more: false,
        snapshot: { upsert, remove },
      };
    },
  };
}

/**
 * A token's key: its user, app and creation time (the object has no id). Two tokens one user
 * granted one app in the same second are one token to the source.
 */
export function oauthTokenKey(row: Pick<OauthTokenRow, 'UserId' | 'AppName' | 'CreatedDate'>): string {
  const digest = createHash('sha256')
    .update(`${toId18(row.UserId ?? '')}\u0000${row.AppName ?? ''}\u0000${orgTime(row.CreatedDate) ?? ''}`)
    .digest('hex');
  return `tok:${digest.slice(0, 24)}`;
}

/** Connected apps by name, to name a token's app by its id where the org has it (AppName is all a token says). */
async function connectedApps(ctx: SourceContext<unknown>): Promise<Map<string, string>> {
  const rows = await ctx.client.query<ConnectedAppRow>('SELECT Id, Name FROM ConnectedApplication ORDER BY Id LIMIT 10000');
  return new Map(rows.map((r) => [r.Name, toId18(r.Id)]));
}

/** The app's key in the detector: its ConnectedApplication id, else its name (tokens of apps installed from elsewhere). */
function appKey(appName: string, apps: Map<string, string>): string {
  return apps.get(appName) ?? `app:${appName}`;
}

function tokenEvent(
  orgId: string,
  row: OauthTokenRow,
  state: TokenState,
  apps: Map<string, string>,
  user: UserInfo | undefined,
  operation: Operation,
  at: string,
  rowKey: string,
): LeakEvent {
  const appId = apps.get(state.app);
  return {
    id: collectedEventId(orgId, 'OauthToken', rowKey),
    kind: 'oauth',
    operation,
    occurredAt: at,
    actor: {
      userId: state.user,
      ...(user ? { username: user.username, isIntegration: user.isIntegration } : {}),
      ...(user?.profile ? { profile: user.profile } : {}),
      ...(appId ? { connectedAppId: appId } : {}),
    },
    details: {
      source: 'OauthToken',
      appName: state.app,
      connectedAppId: appKey(state.app, apps),
      tokenId: oauthTokenKey(row),
      ...(row.AppMenuItemId ? { appMenuItemId: row.AppMenuItemId } : {}),
      ...(state.useCount !== null ? { useCount: state.useCount } : {}),
      ...(orgTime(row.CreatedDate) ? { tokenCreatedAt: orgTime(row.CreatedDate) } : {}),
    },
  };
}
