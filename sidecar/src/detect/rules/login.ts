import type { LeakEvent } from '../../contract/event.js';
import { actorName, detailString } from './details.js';
import { defineRule } from './rule.js';

/** Whether a login event says it failed: LoginHistory's Status, or an event log line's LOGIN_STATUS. */
function loginOutcome(event: LeakEvent): 'success' | 'failure' | undefined {
  const status = detailString(event, 'status');
  if (status !== undefined) return status === 'Success' ? 'success' : 'failure';
  const logStatus = detailString(event, 'loginStatus');
  if (logStatus !== undefined) return logStatus === 'LOGIN_NO_ERROR' ? 'success' : 'failure';
  return undefined;
}

/**
 * Logins: a burst of failed logins against one user within an hour (password guessing, a stolen
 * username), and a user signing in from a country never seen for them once their logins have been
 * watched for the warm-up. Counts and first days live in the `activity` metric under
 * `login-failed|<user>`, `login|<user>` and `login-country|<user>|<ISO code>`, so they are kept and
 * merged like every other series.
 */
export const loginRule = defineRule({
  name: 'login',
  reasons: { failed_login_burst: {}, new_login_country: {} },
  weights: ['failed_login_burst', 'new_login_country'],
  needs: [],
  produces: [],
  run({ event, time, config, state, ledger, weights }) {
    if (event.kind !== 'login') return undefined;
    const user = event.actor.userId;
    const outcome = loginOutcome(event);
    if (outcome === 'failure') {
      const series = `login-failed|${user}`;
      state.add('activity', series, time.day, time.hour, 1);
      const failed = state.hourTotal('activity', series, time.day, time.hour);
      if (failed < config.failedLoginBurst) return undefined;
      if (!ledger.once(`loginfail|${user}|${time.day}|${time.hour}`, time.day)) return undefined;
      return {
        reasons: [
          {
            code: 'failed_login_burst',
            weight: weights.failed_login_burst,
            message: `${failed} failed logins for ${actorName(event)} within the hour from ${String(time.hour).padStart(2, '0')}:00 UTC.`,
          },
        ],
      };
    }
    const country = detailString(event, 'country');
    if (outcome !== 'success' || country === undefined || !/^[A-Z]{2}$/.test(country)) return undefined;
    const since = state.firstDay('activity', `login|${user}`);
    state.add('activity', `login|${user}`, time.day, time.hour, 1);
    const countrySeries = `login-country|${user}|${country}`;
    const known = state.firstDay('activity', countrySeries) !== undefined;
    state.add('activity', countrySeries, time.day, time.hour, 1);
    if (known || since === undefined || time.day - since < config.warmupDays) return undefined;
    if (!ledger.once(`logincountry|${user}|${country}`, time.day)) return undefined;
    return {
      reasons: [
        {
          code: 'new_login_country',
          weight: weights.new_login_country,
          message: `${actorName(event)} logged in from ${country}, a country none of their logins in ${time.day - since} days came from.`,
        },
      ],
    };
  },
});
