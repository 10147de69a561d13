import { EGRESS_DETAIL, type EgressDetail } from '../../egress/egress-event.js';
import { defineRule, type RuleReason } from './rule.js';

/** What each inspection reason code reads as in a verdict's message. */
const REASON_TEXT: Record<string, string> = {
  destination_blocked: 'destination blocked by policy',
  canary_value: 'canary value',
  secret: 'credential',
  pii_to_ai_outside_region: 'personal data to an AI service outside the allowed regions',
  pii_redacted_by_rule: 'personal data the destination rule redacts',
  pii_over_block_threshold: 'too much personal data to redact',
  pii_not_redactable: 'personal data in a body that cannot be rewritten',
};

/**
 * An outbound request the egress inspection blocked or redacted (`kind: egress`, raised by the
 * sidecar only): `egress_blocked` or `egress_redacted`, plus `canary_value_seen` when a canary value
 * was in it. The message names the destination, the reasons and the types found, never a value.
 */
export const egressRule = defineRule({
  name: 'egress',
  reasons: { egress_blocked: {}, egress_redacted: {}, canary_value_seen: {} },
  weights: ['egress_blocked', 'egress_redacted', 'canary_value_seen'],
  needs: [],
  produces: [],
  run({ event, weights }) {
    if (event.kind !== 'egress') return undefined;
    const detail = event.details?.[EGRESS_DETAIL] as Partial<EgressDetail> | undefined;
    if (!detail || (detail.decision !== 'block' && detail.decision !== 'redact')) return undefined;
    const codes = Array.isArray(detail.reasonCodes) ? detail.reasonCodes.map(String) : [];
    const why = codes.map((c) => REASON_TEXT[c] ?? c).join('; ');
    const types =
      Array.isArray(detail.piiTypes) && detail.piiTypes.length > 0 ? ` Found: ${detail.piiTypes.join(', ')} (${Number(detail.findings ?? 0)}).` : '';
    const from = detail.service ? ` from ${detail.service}` : '';
    const named = detail.destination && detail.destination !== 'unlisted' ? `${detail.destination}` : 'an unlisted host';
    const to =
      `${String(detail.method ?? '')} ${named}${detail.host && !/^•+$/.test(detail.host) ? ` [${detail.host}]` : ''}${detail.region ? ` (${detail.region})` : ''}`.trim();
    const blocked = detail.decision === 'block';
    const reasons: RuleReason<'egress_blocked' | 'egress_redacted' | 'canary_value_seen'>[] = [
      {
        code: blocked ? 'egress_blocked' : 'egress_redacted',
        weight: blocked ? weights.egress_blocked : weights.egress_redacted,
        message: `Outbound request${from} to ${to} ${blocked ? 'blocked' : detail.unredacted ? 'flagged for redaction but let through as sent (ext_authz cannot rewrite bodies)' : 'redacted'}: ${why || 'policy'}.${types}`,
      },
    ];
    if (codes.includes('canary_value')) {
      reasons.push({
        code: 'canary_value_seen',
        weight: weights.canary_value_seen,
        message: `A canary marker value was in an outbound request${from} to ${to}.`,
      });
    }
    return { reasons };
  },
});
