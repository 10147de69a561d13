import { actorName } from './details.js';
import { defineRule } from './rule.js';

/**
 * Deleting or updating many PII-bearing records in one session or hour. Once
 * baselines are warm, a volume the actor routinely reaches (a nightly sync) is
 * not a mass change; before that, the fixed thresholds alone decide.
 */
export const massChangeRule = defineRule({
  name: 'mass-change',
  reasons: { mass_delete_pii: {}, mass_update_pii: {} },
  weights: ['mass_delete_pii', 'mass_update_pii'],
  needs: ['volume'],
  produces: [],
  run({ event, time, config, volume: v, piiObjects, input, baselines, ledger, weights }) {
    if (!v || (event.operation !== 'delete' && event.operation !== 'update')) return undefined;
    const carriesPii = (event.object !== undefined && piiObjects.has(event.object)) || input.findings.length > 0;
    if (!carriesPii) return undefined;
    const isDelete = event.operation === 'delete';
    const limit = isDelete ? config.massDeleteThreshold : config.massUpdateThreshold;
    const total = Math.max(v.session ?? 0, v.hour);
    if (total < limit) return undefined;
    const daily = baselines.dayOfWeek(v.series, time.day);
    if (daily && total <= baselines.threshold(daily)) return undefined;
    const window = v.session !== undefined && v.session >= v.hour ? `s:${v.sessionKey}` : `h:${time.hour}`;
    if (!ledger.shouldAlert(`mass|${v.series}|${time.day}|${window}`, time.day, total)) return undefined;
    return {
      reasons: [
        {
          code: isDelete ? 'mass_delete_pii' : 'mass_update_pii',
          weight: isDelete ? weights.mass_delete_pii : weights.mass_update_pii,
          message: `${actorName(event)} ${isDelete ? 'deleted' : 'updated'} ${Math.round(total)} ${event.object ?? ''} records holding personal data in one ${window.startsWith('s:') ? 'session' : 'hour'}.`,
        },
      ],
    };
  },
});
