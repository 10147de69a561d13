import type { Reason } from '../contract/verdict.js';
import type { ReasonWeights } from './config.js';
import type { AnyRule, OutputName, RuleFacts, RuleOutputs } from './rules/rule.js';

/** One event's run through a rule set: its facts, all weights, and the outputs produced so far. */
export type RuleRun = RuleFacts & { readonly weights: ReasonWeights } & RuleOutputs;

/**
 * Runs ordered rules over one event and returns their reasons in the order found. Each rule's
 * declared outputs are stored on the run for the rules after it; rules themselves only return.
 */
export function runRules(rules: readonly AnyRule[], run: RuleRun): Reason[] {
  const outputs: Record<OutputName, unknown> = run;
  const reasons: Reason[] = [];
  for (const rule of rules) {
    if ('derive' in rule) {
      outputs[rule.produces[0]] = rule.derive(run);
      continue;
    }
    const result = rule.run(run);
    if (!result) continue;
    if (result.reasons) for (const reason of result.reasons) reasons.push(reason);
    for (const output of rule.produces) {
      const value = (result as Partial<RuleOutputs>)[output];
      if (value !== undefined) outputs[output] = value;
    }
  }
  return reasons;
}
