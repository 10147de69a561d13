import { networkOf } from '../../contract/network.js';
import { actorName, detailString, outsideUsualHours } from './details.js';
import { defineRule, withReason, type RuleFacts, type RuleReason } from './rule.js';

type ReadSideCode =
  | 'salesforce_threat_detected'
  | 'realtime_coverage_gap'
  | 'integration_new_client'
  | 'unbounded_pii_query'
  | 'paged_enumeration'
  | 'report_export_pii'
  | 'bulk_download_off_window';

/** What the SOQL analysis left of a streamed query (`details.query`): its shape, never its literals. */
interface QueryDetails {
  objects: string[];
  piiTypes: string[];
  fieldsMacro: string | null;
  unbounded: boolean;
  idRange: boolean;
  orderById: boolean;
  offset: number | null;
}

function queryOf(value: unknown): QueryDetails | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const q = value as Record<string, unknown>;
  if (q['parsed'] !== true) return undefined;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  return {
    objects: strings(q['objects']),
    piiTypes: strings(q['piiTypes']),
    fieldsMacro: typeof q['fieldsMacro'] === 'string' ? q['fieldsMacro'] : null,
    unbounded: q['unbounded'] === true,
    idRange: q['idRange'] === true,
    orderById: q['orderById'] === true,
    offset: typeof q['offset'] === 'number' ? q['offset'] : null,
  };
}

/** A user agent's product (`python-requests/2.31 …` → `python-requests`), the part that names the client. */
export function clientFamily(userAgent: string): string {
  const first = userAgent.trim().split(/\s+/)[0] ?? '';
  return (first.split('/')[0] ?? first).toLowerCase().slice(0, 60);
}

/**
 * Reads seen in real time (Real-Time Event Monitoring over the Pub/Sub API):
 * - Salesforce's own threat detection (API and report anomalies, session hijacking, credential
 *   stuffing): its score becomes the reason's weight, its summary the message;
 * - a stretch of a topic the subscription could not read (it was away longer than the org keeps
 *   events);
 * - an integration user calling from a client or network never seen for it after the warm-up (its
 *   credentials used elsewhere: Data Loader, a script, a stolen token), from streamed events and
 *   event log lines alike;
 * - a query of personal data with `FIELDS(ALL)` or without any filter or limit, by an actor who
 *   never ran one on that object;
 * - a session paging through a PII object (Id ranges, ORDER BY Id, OFFSET) in many small queries
 *   that each stay under every single-request threshold;
 * - a report with personal-data columns exported in bulk;
 * - a Bulk API job's results downloaded at an hour the user's downloads (almost) never happen in
 *   (a nightly sync's results fetched at noon by someone else holding its credentials).
 */
export const readSideRule = defineRule({
  name: 'read-side',
  reasons: {
    salesforce_threat_detected: {},
    realtime_coverage_gap: {},
    integration_new_client: {},
    unbounded_pii_query: {},
    paged_enumeration: {},
    report_export_pii: {},
    bulk_download_off_window: {},
  },
  weights: [
    'salesforce_threat_detected',
    'salesforce_threat_score',
    'realtime_coverage_gap',
    'integration_new_client',
    'unbounded_pii_query',
    'paged_enumeration',
    'report_export_pii',
    'bulk_download_off_window',
  ],
  // A query shape is judged once the actor has been watched for the warm-up.
  needs: ['actorFirstDay'],
  produces: [],
  run(input) {
    const { event, config, time, state, ledger, piiObjects, actorFirstDay, weights: w } = input;
    // Clients and networks are learnt from every read that names them (event log lines too).
    const client = newClientForIntegration(input, w.integration_new_client);
    let reasons: RuleReason<ReadSideCode>[] | undefined = client ? [client] : undefined;
    if (detailString(event, 'source') !== 'PubSub') return reasons && { reasons };
    const threat = event.details?.['threat'];
    if (threat !== null && typeof threat === 'object') {
      const t = threat as Record<string, unknown>;
      const score = typeof t['score'] === 'number' && Number.isFinite(t['score']) ? Math.max(0, Math.min(100, t['score'])) : undefined;
      const summary = typeof t['summary'] === 'string' ? ` ${t['summary']}` : '';
      reasons = withReason(reasons, {
        code: 'salesforce_threat_detected',
        weight: Math.round(w.salesforce_threat_detected + (score === undefined ? 0 : (score / 100) * w.salesforce_threat_score)),
        message: `Salesforce's threat detection raised ${String(t['type'])} for ${actorName(event)}${score === undefined ? '' : ` (score ${score})`}.${summary}`,
      });
      return { reasons };
    }
    if (detailString(event, 'change') === 'coverage_gap') {
      reasons = withReason(reasons, {
        code: 'realtime_coverage_gap',
        weight: w.realtime_coverage_gap,
        message: `Events of ${detailString(event, 'topic') ?? 'a topic'} from ${detailString(event, 'gapFrom')} to ${detailString(event, 'gapTo')} were never read: the subscription was away longer than the org keeps them.`,
      });
      return { reasons };
    }
    if (detailString(event, 'topic') === 'BulkApiResultEvent') {
      const offWindow = bulkDownloadOffWindow(input, w.bulk_download_off_window);
      if (offWindow) reasons = withReason(reasons, offWindow);
    }
    const query = queryOf(event.details?.['query']);
    const object = event.object ?? query?.objects[0];
    if (!object || !piiObjects.has(object)) return reasons && { reasons };
    const actor = event.actor.userId;
    if (query && (query.fieldsMacro === 'ALL' || query.unbounded)) {
      const shape = query.fieldsMacro === 'ALL' ? 'FIELDS(ALL)' : 'no filter and no limit';
      const series = `qshape|${actor}|${object}|${shape}`;
      const known = state.firstDay('activity', series) !== undefined;
      state.add('activity', series, time.day, time.hour, 1);
      const since = actorFirstDay;
      if (!known && since !== undefined && time.day - since >= config.warmupDays && ledger.once(`qshape|${actor}|${object}|${shape}`, time.day))
        reasons = withReason(reasons, {
          code: 'unbounded_pii_query',
          weight: w.unbounded_pii_query,
          message: `${actorName(event)} queried ${object} with ${shape}${query.piiTypes.length ? ` (personal data: ${query.piiTypes.join(', ')})` : ''}, which they never did before.`,
        });
    }
    if (query && (query.idRange || query.orderById || (query.offset ?? 0) > 0)) {
      const session = event.actor.sessionId ?? 'no-session';
      const series = `paging|${actor}|${object}|${session}`;
      state.add('activity', series, time.day, time.hour, 1);
      const pages = state.hourTotal('activity', series, time.day, time.hour);
      if (pages >= config.pagedQueriesPerHour && ledger.once(`paging|${actor}|${object}|${session}|${time.day}|${time.hour}`, time.day))
        reasons = withReason(reasons, {
          code: 'paged_enumeration',
          weight: w.paged_enumeration,
          message: `${actorName(event)} paged through ${object} in ${pages} small queries within the hour (Id ranges or offsets), each under the single-request thresholds.`,
        });
    }
    if (detailString(event, 'topic') === 'ReportEventStream' && event.operation === 'export') {
      const columns = Array.isArray(event.details?.['piiColumns'])
        ? (event.details['piiColumns'] as unknown[]).filter((c): c is string => typeof c === 'string')
        : [];
      const rows = event.recordCount ?? 0;
      const report = detailString(event, 'reportId') ?? 'a report';
      if (columns.length > 0 && rows >= config.minAnomalyVolume && ledger.once(`report|${actor}|${report}|${time.day}`, time.day))
        reasons = withReason(reasons, {
          code: 'report_export_pii',
          weight: w.report_export_pii,
          message: `${actorName(event)} exported ${rows} rows of ${detailString(event, 'reportName') ?? report} with personal-data columns (${columns.slice(0, 8).join(', ')}).`,
        });
    }
    return reasons && { reasons };
  },
});

