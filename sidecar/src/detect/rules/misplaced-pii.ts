import type { EntityType } from '../../contract/entities.js';
import { actorName, type RuleContext } from './context.js';

/** Card numbers, secrets, health data or national ids in free-text fields, where no process expects them. */
export const misplacedPiiRule = (ctx: RuleContext): void => {
  const { event, config, input } = ctx;
  if (input.findings.length === 0) return;
  const byType = new Map<EntityType, { fields: Set<string>; records: Set<string> }>();
  for (const finding of input.findings) {
    const fieldType = finding.fieldType?.toUpperCase();
    const freeText =
      (fieldType !== undefined && config.freeTextFieldTypes.includes(fieldType)) ||
      config.freeTextFieldNames.includes(finding.field);
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
  for (const [type, hit] of byType) {
    ctx.reasons.push({
      code: 'pii_in_free_text',
      weight: config.misplacedEntityWeights[type] ?? 0,
      message: `${type} found in ${[...hit.fields].join(', ')} (${hit.records.size} record${hit.records.size > 1 ? 's' : ''}), a free-text field that should not hold it; written by ${actorName(event)}.`,
    });
  }
};
