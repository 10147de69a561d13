import type { LeakEvent } from '../../contract/event.js';
import { isSalesforceId, toId18 } from '../../contract/salesforce-id.js';
import { collectedEventId } from '../event-id.js';
import { orgTime, positionAfter, nothingNew, readKeysetPage, type KeysetPosition } from '../keyset.js';
import type { CollectorSource, SourceContext, SourcePage } from '../source.js';
import { networkOf } from '../../contract/network.js';

/**
 * LoginHistory fields read (Object Reference, "LoginHistory"; API 21.0+, CountryIso 37.0+). Only
 * users with Manage Users or Monitor Login History see every user's rows; others see their own, so
 * an integration user without either would see almost nothing: the coverage map says so.
 */
const LOGIN_HISTORY_FIELDS = [
  'Id',
  'UserId',
  'LoginTime',
  'LoginType',
  'LoginSubType',
  'SourceIp',
  'Status',
  'Application',
  'ApiType',
  'Browser',
  'Platform',
  'CountryIso',
] as const;

export interface LoginHistoryRow extends Record<string, unknown> {
  Id: string;
  UserId: string | null;
  LoginTime: string;
  LoginType?: string | null;
  LoginSubType?: string | null;
  SourceIp?: string | null;
  Status?: string | null;
  Application?: string | null;
  ApiType?: string | null;
  Browser?: string | null;
  Platform?: string | null;
  CountryIso?: string | null;
}

interface LoginHistoryOptions {
  intervalMs?: number;
  /** How long after LoginTime a row is sure to be visible; default 60 s. */
  settleMs?: number;
  /** First read: this many days back; default 180 (Setup shows six months of login history). */
  backfillDays?: number;
}

/**
 * Logins, successful and failed, from LoginHistory, keyed by (LoginTime, Id). Each row becomes a
 * `login` event of its user with the login type, status, client and source IP in its details; the
 * user's username and whether they are an integration user come from User.
 */
export function loginHistorySource(options: LoginHistoryOptions = {}): CollectorSource<KeysetPosition> {
  const settleMs = options.settleMs ?? 60_000;
  const backfillDays = options.backfillDays ?? 180;
  return {
    name: 'LoginHistory',
    intervalMs: options.intervalMs ?? 5 * 60_000,
    backfill: { days: backfillDays, why: 'LoginHistory keeps six months of logins' },
    async read(ctx: SourceContext<KeysetPosition>): Promise<SourcePage<KeysetPosition>> {
      const rows = await readKeysetPage<LoginHistoryRow>(ctx, {
        object: 'LoginHistory',
        fields: LOGIN_HISTORY_FIELDS,
        timeField: 'LoginTime',
        backfillDays,
        settleMs,
      });
      const last = rows.at(-1);
      if (!last) return nothingNew(ctx, backfillDays);
      const users = await ctx.lookups.users(rows.map((r) => r.UserId ?? '').filter(isSalesforceId));
      const events = rows.flatMap((row) => {
        const event = loginEvent(ctx.orgId, row, users.get(toId18(row.UserId ?? '')));
        return event ? [event] : [];
      });
      const position = positionAfter(last, 'LoginTime');
      return { events, rows: rows.length, position, lastRowAt: new Date(position.at), more: rows.length >= ctx.pageSize };
    },
  };
}

/** One LoginHistory row as a canonical `login` event; undefined for a row without a user. */
export function loginEvent(
  orgId: string,
  row: LoginHistoryRow,
  user: { username: string; profile?: string; isIntegration: boolean } | undefined,
): LeakEvent | undefined {
  const occurredAt = orgTime(row.LoginTime);
  if (!row.UserId || !isSalesforceId(row.UserId) || !occurredAt) return undefined;
  const details: Record<string, unknown> = { source: 'LoginHistory' };
  const put = (key: string, value: unknown) => {
    if (typeof value === 'string' && value !== '') details[key] = value;
  };
  put('loginType', row.LoginType);
  put('loginSubType', row.LoginSubType);
  put('status', row.Status);
  put('application', row.Application);
  put('apiType', row.ApiType);
  put('browser', row.Browser);
  put('platform', row.Platform);
  put('sourceIp', row.SourceIp);
  const network = networkOf(row.SourceIp ?? undefined);
  if (network) details['network'] = network;
  put('country', row.CountryIso);
  details['success'] = row.Status === 'Success';
  return {
    id: collectedEventId(orgId, 'LoginHistory', toId18(row.Id)),
    kind: 'login',
    operation: 'login',
    occurredAt,
    actor: {
      userId: toId18(row.UserId),
      ...(user ? { username: user.username, isIntegration: user.isIntegration } : {}),
      ...(user?.profile ? { profile: user.profile } : {}),
    },
    details,
  };
}
