import { readFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import { orgKey } from '../contract/salesforce-id.js';

export type EgressAction = 'allow' | 'redact' | 'block';

interface DestinationRule {
  /** Host glob: `api.openai.com` (that host), `*.example.com` (its subdomains, any depth, not itself), `*` (any host). */
  match: string;
  /** Absent: the rule only describes the destination (ai, region, name) and the policy's `defaultAction` applies. */
  action?: EgressAction;
  ai?: boolean;
  region?: string;
  name?: string;
}

export interface EgressPolicy {
  /** What happens to a destination no rule matches: default 'allow'; 'block' = default-deny. */
  defaultAction: EgressAction;
  /** Regions personal data may go to (e.g. EU, EEA, DE); empty: anywhere. */
  allowedRegions: string[];
  /** Destinations in order; the first match wins. Also the allow-list: a host matching a rule with action allow or redact is on it. */
  destinations: DestinationRule[];
  /** Host glob → region, for hosts whose rule names none. */
  regions: Array<{ match: string; region: string }>;
  /** Personal data at or above this many findings in one body blocks rather than redacts (optional). */
  blockAtFindings?: number;
}

export interface DestinationVerdict {
  host: string;
  rule?: DestinationRule;
  action: EgressAction;
  region?: string;
  allowListed: boolean;
  ai: boolean;
  regionAllowed: boolean;
}

export class EgressConfigError extends Error {
  override readonly name = 'EgressConfigError';
}

const ACTIONS: readonly EgressAction[] = ['allow', 'redact', 'block'];

/** EU member states (ISO 3166-1 alpha-2; Greece as both GR and EL, as the EU writes it). */
const EU = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'EL',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
];
/** The EEA is the EU plus these three. */
const EEA_ONLY = ['IS', 'LI', 'NO'];

/** The regions a region lies in, itself included: `DE` → DE, EU, EEA; `NO` → NO, EEA; `EU` → EU, EEA. */
function regionsContaining(region: string): Set<string> {
  const r = region.toUpperCase();
  const within = new Set([r]);
  if (r === 'EU' || EU.includes(r)) within.add('EU').add('EEA');
  if (EEA_ONLY.includes(r)) within.add('EEA');
  return within;
}

/**
 * Well-known AI services, appended after an entry's own destinations unless it says
 * `"builtinDestinations": false`. They carry no action (the policy's applies); a region only where
 * the host itself fixes it as the provider documents: OpenAI's European data-residency endpoint,
 * Vertex AI's regional endpoints (`<region>-aiplatform.googleapis.com`), Bedrock's regional ones
 * (`bedrock-runtime.<region>.amazonaws.com`). Where the host does not say (Azure OpenAI resources,
 * global endpoints), the region is unknown, which `allowedRegions` does not allow: map such a host
 * with `regions` once the operator knows where it runs.
 */
const BUILTIN_AI_DESTINATIONS: readonly DestinationRule[] = Object.freeze([
  { match: 'eu.api.openai.com', ai: true, region: 'EU', name: 'OpenAI (European data residency)' },
  { match: 'api.openai.com', ai: true, name: 'OpenAI' },
  { match: '*.openai.azure.com', ai: true, name: 'Azure OpenAI' },
  { match: '*.cognitiveservices.azure.com', ai: true, name: 'Azure AI services' },
  { match: '*.services.ai.azure.com', ai: true, name: 'Azure AI Foundry' },
  { match: 'api.anthropic.com', ai: true, name: 'Anthropic' },
  { match: 'generativelanguage.googleapis.com', ai: true, name: 'Google Gemini API' },
  ...(
    [
      ['europe-west1', 'BE'],
      ['europe-west2', 'GB'],
      ['europe-west3', 'DE'],
      ['europe-west4', 'NL'],
      ['europe-west6', 'CH'],
      ['europe-west8', 'IT'],
      ['europe-west9', 'FR'],
      ['europe-north1', 'FI'],
      ['europe-central2', 'PL'],
      ['europe-southwest1', 'ES'],
    ] as const
  ).map(([region, country]) => ({ match: `${region}-aiplatform.googleapis.com`, ai: true, region: country, name: `Vertex AI ${region}` })),
  { match: 'aiplatform.googleapis.com', ai: true, name: 'Vertex AI (global)' },
  { match: '*-aiplatform.googleapis.com', ai: true, name: 'Vertex AI (regional)' },
  ...(
    [
      ['eu-central-1', 'DE'],
      ['eu-central-2', 'CH'],
      ['eu-west-1', 'IE'],
      ['eu-west-2', 'GB'],
      ['eu-west-3', 'FR'],
      ['eu-north-1', 'SE'],
      ['eu-south-1', 'IT'],
      ['eu-south-2', 'ES'],
    ] as const
  ).map(([region, country]) => ({ match: `bedrock-runtime.${region}.amazonaws.com`, ai: true, region: country, name: `Amazon Bedrock ${region}` })),
  { match: 'bedrock-runtime.*.amazonaws.com', ai: true, name: 'Amazon Bedrock' },
  { match: 'api.mistral.ai', ai: true, name: 'Mistral AI' },
  { match: 'api.cohere.com', ai: true, name: 'Cohere' },
  { match: 'api.cohere.ai', ai: true, name: 'Cohere' },
  { match: 'api.groq.com', ai: true, name: 'Groq' },
  { match: 'api.deepseek.com', ai: true, name: 'DeepSeek' },
  { match: 'api.x.ai', ai: true, name: 'xAI' },
  { match: 'api.together.xyz', ai: true, name: 'Together AI' },
  { match: 'api.perplexity.ai', ai: true, name: 'Perplexity' },
  { match: 'openrouter.ai', ai: true, name: 'OpenRouter' },
  { match: 'api-inference.huggingface.co', ai: true, name: 'Hugging Face Inference API' },
]);

