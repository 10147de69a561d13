import { API_NAME } from '../contract/api-name.js';
import { randomUUID } from 'node:crypto';
import type { Classifier } from '../contract/entities.js';
import { SIDECAR_ACTOR_ID, type LeakEvent } from '../contract/event.js';
import { classifyEvents } from '../ingest/classify-events.js';
import { eventProblems } from '../ingest/event-validator.js';
import { persistEvents } from '../ingest/persist-events.js';
import type { Store } from '../store/store.js';
import type { EgressDecision, EgressRequest } from './inspect.js';

/** The key of an egress event's details that the detector's egress rule reads. */
export const EGRESS_DETAIL = 'egress';

/** What an egress event records: the decision and why, where to, what types and how many; never a value. */
export interface EgressDetail {
  decision: 'block' | 'redact';
  host: string;
  region?: string;
  ai: boolean;
  allowListed: boolean;
  method: string;
  reasonCodes: string[];
  piiTypes: string[];
  findings: number;
  service?: string;
  /** The policy rule's name or glob (the operator's words, not the caller's), or `unlisted` when no rule matched. */
  destination?: string;
  channel: 'inspect' | 'ext_authz';
  /** A redaction ext_authz could not carry out: the request went out as sent (`redactAs: allow`). */
  unredacted?: boolean;
  /** The Salesforce objects the caller says the body carries (`context.objects`), API names only. */
  objects?: string[];
}

const METHOD = /^[A-Z]{1,16}$/;

/**
 * Stores a blocking or redacting decision as one `egress` event through the durable ingest path (as
 * a drill stores its events): classified like any event, so the caller's service name is masked if
 * it holds personal data, with the inspection's findings (masked samples and hashes) attached. From
 * there the detector's egress rule makes it a verdict. Returns the event id.
 */
export async function recordEgressEvent(
  deps: { store: Store; classifier: Classifier; now?: () => Date },
  orgId: string,
  request: EgressRequest,
  decision: EgressDecision,
  how: { channel: EgressDetail['channel']; enforced?: 'block' | 'redact'; unredacted?: boolean },
): Promise<string> {
  const enforced = how.enforced ?? decision.decision;
  if (enforced === 'allow') throw new Error('an allowed request is not recorded');
  const method = request.destination.method.toUpperCase();
  const objects = [...new Set((request.context?.objects ?? []).filter((o) => API_NAME.test(o)))].slice(0, 20);
  const detail: EgressDetail = {
    decision: enforced,
    host: decision.destination.host,
    ...(decision.destination.region ? { region: decision.destination.region } : {}),
    ai: decision.destination.ai,
    allowListed: decision.destination.allowListed,
    method: METHOD.test(method) ? method : 'OTHER',
    reasonCodes: decision.reasons.map((r) => r.code),
    piiTypes: [...new Set(decision.findings.flatMap((f) => f.entities.map((e) => e.type)))],
    findings: decision.findings.reduce((n, f) => n + f.entities.length, 0),
    ...(request.source?.service ? { service: request.source.service.slice(0, 200) } : {}),
    channel: how.channel,
    ...(how.unredacted ? { unredacted: true } : {}),
    ...(objects.length > 0 ? { objects } : {}),
  };
  const event: LeakEvent = {
    id: randomUUID(),
    kind: 'egress',
    occurredAt: (deps.now ?? (() => new Date()))().toISOString(),
    actor: { userId: SIDECAR_ACTOR_ID },
    // The verdict names the first object the caller declared, as a DML verdict names its object.
    ...(objects[0] ? { object: objects[0] } : {}),
    details: { [EGRESS_DETAIL]: detail },
  };
  const problems = eventProblems(event);
  // Built here from checked values: one the schema refuses is a bug, never the caller's input.
  if (problems) throw new Error(`egress event breaks the event schema: ${problems.join('; ')}`);
  const [stored] = await classifyEvents(deps.classifier, orgId, [event]);
  stored!.findings.push(...decision.findings);
  // Added after classification: it comes from the operator's policy file, so it stays readable in the verdict
  // (the host above is the caller's and is masked wherever the classifier takes it for a URL).
  const rule = decision.destination.rule;
  (stored!.event.details![EGRESS_DETAIL] as EgressDetail).destination = rule ? (rule.name ?? rule.match) : 'unlisted';
  await deps.store.transaction(async (tx) => {
    await persistEvents(tx, randomUUID(), [stored!]);
  });
  return event.id;
}
