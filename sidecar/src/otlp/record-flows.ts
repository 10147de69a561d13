import { randomUUID } from 'node:crypto';
import { collectedEventId } from '../collect/event-id.js';
import type { Classifier } from '../contract/entities.js';
import { SIDECAR_ACTOR_ID, type LeakEvent } from '../contract/event.js';
import { DATA_FLOW_CHANGE, DATA_FLOW_SOURCE } from '../detect/rules/data-flow.js';
import { destinationOf, type EgressPolicy } from '../egress/policy.js';
import { classifyEvents } from '../ingest/classify-events.js';
import { persistEvents } from '../ingest/persist-events.js';
import type { Store } from '../store/store.js';
import { claimAlerts, knownFlows, pairKey, raisedAlerts, upsertFlows, type AlertClaim } from './flow-records.js';
import type { FlowSample } from './flows.js';

/** Reason codes a flow can raise once each (the detector's `dataFlowRule` decides from the event's facts). */
type FlowReason = 'new_data_flow' | 'pii_to_ai_outside_region';

interface RecordFlowsDeps {
  store: Store;
  classifier: Classifier;
  /** The org's egress policy: allow-list, AI destinations, regions. */
  policyFor: (orgId: string) => EgressPolicy;
  /** Objects holding personal data (the detector's `piiObjects`). */
  piiObjects: ReadonlySet<string>;
}

interface RecordedFlows {
  flows: number;
  /** Events stored for the detector (one per flow that may deserve a verdict and had none yet). */
  events: number;
}

/** A flow of the request across its days: what a verdict is decided on. */
interface FlowPair {
  source: string;
  destination: string;
  objects: Set<string>;
  fields: Set<string>;
  spans: number;
  bytes: number;
  firstMs: number;
  orgApi: boolean;
}

function pairsOf(samples: readonly FlowSample[]): Map<string, FlowPair> {
  const pairs = new Map<string, FlowPair>();
  for (const s of samples) {
    const key = pairKey(s.source, s.destination);
    const p = pairs.get(key) ?? {
      source: s.source,
      destination: s.destination,
      objects: new Set(),
      fields: new Set(),
      spans: 0,
      bytes: 0,
      firstMs: s.firstMs,
      orgApi: true,
    };
    for (const o of s.objects) p.objects.add(o);
    for (const f of s.fields) p.fields.add(f);
    p.spans += s.spans;
    p.bytes += s.bytes;
    p.firstMs = Math.min(p.firstMs, s.firstMs);
    p.orgApi &&= s.orgApi;
    pairs.set(key, p);
  }
  return pairs;
}

/**
 * Stores a request's flows, and for each flow that may deserve a verdict and has not raised one
 * for that reason yet, one event in the durable ingest queue (as a drill does), in the same
 * transaction. `data_flow_alert` keeps one claim per flow and reason, so a flow gives one verdict
 * however many spans, requests or replicas report it. A flow whose spans are all a Salesforce
 * client's calls to the org itself (the service reading the org) raises nothing.
 */
export async function recordFlows(deps: RecordFlowsDeps, orgId: string, samples: readonly FlowSample[]): Promise<RecordedFlows> {
  if (samples.length === 0) return { flows: 0, events: 0 };
  const pairs = pairsOf(samples);
  const list = [...pairs.values()].map(({ source, destination }) => ({ source, destination }));
  const [known, raised] = await Promise.all([knownFlows(deps.store, orgId, list), raisedAlerts(deps.store, orgId, list)]);
  const policy = deps.policyFor(orgId);
  const events: LeakEvent[] = [];
  const claims: AlertClaim[] = [];
  for (const [key, pair] of pairs) {
    if (pair.orgApi) continue;
    const verdict = destinationOf(policy, pair.destination);
    const personal = [...pair.objects].some((o) => deps.piiObjects.has(o));
    const reasons: FlowReason[] = [];
    if (!known.has(key) && !verdict.allowListed) reasons.push('new_data_flow');
    if (verdict.ai && !verdict.regionAllowed && personal) reasons.push('pii_to_ai_outside_region');
    const fresh = reasons.filter((r) => !raised.has(`${key}|${r}`));
    if (fresh.length === 0) continue;
    const id = collectedEventId(orgId, 'otlp', `${key}\u0000${fresh.join(',')}`);
    claims.push(...fresh.map((reason) => ({ source: pair.source, destination: pair.destination, reason, eventId: id })));
    events.push({
      id,
      // Data leaving for a destination, raised by the sidecar alone: the egress kind, which teaches no baseline.
      kind: 'egress',
      operation: 'export',
      occurredAt: new Date(pair.firstMs).toISOString(),
      actor: { userId: SIDECAR_ACTOR_ID },
      ...([...pair.objects].sort()[0] ? { object: [...pair.objects].sort()[0] } : {}),
      details: {
        source: DATA_FLOW_SOURCE,
        change: DATA_FLOW_CHANGE,
        sourceService: pair.source,
        destinationHost: verdict.host,
        ...(verdict.region ? { region: verdict.region } : {}),
        ...(verdict.rule?.name ? { destinationName: verdict.rule.name } : {}),
        firstSeen: !known.has(key),
        allowListed: verdict.allowListed,
        ai: verdict.ai,
        regionAllowed: verdict.regionAllowed,
        objects: [...pair.objects].sort(),
        fields: [...pair.fields].sort(),
        spans: pair.spans,
        bytes: pair.bytes,
      },
    });
  }
  const classified = events.length > 0 ? await classifyEvents(deps.classifier, orgId, events) : [];
  const stored = await deps.store.transaction(async (tx) => {
    await upsertFlows(tx, orgId, samples);
    const won = await claimAlerts(tx, orgId, claims);
    const kept = classified.filter((c) => won.has(c.event.id));
    return (await persistEvents(tx, randomUUID(), kept)).size;
  });
  return { flows: pairs.size, events: stored };
}