/** The policy of an org the file does not configure, and of every org without a file. */
export const DEFAULT_EGRESS_POLICY: EgressPolicy = Object.freeze({
  defaultAction: 'allow',
  allowedRegions: ['EU', 'EEA'],
  destinations: [...BUILTIN_AI_DESTINATIONS],
  regions: [],
}) as EgressPolicy;

/**
 * The host as policies compare it: lower-cased, IDNA (punycode) form, without port, brackets of an
 * IPv6 literal or trailing dot. `Bücher.example:443` → `xn--bcher-kva.example`.
 */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h.slice(1) : h.slice(1, end);
  }
  const colon = h.indexOf(':');
  if (colon >= 0 && h.indexOf(':', colon + 1) < 0) h = h.slice(0, colon);
  h = h.replace(/\.+$/, '');
  if (/^[\x21-\x7e]*$/.test(h)) return h;
  return domainToASCII(h) || h;
}

/**
 * Whether a host matches a glob. Globs are compared label by label, never turned into a regular
 * expression: `*` alone matches any host; `*.x.com` any subdomain of x.com (not x.com); a label
 * `*-suffix` or `prefix*` (one `*` within a label) matches that label's characters around it.
 */
export function hostMatches(glob: string, host: string): boolean {
  if (glob === '*') return true;
  if (glob.startsWith('*.')) {
    const suffix = glob.slice(1);
    return host.length > suffix.length && host.endsWith(suffix);
  }
  const g = glob.split('.');
  const h = host.split('.');
  if (g.length !== h.length) return false;
  return g.every((label, i) => labelMatches(label, h[i] as string));
}

function labelMatches(label: string, hostLabel: string): boolean {
  const star = label.indexOf('*');
  if (star < 0) return label === hostLabel;
  const before = label.slice(0, star);
  const after = label.slice(star + 1);
  return hostLabel.length > before.length + after.length && hostLabel.startsWith(before) && hostLabel.endsWith(after);
}

/** Whether personal data may go to a destination in `region` under `allowed` (unknown region: only when anywhere is allowed). */
function regionAllowed(allowed: readonly string[], region: string | undefined): boolean {
  if (allowed.length === 0) return true;
  if (!region) return false;
  const within = regionsContaining(region);
  return allowed.some((a) => within.has(a.toUpperCase()));
}

/**
 * What the policy says about a destination host. The action is the first matching rule's (or the
 * default action when that rule states none, or no rule matches); `ai`, `region` and `name` come from
 * the first matching rule that states them, so an operator's `{ "match": "api.openai.com", "action":
 * "allow" }` keeps the shipped `ai: true`. A host whose rule names no region takes it from `regions`.
 */
