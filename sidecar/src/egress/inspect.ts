import { hashValue, maskValue } from '../classify/index.js';
import type { Classifier, ClassifyInput, Entity, EntityType, FieldFinding } from '../contract/entities.js';
import { bodyStrings, EGRESS_LIMITS, InspectInputError, type BodyStrings } from './body-strings.js';
import { destinationOf, type DestinationVerdict, type EgressAction, type EgressPolicy } from './policy.js';
import { DESTINATION_CREDENTIAL_HEADERS, egressSecretSpans, TRANSPORT_HEADERS } from './secrets.js';

/** One outbound request as a gateway, middleware or SDK hook sees it before sending. */
export interface EgressRequest {
  destination: { url: string; method: string };
  source?: { service?: string };
  context?: { objects?: string[] };
  headers?: Record<string, string>;
  /** The body as sent: UTF-8 text, or base64 with `bodyEncoding: 'base64'` (binary or unknown encodings). */
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
  contentType?: string;
  /** Redact with consistent placeholders (`<EMAIL_1>`) and return their values, instead of masking. */
  placeholders?: boolean;
}

type ReasonCode =
  'destination_blocked' | 'canary_value' | 'secret' | 'pii_to_ai_outside_region' | 'pii_redacted_by_rule' | 'pii_over_block_threshold' | 'pii_not_redactable';

export interface EgressReason {
  code: ReasonCode;
  message: string;
  piiTypes?: EntityType[];
  count?: number;
}

export interface EgressDecision {
  decision: EgressAction;
  reasons: EgressReason[];
  destination: DestinationVerdict;
  /** For `redact`: the body with each finding replaced, encoded as it came. */
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
  /** For `redact` with placeholders: placeholder → original value. Returned to the caller only; never stored or logged. */
  placeholders?: Record<string, string>;
  /** What was found, masked and hashed, as a verdict stores it: never a raw value. */
  findings: FieldFinding[];
  /** Personal-data types found (secrets excluded). */
  piiTypes: EntityType[];
  bodyFormat: BodyStrings['format'];
}

/** Which bodies the NER model reads besides the recognizers: those bound for AI services (prompts are prose), every body, or none. */
export type EgressNer = 'ai' | 'all' | 'off';

export interface InspectDeps {
  /** The recognizers (no NER model: see README, Latency). */
  classifier: Classifier;
  /** The recognizers plus the NER model, for bodies `ner` selects: names and places in prose. */
  modelClassifier?: Classifier;
  /** Default `ai`; without `modelClassifier` no body is read by the model. */
  ner?: EgressNer;
  /** The value-hash salt of secrets the egress patterns add (the classifier's own). */
  salt: string;
  policyFor: (orgId: string) => EgressPolicy;
  /** The org's registered canary marker values. */
  canaryMarkers: (orgId: string) => Promise<readonly string[]>;
}

/** Placeholder labels: `<EMAIL_1>`, `<PHONE_2>`; other types by their own name. */
const PLACEHOLDER_LABEL: Partial<Record<EntityType, string>> = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD: 'CARD',
  IBAN_CODE: 'IBAN',
  IP_ADDRESS: 'IP',
  DATE_OF_BIRTH: 'DOB',
};

/** The host of a destination URL (`https://api.openai.com/v1/…` → `api.openai.com`), or a 400. */
function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.hostname) return parsed.hostname;
  } catch {
    // reported below
  }
  throw new InspectInputError(400, 'destination.url must be an absolute URL such as https://api.openai.com/v1/chat/completions.');
}

/** Query parameters that carry the caller's credential for the destination (Gemini's `?key=`): not inspected, like credential headers. */
const DESTINATION_CREDENTIAL_PARAMS: ReadonlySet<string> = new Set(['key', 'api_key', 'apikey', 'access_token']);

type Where = 'body' | 'url' | 'headers';

interface Slot {
  where: Where;
  /** Index into the body's strings, for `body`. */
  index: number;
  text: string;
}

/**
 * Inspects one outbound request under the org's policy: the destination's action, then canary
 * values, secrets and personal data in the body (and secrets and canaries in the URL and headers).
 * Canaries and secrets block; personal data bound for an AI service outside the allowed regions
 * blocks, or is redacted where the destination's rule says `redact`. Nothing is stored here.
 */
