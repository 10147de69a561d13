import { detailString, detailStrings } from './details.js';
import { defineRule, withReason, type RuleReason } from './rule.js';

/** `details.source` of the events the OTLP receiver raises for a data flow (`sidecar/src/otlp/`). */
export const DATA_FLOW_SOURCE = 'OTLP';
/** `details.change` of those events. */
export const DATA_FLOW_CHANGE = 'data_flow';

/**
 * Data flows seen in the org's traces (`POST /v1/traces`). The receiver raises one event per flow
 * (source service → destination host) when it may deserve a verdict, with the facts as details;
 * this rule decides from those facts:
 * - a flow seen for the first time (`firstSeen`) to a destination the egress policy does not
 *   allow-list;
 * - personal-data objects (the configured PII objects) flowing to an AI service (`ai`) in a region
 *   the policy does not allow (`regionAllowed: false`).
 * Events of other sources never carry these facts together and are left alone.
 */
export const dataFlowRule = defineRule({
  name: 'data-flow',
  reasons: { new_data_flow: {}, pii_to_ai_outside_region: {} },
  weights: ['new_data_flow', 'pii_to_ai_outside_region'],
  needs: [],
  produces: [],
  run({ event, piiObjects, weights }) {
    if (detailString(event, 'source') !== DATA_FLOW_SOURCE || detailString(event, 'change') !== DATA_FLOW_CHANGE) return undefined;
    let reasons: RuleReason<'new_data_flow' | 'pii_to_ai_outside_region'>[] | undefined;
    const details = event.details ?? {};
    const source = detailString(event, 'sourceService') ?? 'a service';
    const destination = detailString(event, 'destinationHost') ?? 'a host';
    const region = detailString(event, 'region');
    if (details['firstSeen'] === true && details['allowListed'] === false) {
      reasons = withReason(reasons, {
        code: 'new_data_flow',
        weight: weights.new_data_flow,
        message: `${source} sent data to ${destination} for the first time; the egress policy does not allow-list that destination.`,
      });
    }
    const personal = detailStrings(event, 'objects').filter((o) => piiObjects.has(o));
    if (details['ai'] === true && details['regionAllowed'] === false && personal.length > 0) {
      reasons = withReason(reasons, {
        code: 'pii_to_ai_outside_region',
        weight: weights.pii_to_ai_outside_region,
        message: `${source} sent ${personal.join(', ')} data to the AI service ${destination} ${region ? `in ${region}` : 'in an unknown region'}, outside the regions the egress policy allows.`,
      });
    }
    return reasons && { reasons };
  },
});
