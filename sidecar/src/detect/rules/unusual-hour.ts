import { actorName, outsideUsualHours } from './details.js';
import { defineRule } from './rule.js';

/** Flags an hour of day the actor (almost) never works in, this event's activity included. */
export const unusualHourRule = defineRule({
  name: 'unusual-hour',
  reasons: { unusual_hour: {} },
  weights: ['unusual_hour'],
  // Not read as a value: the activity histogram must already count this event.
  needs: ['actorFirstDay'],
  produces: [],
  run({ event, time, config, baselines, ledger, weights }) {
    const actorId = event.actor.userId;
    const hours = baselines.activityHours(actorId, time.day);
    if (!hours) return undefined;
    if (!outsideUsualHours(hours, time.hour, config.unusualHourShare)) return undefined;
    if (!ledger.once(`hour|${actorId}|${time.day}|${time.hour}`, time.day)) return undefined;
    return {
      reasons: [
        {
          code: 'unusual_hour',
          weight: weights.unusual_hour,
          message: `${actorName(event)} was active at ${String(time.hour).padStart(2, '0')}:00 UTC, an hour they have almost never worked in the last ${config.baselineDays} days.`,
        },
      ],
    };
  },
});