export async function inspectEgress(deps: InspectDeps, orgId: string, request: EgressRequest): Promise<EgressDecision> {
  const destination = destinationOf(deps.policyFor(orgId), hostOf(request.destination.url));
  const policy = deps.policyFor(orgId);
  const bytes = bodyBytes(request);
  const body = bodyStrings(bytes, request.contentType);

  const slots: Slot[] = body.strings.map((s, index) => ({ where: 'body', index, text: s.text }));
  const inputs: ClassifyInput[] = body.strings.map((s) => ({ text: s.text, ...(s.key !== undefined ? { field: { name: s.key } } : {}) }));
  const url = new URL(request.destination.url);
  for (const name of [...url.searchParams.keys()]) if (DESTINATION_CREDENTIAL_PARAMS.has(name.toLowerCase())) url.searchParams.delete(name);
  const urlText = decodeSafely(url.pathname + url.search);
  slots.push({ where: 'url', index: -1, text: urlText });
  inputs.push({ text: urlText, field: { type: 'URL_PATH' } });
  const headers = Object.entries(request.headers ?? {});
  if (headers.length > EGRESS_LIMITS.headers) throw new InspectInputError(413, `More than ${EGRESS_LIMITS.headers} headers; none is inspected.`);
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (DESTINATION_CREDENTIAL_HEADERS.has(lower) || TRANSPORT_HEADERS.has(lower) || typeof value !== 'string') continue;
    slots.push({ where: 'headers', index: -1, text: value });
    inputs.push({ text: value, field: { name: lower } });
  }

  const bodyCount = body.strings.length;
  const found = await classifySlots(deps, destination, inputs, bodyCount);
  const markers = await deps.canaryMarkers(orgId);
  const entitiesOf = slots.map((slot, i) => {
    const own = found[i] ?? [];
    const extra = egressSecretSpans(slot.text)
      .filter((s) => !own.some((e) => e.type === 'SECRET' && e.start < s.end && s.start < e.end))
      .map((s) => secretEntity(slot.text.slice(s.start, s.end), s.start, s.end, s.detector, deps.salt));
    // Only secrets count in the URL and headers: personal data there is the destination's business (an id in a path).
    const kept = slot.where === 'body' ? [...own, ...extra] : [...own, ...extra].filter((e) => e.type === 'SECRET');
    return kept.sort((a, b) => a.start - b.start);
  });

  const canaryHits = markers.length === 0 ? 0 : slots.filter((s) => markers.some((m) => s.text.includes(m))).length;
  const all = entitiesOf.flat();
  const secrets = all.filter((e) => e.type === 'SECRET');
  const pii = entitiesOf.flatMap((es, i) => (slots[i]!.where === 'body' ? es.filter((e) => e.type !== 'SECRET') : []));
  const piiTypes = [...new Set(pii.map((e) => e.type))];
  const findings = findingsOf(slots, entitiesOf);

  const reasons: EgressReason[] = [];
  let decision = 'allow' as EgressAction;
  const raise = (to: EgressAction): void => {
    if (to === 'block' || (to === 'redact' && decision === 'allow')) decision = to;
  };
  const target = destination.rule?.name ? `${destination.host} (${destination.rule.name})` : destination.host;
  if (destination.action === 'block') {
    raise('block');
    reasons.push({
      code: 'destination_blocked',
      message: destination.rule ? `The policy blocks ${target}.` : `${target} matches no destination rule and the policy blocks by default.`,
    });
  }
  if (canaryHits > 0) {
    raise('block');
    reasons.push({
      code: 'canary_value',
      message: `A canary value registered for this org is in the request (${canaryHits} place${canaryHits > 1 ? 's' : ''}).`,
      count: canaryHits,
    });
  }
  if (secrets.length > 0) {
    raise('block');
    const where = [...new Set(findings.filter((f) => f.entities.some((e) => e.type === 'SECRET')).map((f) => f.field))].join(', ');
    reasons.push({
      code: 'secret',
      message: `${count(secrets.length, 'credential')} (API key, token or private key) in the ${where}.`,
      piiTypes: ['SECRET'],
      count: secrets.length,
    });
  }
  if (pii.length > 0) {
    const outsideRegion = destination.ai && !destination.regionAllowed;
    const byRule = destination.action === 'redact';
    if (outsideRegion || byRule) {
      const wanted: EgressAction = byRule ? 'redact' : 'block';
      const where = destination.region ? `in region ${destination.region}` : 'in no known region';
      const allowed = policy.allowedRegions.join(', ');
      reasons.push(
        outsideRegion
          ? {
              code: 'pii_to_ai_outside_region',
              message: `Personal data (${piiTypes.join(', ')}) bound for the AI service ${target}, ${where}, outside the allowed regions (${allowed}).`,
              piiTypes,
              count: pii.length,
            }
          : {
              code: 'pii_redacted_by_rule',
              message: `The policy redacts personal data (${piiTypes.join(', ')}) sent to ${target}.`,
              piiTypes,
              count: pii.length,
            },
      );
      if (wanted === 'redact' && policy.blockAtFindings !== undefined && pii.length >= policy.blockAtFindings) {
        raise('block');
        reasons.push({
          code: 'pii_over_block_threshold',
          message: `${count(pii.length, 'finding')} of personal data: at least ${policy.blockAtFindings} block rather than redact.`,
          count: pii.length,
        });
      } else if (wanted === 'redact' && !body.render) {
        raise('block');
        reasons.push({ code: 'pii_not_redactable', message: 'The body is binary: it cannot be rewritten, so it is blocked rather than redacted.' });
      } else raise(wanted);
    }
  }

  const result: EgressDecision = { decision, reasons, destination, findings, piiTypes, bodyFormat: body.format };
  if (decision === 'redact' && body.render) Object.assign(result, redacted(body, entitiesOf, request));
  return result;
}

