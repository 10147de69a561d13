import { actorName, type RuleContext } from './context.js';

/** Records the actor's activity, then flags an hour of day the actor (almost) never works in. */
export const unusualHourRule = (ctx: RuleContext): void => {
  const { event, time, config, state } = ctx;
  const actorId = event.actor.userId;
  state.add('activity', actorId, time.day, time.hour, 1);
  const hours = ctx.baselines.activityHours(actorId, time.day);
  if (!hours) return;
  const h = hours.histogram;
  const near = (h[(time.hour + 23) % 24] ?? 0) + (h[time.hour] ?? 0) + (h[(time.hour + 1) % 24] ?? 0);
  if (near / hours.total >= config.unusualHourShare) return;
  if (!ctx.ledger.once(`hour|${actorId}|${time.day}|${time.hour}`, time.day)) return;
  ctx.reasons.push({
    code: 'unusual_hour',
    weight: config.weights.unusual_hour,
    message: `${actorName(event)} was active at ${String(time.hour).padStart(2, '0')}:00 UTC, an hour they have almost never worked in the last ${config.baselineDays} days.`,
  });
};
