import { detailString, detailStrings, type RuleContext } from './context.js';

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
export const dataFlowRule = (ctx: RuleContext): void => {
  const { event, config } = ctx;
  if (detailString(event, 'source') !== DATA_FLOW_SOURCE || detailString(event, 'change') !== DATA_FLOW_CHANGE) return;
  const details = event.details ?? {};
  const source = detailString(event, 'sourceService') ?? 'a service';
  const destination = detailString(event, 'destinationHost') ?? 'a host';
  const region = detailString(event, 'region');
  if (details['firstSeen'] === true && details['allowListed'] === false) {
    ctx.reasons.push({
      code: 'new_data_flow',
      weight: config.weights.new_data_flow,
      message: `${source} sent data to ${destination} for the first time; the egress policy does not allow-list that destination.`,
    });
  }
  const personal = detailStrings(event, 'objects').filter((o) => ctx.piiObjects.has(o));
  if (details['ai'] === true && details['regionAllowed'] === false && personal.length > 0) {
    ctx.reasons.push({
      code: 'pii_to_ai_outside_region',
      weight: config.weights.pii_to_ai_outside_region,
      message: `${source} sent ${personal.join(', ')} data to the AI service ${destination} ${region ? `in ${region}` : 'in an unknown region'}, outside the regions the egress policy allows.`,
    });
  }
};