/** Whether the model reads this request's body (prose prompts name people the patterns cannot see). */
function modelReadsBody(ner: EgressNer, destination: DestinationVerdict): boolean {
  return ner === 'all' || (ner === 'ai' && destination.ai);
}

/**
 * The body's strings through the model classifier where `ner` asks for it, everything else (the URL
 * and headers, where only secrets count) through the recognizers alone.
 */
async function classifySlots(deps: InspectDeps, destination: DestinationVerdict, inputs: ClassifyInput[], bodyCount: number): Promise<Entity[][]> {
  if (!deps.modelClassifier || bodyCount === 0 || !modelReadsBody(deps.ner ?? 'ai', destination)) return deps.classifier.classifyMany(inputs);
  const [bodyFound, restFound] = await Promise.all([
    deps.modelClassifier.classifyMany(inputs.slice(0, bodyCount)),
    deps.classifier.classifyMany(inputs.slice(bodyCount)),
  ]);
  return [...bodyFound, ...restFound];
}

function bodyBytes(request: EgressRequest): Buffer {
  if (request.body === undefined) return Buffer.alloc(0);
  if (request.bodyEncoding !== 'base64') return Buffer.from(request.body, 'utf8');
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(request.body)) throw new InspectInputError(400, 'body is not base64 although bodyEncoding is base64.');
  return Buffer.from(request.body, 'base64');
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function secretEntity(value: string, start: number, end: number, detector: string, salt: string): Entity {
  return { type: 'SECRET', start, end, score: 0.95, detector, masked: maskValue('SECRET', value), hash: hashValue('SECRET', value, salt) };
}

/** One finding per place (body, url, headers), as a verdict stores it: masked and hashed entities, offsets. */
function findingsOf(slots: Slot[], entitiesOf: Entity[][]): FieldFinding[] {
  const byWhere = new Map<Where, Entity[]>();
  slots.forEach((slot, i) => {
    const es = entitiesOf[i]!;
    if (es.length > 0) byWhere.set(slot.where, [...(byWhere.get(slot.where) ?? []), ...es]);
  });
  return [...byWhere].map(([field, entities]) => ({ field, entities }));
}

/** The body with each personal-data finding masked, or replaced by a placeholder that names it consistently. */
function redacted(body: BodyStrings, entitiesOf: Entity[][], request: EgressRequest): Pick<EgressDecision, 'body' | 'bodyEncoding' | 'placeholders'> {
  const placeholders = new Map<string, string>();
  const counters = new Map<string, number>();
  const values: Record<string, string> = {};
  const replacementFor = (entity: Entity, value: string): string => {
    if (!request.placeholders) return entity.masked;
    const known = placeholders.get(entity.hash);
    if (known) return known;
    const label = PLACEHOLDER_LABEL[entity.type] ?? entity.type;
    const n = (counters.get(label) ?? 0) + 1;
    counters.set(label, n);
    const placeholder = `<${label}_${n}>`;
    placeholders.set(entity.hash, placeholder);
    values[placeholder] = value;
    return placeholder;
  };
  const text = body.render!((index) => {
    const entities = entitiesOf[index]?.filter((e) => e.type !== 'SECRET') ?? [];
    if (entities.length === 0) return undefined;
    const original = body.strings[index]!.text;
    let out = '';
    let at = 0;
    for (const e of entities) {
      if (e.start < at) continue;
      out += original.slice(at, e.start) + replacementFor(e, original.slice(e.start, e.end));
      at = e.end;
    }
    return out + original.slice(at);
  });
  const encoding = request.bodyEncoding === 'base64' ? 'base64' : 'utf8';
  return {
    body: encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text,
    bodyEncoding: encoding,
    ...(request.placeholders ? { placeholders: values } : {}),
  };
}

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
