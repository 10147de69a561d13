import { createHash } from 'node:crypto';
import type { CoverageWriter } from '../collect/publish-coverage.js';
import { destinationOf, type EgressPolicy } from '../egress/policy.js';
import type { Sql } from '../store/store.js';
import { joinedText, LONG_TEXT, number, text } from '../verdicts/field-values.js';
import { notePublished, publishedDigests, recordDigest } from './published-digests.js';
import { pairKey } from './flow-records.js';

/** The window DataFlow__c's volumes cover, today (UTC) included, as `GET /v1/flows?days=30`. */
const FLOW_WINDOW_DAYS = 30;
/** Records per upsert call: the sObject Collections limit. */
const FLOW_BATCH = 200;
const SOBJECT = 'DataFlow__c';
const EXTERNAL_ID = 'FlowKey__c';

/** What publishing needs of the org's client: an upsert by external id (the coverage map's writer). */
export type FlowWriter = CoverageWriter;

/** A flow (source → destination) over the window, with its all-time first and last sighting. */
interface FlowSummary {
  source: string;
  destination: string;
  objects: string[];
  fields: string[];
  spans: number;
  bytes: number;
  activeDays: number;
  firstSeen: string;
  lastSeen: string;
}

interface PublishedFlows {
  /** Records sent to the org (changed since they were last accepted). */
  sent: number;
  /** Records the org already holds as they are: not sent. */
  unchanged: number;
  /** Records the org refused, by flow key with the org's code and fields (never a value); sent again next time. */
  refused: Array<{ flowKey: string; errorCode: string; fields: string[] }>;
}

/** `FlowKey__c`: hex SHA-256 of source, NUL, destination, first 40 characters (the field holds 80). */
export function flowKey(source: string, destination: string): string {
  return createHash('sha256').update(pairKey(source, destination)).digest('hex').slice(0, 40);
}

