import { defineStep } from './rule.js';

/**
 * Records the event in its actor's activity (every event counts, whatever its kind) and hands on
 * the first day of that activity: the working hours of `unusual_hour` and the warm-up of the rules
 * that judge an actor only once they have been watched for a while are read from it.
 */
export const actorActivityStep = defineStep({
  name: 'actor-activity',
  needs: [],
  produces: ['actorFirstDay'],
  derive({ event, time, state }) {
    const actorId = event.actor.userId;
    state.add('activity', actorId, time.day, time.hour, 1);
    return state.firstDay('activity', actorId);
  },
});
