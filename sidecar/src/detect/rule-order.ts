import type { AnyRule, OutputName } from './rules/rule.js';

/**
 * The rules in an order where every output is produced before any rule that needs it. Otherwise
 * the given order is kept (a producer listed later moves up to just before its first consumer):
 * reasons of equal weight keep the order they were found in, so the listed order still decides
 * how such ties read in a verdict.
 *
 * Throws when a rule needs an output no rule of the set produces, when two rules produce the same
 * output, or when rules need each other's outputs in a cycle.
 */
export function orderRules<R extends AnyRule>(rules: readonly R[]): R[] {
  const producers = new Map<OutputName, R>();
  for (const rule of rules)
    for (const output of rule.produces) {
      const other = producers.get(output);
      if (other) throw new Error(`rules ${other.name} and ${rule.name} both produce ${output}`);
      producers.set(output, rule);
    }
  for (const rule of rules) for (const need of rule.needs) if (!producers.has(need)) throw new Error(`rule ${rule.name} needs ${need}, which no rule produces`);

  const ordered: R[] = [];
  const placed = new Set<R>();
  const visiting: R[] = [];
  const place = (rule: R): void => {
    if (placed.has(rule)) return;
    if (visiting.includes(rule)) throw new Error(`rules need each other's outputs in a cycle: ${[...visiting, rule].map((r) => r.name).join(' → ')}`);
    visiting.push(rule);
    for (const need of rule.needs) place(producers.get(need)!);
    visiting.pop();
    placed.add(rule);
    ordered.push(rule);
  };
  for (const rule of rules) place(rule);
  return ordered;
}