const windowStart = (now: Date): string => new Date(now.getTime() - (FLOW_WINDOW_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);

/**
 * The org's flows seen within the window, plus those it holds a record of from earlier publications
 * (`published`, by flow key) that have gone quiet since, so their record's volumes fall to zero
 * instead of keeping the last figures for ever.
 */
async function flowSummaries(sql: Sql, orgId: string, now: Date, published: ReadonlySet<string>): Promise<FlowSummary[]> {
  const since = windowStart(now);
  const totals = await sql.query<{
    source: string;
    destination: string;
    spans: string | number;
    bytes: string | number;
    active_days: string | number;
    first_seen: Date | string;
    last_seen: Date | string;
    in_window: boolean;
  }>(
    `SELECT source, destination,
            coalesce(sum(spans) FILTER (WHERE day >= $2::date), 0) AS spans,
            coalesce(sum(bytes) FILTER (WHERE day >= $2::date), 0) AS bytes,
            count(*) FILTER (WHERE day >= $2::date AND spans > 0) AS active_days,
            min(first_seen) AS first_seen, max(last_seen) AS last_seen,
            max(day) >= $2::date AS in_window
       FROM data_flow WHERE org_id = $1 GROUP BY source, destination`,
    [orgId, since],
  );
  const names = await sql.query<{ source: string; destination: string; objects: string[]; fields: string[] }>(
    'SELECT source, destination, objects, fields FROM data_flow WHERE org_id = $1 AND day >= $2::date',
    [orgId, since],
  );
  const named = new Map<string, { objects: Set<string>; fields: Set<string> }>();
  for (const row of names) {
    const key = pairKey(row.source, row.destination);
    const entry = named.get(key) ?? { objects: new Set<string>(), fields: new Set<string>() };
    for (const o of row.objects) entry.objects.add(o);
    for (const f of row.fields) entry.fields.add(f);
    named.set(key, entry);
  }
  return totals
    .filter((row) => row.in_window || published.has(flowKey(row.source, row.destination)))
    .map((row) => {
      const entry = named.get(pairKey(row.source, row.destination));
      return {
        source: row.source,
        destination: row.destination,
        objects: [...(entry?.objects ?? [])].sort(),
        fields: [...(entry?.fields ?? [])].sort(),
        spans: Number(row.spans),
        bytes: Number(row.bytes),
        activeDays: Number(row.active_days),
        firstSeen: new Date(row.first_seen).toISOString(),
        lastSeen: new Date(row.last_seen).toISOString(),
      };
    })
    .sort((a, b) => (pairKey(a.source, a.destination) < pairKey(b.source, b.destination) ? -1 : 1));
}

/**
 * One flow as a `DataFlow__c` record, without CheckedAt__c: region, AI and allow-listing from the
 * egress policy as it stands now (as `GET /v1/flows` shows them). Lists are cut at a separator to
 * fit their fields; only host names, service names, API names and counts are written.
 */
function dataFlowFields(flow: FlowSummary, policy: EgressPolicy): Record<string, unknown> {
  const verdict = destinationOf(policy, flow.destination);
  return {
    FlowKey__c: flowKey(flow.source, flow.destination),
    SourceService__c: text(flow.source, 100),
    DestinationHost__c: text(flow.destination, 255),
    PolicyName__c: text(verdict.rule?.name, 80),
    Region__c: text(verdict.region, 40),
    AiService__c: verdict.ai,
    AllowListed__c: verdict.allowListed,
    RegionAllowed__c: verdict.regionAllowed,
    Objects__c: joinedText(flow.objects, 255),
    Fields__c: joinedText(flow.fields, LONG_TEXT),
    Spans30d__c: number(flow.spans, 18, 0),
    Bytes30d__c: number(flow.bytes, 18, 0),
    ActiveDays30d__c: number(flow.activeDays, 4, 0),
    SpansPerDay__c: number(flow.activeDays > 0 ? flow.spans / flow.activeDays : 0, 18, 0),
    FirstSeen__c: flow.firstSeen,
    LastSeen__c: flow.lastSeen,
  };
}

interface PublishFlowsDeps {
  sql: Sql;
  writer: FlowWriter;
  /** The org's egress policy. */
  policy: EgressPolicy;
}

/**
 * Writes the org's data flows into the org as `DataFlow__c`, one record per source and destination,
 * upserted by `FlowKey__c` in calls of 200. Only records that changed since the org last accepted
 * them are sent (their digest is kept in `org_publication`), so an unchanged map costs no call. A
 * record the org refuses keeps its old digest and is sent again at the next publication; a call that
 * fails as a whole throws after the batches before it were noted.
 */
export async function publishFlows(deps: PublishFlowsDeps, orgId: string, now = new Date()): Promise<PublishedFlows> {
  const digests = await publishedDigests(deps.sql, orgId, SOBJECT);
  const flows = await flowSummaries(deps.sql, orgId, now, new Set(digests.keys()));
  const changed = flows
    .map((flow) => dataFlowFields(flow, deps.policy))
    .map((fields) => ({ fields, key: fields[EXTERNAL_ID] as string, digest: recordDigest(fields) }))
    .filter((r) => digests.get(r.key) !== r.digest);
  const refused: PublishedFlows['refused'] = [];
  const checkedAt = now.toISOString();
  for (let start = 0; start < changed.length; start += FLOW_BATCH) {
    const batch = changed.slice(start, start + FLOW_BATCH);
    const results = await deps.writer.upsert(
      SOBJECT,
      EXTERNAL_ID,
      batch.map((r) => ({ ...r.fields, CheckedAt__c: checkedAt })),
    );
    const accepted: Array<{ externalId: string; digest: string }> = [];
    batch.forEach((r, i) => {
      const result = results[i];
      if (result?.success) accepted.push({ externalId: r.key, digest: r.digest });
      else refused.push({ flowKey: r.key, errorCode: result?.errorCode ?? 'UNKNOWN', fields: fieldsOf(result) });
    });
    await notePublished(deps.sql, orgId, SOBJECT, accepted);
  }
  return { sent: changed.length, unchanged: flows.length - changed.length, refused };
}

const fieldsOf = (result: unknown): string[] => {
  const error = (result as { error?: { fields?: unknown } } | undefined)?.error;
  return Array.isArray(error?.fields) ? error.fields.filter((f): f is string => typeof f === 'string') : [];
};
