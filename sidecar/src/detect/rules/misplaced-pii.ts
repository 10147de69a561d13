import type { EntityType } from '../../contract/entities.js';
import { actorName } from './details.js';
import { defineRule, type RuleReason } from './rule.js';

/** Card numbers, secrets, health data or national ids in free-text fields, where no process expects them. */
export const misplacedPiiRule = defineRule({
  name: 'misplaced-pii',
  // Weighted by entity type (`config.misplacedEntityWeights`).
  reasons: { pii_in_free_text: {} },
  weights: [],
  needs: [],
  produces: [],
  run({ event, config, input }) {
    if (input.findings.length === 0) return undefined;
    const byType = new Map<EntityType, { fields: Set<string>; records: Set<string> }>();
    for (const finding of input.findings) {
      const fieldType = finding.fieldType?.toUpperCase();
      const freeText = (fieldType !== undefined && config.freeTextFieldTypes.includes(fieldType)) || config.freeTextFieldNames.includes(finding.field);
      if (!freeText) continue;
      const placement = `${event.object ?? ''}.${finding.field}`;
      const allowed = config.allowedPlacements[placement];
      for (const entity of finding.entities) {
        if (entity.score < config.minEntityScore || config.misplacedEntityWeights[entity.type] === undefined) continue;
        if (allowed?.includes(entity.type)) continue;
        let hit = byType.get(entity.type);
        if (!hit) {
          hit = { fields: new Set(), records: new Set() };
          byType.set(entity.type, hit);
        }
        hit.fields.add(placement);
        hit.records.add(finding.recordId ?? '-');
      }
    }
    if (byType.size === 0) return undefined;
    const reasons: RuleReason<'pii_in_free_text'>[] = [];
    for (const [type, hit] of byType) {
      reasons.push({
        code: 'pii_in_free_text',
        weight: config.misplacedEntityWeights[type] ?? 0,
        message: `${type} found in ${[...hit.fields].join(', ')} (${hit.records.size} record${hit.records.size > 1 ? 's' : ''}), a free-text field that should not hold it; written by ${actorName(event)}.`,
      });
    }
    return { reasons };
  },
});