export function destinationOf(policy: EgressPolicy, host: string): DestinationVerdict {
  const normalized = normalizeHost(host);
  const matching = policy.destinations.filter((r) => hostMatches(r.match, normalized));
  const rule = matching[0];
  const action = rule?.action ?? policy.defaultAction;
  const ai = matching.find((r) => r.ai !== undefined)?.ai ?? false;
  const region = matching.find((r) => r.region !== undefined)?.region ?? policy.regions.find((r) => hostMatches(r.match, normalized))?.region;
  return {
    host: normalized,
    ...(rule ? { rule } : {}),
    action,
    ...(region ? { region } : {}),
    allowListed: rule?.action === 'allow' || rule?.action === 'redact',
    ai,
    regionAllowed: regionAllowed(policy.allowedRegions, region),
  };
}

/**
 * Reads `LEAKWATCH_EGRESS_FILE` once: `{ "policies": [ { "orgs"?: [orgId…], "defaultAction"?,
 * "allowedRegions"?, "destinations"?, "regions"?, "blockAtFindings"?, "builtinDestinations"? } ] }`.
 * An entry with `orgs` applies to those orgs; the one entry without (at most one) to every other org;
 * an org no entry covers gets `DEFAULT_EGRESS_POLICY`. Unset path: the default for every org. Errors
 * name the JSON path of what is wrong.
 */
export function loadEgressPolicies(path: string | undefined): (orgId: string) => EgressPolicy {
  if (!path) return () => DEFAULT_EGRESS_POLICY;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EgressConfigError(`LEAKWATCH_EGRESS_FILE ${path}: ${(error as Error).message}`);
  }
  return egressPoliciesFrom(raw);
}

/** The per-org lookup of an already parsed policy file (see `loadEgressPolicies`). */
export function egressPoliciesFrom(raw: unknown): (orgId: string) => EgressPolicy {
  const list = isObject(raw) ? raw['policies'] : undefined;
  if (!Array.isArray(list)) throw new EgressConfigError('LEAKWATCH_EGRESS_FILE: expected {"policies": [ … ]} at $');
  const byOrg = new Map<string, EgressPolicy>();
  let fallback: EgressPolicy = DEFAULT_EGRESS_POLICY;
  let fallbackAt: string | undefined;
  list.forEach((entry, i) => {
    const where = `$.policies[${i}]`;
    const policy = parsePolicy(entry, where);
    const orgs = isObject(entry) ? entry['orgs'] : undefined;
    if (orgs === undefined) {
      if (fallbackAt) throw new EgressConfigError(`LEAKWATCH_EGRESS_FILE ${where}: only one entry may omit "orgs" (${fallbackAt} does too)`);
      fallbackAt = where;
      fallback = policy;
      return;
    }
    if (!Array.isArray(orgs) || orgs.length === 0) throw new EgressConfigError(`LEAKWATCH_EGRESS_FILE ${where}.orgs must be a non-empty array of org ids`);
    orgs.forEach((org, j) => {
      if (typeof org !== 'string' || !/^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/.test(org))
        throw new EgressConfigError(`LEAKWATCH_EGRESS_FILE ${where}.orgs[${j}] must be a Salesforce Organization id (00D…)`);
      const key = orgKey(org);
      if (byOrg.has(key)) throw new EgressConfigError(`LEAKWATCH_EGRESS_FILE ${where}.orgs[${j}]: org ${key} is in an earlier entry too`);
      byOrg.set(key, policy);
    });
  });
  return (orgId) => byOrg.get(orgKey(orgId)) ?? fallback;
}

const ENTRY_KEYS = ['orgs', 'defaultAction', 'allowedRegions', 'destinations', 'regions', 'blockAtFindings', 'builtinDestinations'];
const RULE_KEYS = ['match', 'action', 'ai', 'region', 'name'];
const REGION = /^[A-Za-z][A-Za-z0-9-]{1,31}$/;

