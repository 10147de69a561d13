import { toId18 } from '../contract/salesforce-id.js';
import { SHOP_SYNC, SHOP_SYNC_APP } from './cast.js';

/** Where the stolen token is used from: an address and a client the connector never used. */
export const THIEF = { ip: '2001:db8:6e4:1::17', userAgent: 'python-requests/2.31.0', session: 'Xk3fStolen9Qw2Lm' };

/** What the org streams while a stolen token is used (Real-Time Event Monitoring, by documented field names). */
interface LiveTheft {
  /** `/event/ApiEventStream`: one event per query. */
  api: Array<Record<string, unknown>>;
  /** `/event/ApiAnomalyEvent`: Salesforce's own threat detection on the same pull. */
  anomalies: Array<Record<string, unknown>>;
  /** The queries' page size and count. */
  pages: number;
  rowsPerPage: number;
}

const PAGES = 30;
const ROWS = 200;

/**
 * A Drift-style token theft, live: the storefront connector's OAuth token, taken from the
 * middleware, is used from a new network and a script to page through every Contact with
 * `SELECT FIELDS(ALL)` in keyset pages of 200 — small requests that each stay under any
 * single-request threshold. The canary records and the shop's customers come up on the pages they
 * would in Id order. Every query is an event of `/event/ApiEventStream` the moment it runs; the
 * same calls reach the hourly API event log file only once the org writes it after the hour.
 */
export function liveTheft(now: number, contactIds: readonly string[], canaryIds: readonly string[]): LiveTheft {
  const known = [...contactIds, ...canaryIds].sort();
  // Other customers of the org, by ids of their own range.
  const filler = (page: number, i: number) => toId18(`0035g0Thf${String(page * ROWS + i).padStart(6, '0')}`);
  const api: Array<Record<string, unknown>> = [];
  let after = '0035g0000000000';
  for (let page = 0; page < PAGES; page += 1) {
    // The shop's real customers and the canaries sort among the first pages.
    const ids =
      page === 2
        ? [...known, ...Array.from({ length: ROWS - known.length }, (_, i) => filler(page, i))]
        : Array.from({ length: ROWS }, (_, i) => filler(page, i));
    api.push({
      EventIdentifier: `8d1f6c2e-5b7a-4c1e-9f00-${String(page).padStart(12, '0')}`,
      EventDate: new Date(now - (PAGES - page) * 1_500).toISOString(),
      UserId: SHOP_SYNC.userId,
      Username: SHOP_SYNC.username,
      ConnectedAppId: SHOP_SYNC_APP.id.slice(0, 15),
      Application: SHOP_SYNC_APP.name,
      ApiType: 'REST',
      Operation: page === 0 ? 'Query' : 'QueryMore',
      Client: 'python-requests',
      UserAgent: THIEF.userAgent,
      SourceIp: THIEF.ip,
      SessionKey: THIEF.session,
      QueriedEntities: 'Contact',
      RowsProcessed: ROWS,
      Query: `SELECT FIELDS(ALL) FROM Contact WHERE Id > '${after}' ORDER BY Id LIMIT ${ROWS}`,
      Records: JSON.stringify({ totalSize: ROWS, done: true, records: ids.map((Id) => ({ attributes: { type: 'Contact' }, Id })) }),
      ElapsedTime: 180 + page,
    });
    after = (ids.at(-1) as string).slice(0, 15);
  }
  const anomalies = [
    {
      EventIdentifier: '8d1f6c2e-5b7a-4c1e-9f00-a00000000001',
      EventDate: new Date(now).toISOString(),
      UserId: SHOP_SYNC.userId,
      Username: SHOP_SYNC.username,
      SourceIp: THIEF.ip,
      UserAgent: THIEF.userAgent,
      SessionKey: THIEF.session,
      QueriedEntities: 'Contact',
      RowsProcessed: PAGES * ROWS,
      Score: 91.4,
      Summary: 'Unusually high number of Contact records queried through the API compared with the usual pattern of this user.',
      Operation: 'QueryMore',
    },
  ];
  return { api, anomalies, pages: PAGES, rowsPerPage: ROWS };
}