/** An integration user acting from a client or network never seen for it once it has been watched for the warm-up. */
function newClientForIntegration({ event, config, time, state, ledger }: RuleFacts, weight: number): RuleReason<'integration_new_client'> | undefined {
  if (!event.actor.isIntegration) return undefined;
  const user = event.actor.userId;
  const fresh: string[] = [];
  // The user's clients have been watched since the first event that named one (not since the user
  // was first seen at all: a subscription started late must learn before it judges).
  const watched = `clients|${user}`;
  const since = state.firstDay('activity', watched);
  state.add('activity', watched, time.day, time.hour, 1);
  const warm = since !== undefined && time.day - since >= config.warmupDays;
  if (event.kind === 'setup' || event.kind === 'permission' || event.kind === 'sharing') return undefined;
  const ua = detailString(event, 'userAgent') ?? detailString(event, 'client') ?? detailString(event, 'clientName');
  if (ua) {
    const family = clientFamily(ua);
    const series = `client|${user}|${family}`;
    if (state.firstDay('activity', series) === undefined && warm) fresh.push(`client ${family}`);
    state.add('activity', series, time.day, time.hour, 1);
  }
  // The network as collected (the address itself is stored masked); an address only when unmasked.
  const network = detailString(event, 'network') ?? networkOf(detailString(event, 'sourceIp') ?? detailString(event, 'clientIp'));
  if (network) {
    const series = `net|${user}|${network}`;
    if (state.firstDay('activity', series) === undefined && warm) fresh.push(`network ${network}`);
    state.add('activity', series, time.day, time.hour, 1);
  }
  if (fresh.length === 0 || !ledger.once(`intclient|${user}|${fresh.join('|')}`, time.day)) return undefined;
  return {
    code: 'integration_new_client',
    weight,
    message: `Integration user ${actorName(event)} called from a ${fresh.join(' and a ')} never seen for it${event.actor.connectedAppId ? ` (connected app ${event.actor.connectedAppId})` : ''}.`,
  };
}

/**
 * Bulk API result downloads at an hour (with its neighbours) holding under `unusualHourShare` of the
 * user's downloads in the horizon (which, as for `unusual_hour`, starts with the org's volumes).
 */
function bulkDownloadOffWindow(
  { event, config, time, state, baselines, ledger }: RuleFacts,
  weight: number,
): RuleReason<'bulk_download_off_window'> | undefined {
  const series = `bulkdl|${event.actor.userId}`;
  state.add('activity', series, time.day, time.hour, 1);
  const hours = baselines.activityHours(series, time.day);
  if (!hours) return undefined;
  if (!outsideUsualHours(hours, time.hour, config.unusualHourShare)) return undefined;
  if (!ledger.once(`bulkdl|${event.actor.userId}|${time.day}|${time.hour}`, time.day)) return undefined;
  return {
    code: 'bulk_download_off_window',
    weight,
    message: `${actorName(event)} downloaded Bulk API results at ${String(time.hour).padStart(2, '0')}:00 UTC; their ${Math.round(hours.total)} downloads of the last ${config.baselineDays} days came at other hours.`,
  };
}