function parsePolicy(entry: unknown, where: string): EgressPolicy {
  const fail = (path: string, why: string): never => {
    throw new EgressConfigError(`LEAKWATCH_EGRESS_FILE ${path} ${why}`);
  };
  if (!isObject(entry)) return fail(where, 'must be an object');
  for (const key of Object.keys(entry)) if (!ENTRY_KEYS.includes(key)) fail(`${where}.${key}`, `is not a setting (known: ${ENTRY_KEYS.join(', ')})`);
  const defaultAction = entry['defaultAction'] ?? DEFAULT_EGRESS_POLICY.defaultAction;
  if (!ACTIONS.includes(defaultAction as EgressAction)) fail(`${where}.defaultAction`, 'must be allow, redact or block');
  const allowedRegions = entry['allowedRegions'] ?? DEFAULT_EGRESS_POLICY.allowedRegions;
  if (!Array.isArray(allowedRegions)) return fail(`${where}.allowedRegions`, 'must be an array of region names such as "EU"');
  allowedRegions.forEach((r, j) => {
    if (typeof r !== 'string' || !REGION.test(r)) fail(`${where}.allowedRegions[${j}]`, 'must be a region name such as "EU", "EEA" or "DE"');
  });
  const rules = entry['destinations'] ?? [];
  if (!Array.isArray(rules)) return fail(`${where}.destinations`, 'must be an array of {"match": …} rules');
  const destinations = rules.map((rule, j) => {
    const at = `${where}.destinations[${j}]`;
    if (!isObject(rule)) return fail(at, 'must be an object with a "match"');
    for (const key of Object.keys(rule)) if (!RULE_KEYS.includes(key)) fail(`${at}.${key}`, `is not a setting (known: ${RULE_KEYS.join(', ')})`);
    const parsed: DestinationRule = { match: hostGlob(rule['match'], `${at}.match`) };
    if (rule['action'] !== undefined) {
      if (!ACTIONS.includes(rule['action'] as EgressAction)) fail(`${at}.action`, 'must be allow, redact or block');
      parsed.action = rule['action'] as EgressAction;
    }
    if (rule['ai'] !== undefined) {
      if (typeof rule['ai'] !== 'boolean') fail(`${at}.ai`, 'must be true or false');
      parsed.ai = rule['ai'] as boolean;
    }
    if (rule['region'] !== undefined) {
      if (typeof rule['region'] !== 'string' || !REGION.test(rule['region'])) fail(`${at}.region`, 'must be a region name such as "EU" or "US"');
      parsed.region = rule['region'] as string;
    }
    if (rule['name'] !== undefined) {
      if (typeof rule['name'] !== 'string' || rule['name'].length > 200) fail(`${at}.name`, 'must be a string of at most 200 characters');
      parsed.name = rule['name'] as string;
    }
    return parsed;
  });
  const regionList = entry['regions'] ?? [];
  if (!Array.isArray(regionList)) return fail(`${where}.regions`, 'must be an array of {"match", "region"}');
  const regions = regionList.map((r, j) => {
    const at = `${where}.regions[${j}]`;
    if (!isObject(r)) return fail(at, 'must be an object {"match", "region"}');
    if (typeof r['region'] !== 'string' || !REGION.test(r['region'])) return fail(`${at}.region`, 'must be a region name such as "EU" or "US"');
    return { match: hostGlob(r['match'], `${at}.match`), region: r['region'] };
  });
  const blockAt = entry['blockAtFindings'];
  if (blockAt !== undefined && (!Number.isInteger(blockAt) || (blockAt as number) < 1)) fail(`${where}.blockAtFindings`, 'must be a positive integer');
  const builtin = entry['builtinDestinations'] ?? true;
  if (typeof builtin !== 'boolean') fail(`${where}.builtinDestinations`, 'must be true or false');
  return {
    defaultAction: defaultAction as EgressAction,
    allowedRegions: allowedRegions as string[],
    destinations: builtin ? [...destinations, ...BUILTIN_AI_DESTINATIONS] : destinations,
    regions,
    ...(blockAt !== undefined ? { blockAtFindings: blockAt as number } : {}),
  };
}

/** A host glob as policies compare it (IDNA, lower case), or a config error naming `at`. */
function hostGlob(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new EgressConfigError(`LEAKWATCH_EGRESS_FILE ${at} must be a host or host glob such as "api.example.com" or "*.example.com"`);
  if (value === '*') return value;
  const wildcardPrefix = value.startsWith('*.');
  const rest = wildcardPrefix ? value.slice(2) : value;
  const labels = normalizeHost(rest).split('.');
  const valid = labels.every((label) => /^[a-z0-9_-]*\*?[a-z0-9_-]*$/.test(label) && label !== '' && label.split('*').length <= 2);
  if (!valid || /[:/@\s]/.test(value))
    throw new EgressConfigError(
      `LEAKWATCH_EGRESS_FILE ${at} must be a host or host glob such as "api.example.com", "*.example.com" or "*" (a "*" stands for a leading run of labels or for part of one label; got ${JSON.stringify(value.slice(0, 100))})`,
    );
  return (wildcardPrefix ? '*.' : '') + labels.join('.');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
