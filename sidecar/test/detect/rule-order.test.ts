import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_CONFIG } from '../../src/detect/config.js';
import { orderRules } from '../../src/detect/rule-order.js';
import { codesWith, DRILL_RULES, EGRESS_RULES, EVENT_RULES, REASON_RULES } from '../../src/detect/rule-sets.js';
import { defineRule, defineStep, type AnyRule, type OutputName } from '../../src/detect/rules/rule.js';

/** A rule that raises nothing, declaring only what it needs and produces. */
function rule(name: string, needs: OutputName[], produces: OutputName[] = []): AnyRule {
  return defineRule({ name, reasons: {}, weights: [], needs, produces, run: () => undefined });
}

const RULE_SETS = { event: EVENT_RULES, drill: DRILL_RULES, egress: EGRESS_RULES };

describe('rule order', () => {
  it.each(Object.entries(RULE_SETS))('places every producer before the rules that need its output (%s rules)', (_, rules) => {
    for (const [position, consumer] of rules.entries())
      for (const need of consumer.needs) {
        const producer = rules.findIndex((r) => r.produces.includes(need));
        expect(producer, `${consumer.name} needs ${need}`).toBeGreaterThanOrEqual(0);
        expect(producer, `${need} is produced before ${consumer.name} runs`).toBeLessThan(position);
      }
  });

  it('throws when a rule reads an output no rule produces', () => {
    expect(() => orderRules([rule('mass-change', ['volume'])])).toThrow('rule mass-change needs volume, which no rule produces');
  });

  it('throws when rules need each other in a cycle, naming the cycle', () => {
    const rules = [rule('a', ['zScore'], ['volume']), rule('b', ['volume'], ['zScore'])];
    expect(() => orderRules(rules)).toThrow("rules need each other's outputs in a cycle: a → b → a");
  });

  it('throws when two rules produce the same output', () => {
    expect(() => orderRules([rule('a', [], ['volume']), rule('b', [], ['volume'])])).toThrow('rules a and b both produce volume');
  });

  it('moves a producer listed after its consumer up to just before it, and keeps the listed order otherwise', () => {
    const producer = defineStep({ name: 'producer', needs: [], produces: ['volume'], derive: () => undefined });
    const rules = [rule('first', []), rule('consumer', ['volume']), rule('last', []), producer];
    expect(orderRules(rules).map((r) => r.name)).toEqual(['first', 'producer', 'consumer', 'last']);
  });
});

describe('rule metadata', () => {
  it('derives the permission reasons from the rule that emits them', () => {
    expect([...codesWith('permission')].sort()).toEqual(['critical_permission', 'pii_object_modify_all', 'pii_object_view_all', 'self_assigned_permission']);
  });

  it('refuses a code two rules declare differently', () => {
    const a = defineRule({
      name: 'a',
      reasons: { shared: { permission: true } },
      weights: [],
      needs: [],
      produces: [],
      run: () => undefined,
    });
    const b = defineRule({
      name: 'b',
      reasons: { shared: {} },
      weights: [],
      needs: [],
      produces: [],
      run: () => undefined,
    });
    expect(() => codesWith('permission', [a, b])).toThrow('rules disagree on whether shared is a permission reason');
  });

  it('claims every configured weight by a rule that reads it, and no weight that is not configured', () => {
    const declared = new Set(REASON_RULES.flatMap((r) => r.weights));
    expect([...declared].sort()).toEqual(Object.keys(DEFAULT_DETECTION_CONFIG.weights).sort());
  });

  it('names every rule once', () => {
    const names = [...new Set([...EVENT_RULES, ...DRILL_RULES, ...EGRESS_RULES])].map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
