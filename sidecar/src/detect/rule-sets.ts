import { orderRules } from './rule-order.js';
import { actorActivityStep } from './rules/actor-activity.js';
import { canaryRule } from './rules/canary.js';
import { dataFlowRule } from './rules/data-flow.js';
import { egressRule } from './rules/egress.js';
import { integrationInteractiveRule } from './rules/integration-interactive.js';
import { loginRule } from './rules/login.js';
import { massChangeRule } from './rules/mass-change.js';
import { misplacedPiiRule } from './rules/misplaced-pii.js';
import { oauthRule } from './rules/oauth.js';
import { permissionRule } from './rules/permission.js';
import { readSideRule } from './rules/read-side.js';
import type { AnyRule, ReasonTraits, Rule } from './rules/rule.js';
import { sharingRule } from './rules/sharing.js';
import { unusualHourRule } from './rules/unusual-hour.js';
import { accumulateVolume, volumeAnomalyRule } from './rules/volume.js';

/**
 * The rules an org's events run, ordered by what they need ({@link orderRules}). The listed order
 * only settles how reasons of equal weight read; dependencies come from each rule's `needs`.
 */
export const EVENT_RULES: readonly AnyRule[] = orderRules<AnyRule>([
  actorActivityStep,
  unusualHourRule,
  accumulateVolume,
  volumeAnomalyRule,
  massChangeRule,
  misplacedPiiRule,
  canaryRule,
  integrationInteractiveRule,
  loginRule,
  permissionRule,
  sharingRule,
  oauthRule,
  readSideRule,
]);

/** A drill's synthetic events raise their canary verdict only: no rule that learns (volumes, hours, apps, tokens) sees them. */
export const DRILL_RULES: readonly AnyRule[] = orderRules<AnyRule>([canaryRule]);

/**
 * Egress events (raised by the sidecar only: an inspection that blocked or redacted, a data flow seen in
 * traces) raise their own verdicts and teach no baseline.
 */
export const EGRESS_RULES: readonly AnyRule[] = orderRules<AnyRule>([egressRule, dataFlowRule]);

/** Every rule that raises reasons, in any set. */
export const REASON_RULES: readonly Rule[] = [...new Set([...EVENT_RULES, ...DRILL_RULES, ...EGRESS_RULES])].filter((rule): rule is Rule => 'reasons' in rule);

/**
 * The codes whose rules declare the trait. A code two rules emit (`canary_value_seen`) must be
 * declared alike by both: this throws otherwise.
 */
export function codesWith(trait: keyof ReasonTraits, rules: readonly Rule[] = REASON_RULES): ReadonlySet<string> {
  const traits = new Map<string, boolean>();
  for (const rule of rules)
    for (const [code, declared] of Object.entries<ReasonTraits>(rule.reasons)) {
      const has = declared[trait] === true;
      if (traits.has(code) && traits.get(code) !== has) throw new Error(`rules disagree on whether ${code} is a ${trait} reason`);
      traits.set(code, has);
    }
  return new Set([...traits].filter(([, has]) => has).map(([code]) => code));
}

/** The permission reasons: the codes a permission review's risk is made of. */
export const PERMISSION_CODES = codesWith('permission');
