import { actorName, type RuleContext } from './context.js';

/**
 * Deleting or updating many PII-bearing records in one session or hour. Once
 * baselines are warm, a volume the actor routinely reaches (a nightly sync) is
 * not a mass change; before that, the fixed thresholds alone decide.
 */
export const massChangeRule = (ctx: RuleContext): void => {
  const { event, time, config, volume: v } = ctx;
  if (!v || (event.operation !== 'delete' && event.operation !== 'update')) return;
  const carriesPii = (event.object !== undefined && ctx.piiObjects.has(event.object)) || ctx.input.findings.length > 0;
  if (!carriesPii) return;
  const isDelete = event.operation === 'delete';
  const limit = isDelete ? config.massDeleteThreshold : config.massUpdateThreshold;
  const total = Math.max(v.session ?? 0, v.hour);
  if (total < limit) return;
  const daily = ctx.baselines.dayOfWeek(v.series, time.day);
  if (daily && total <= ctx.baselines.threshold(daily)) return;
  const window = v.session !== undefined && v.session >= v.hour ? `s:${v.sessionKey}` : `h:${time.hour}`;
  if (!ctx.ledger.shouldAlert(`mass|${v.series}|${time.day}|${window}`, time.day, total)) return;
  ctx.reasons.push({
    code: isDelete ? 'mass_delete_pii' : 'mass_update_pii',
    weight: isDelete ? config.weights.mass_delete_pii : config.weights.mass_update_pii,
    message: `${actorName(event)} ${isDelete ? 'deleted' : 'updated'} ${Math.round(total)} ${event.object ?? ''} records holding personal data in one ${window.startsWith('s:') ? 'session' : 'hour'}.`,
  });
};
