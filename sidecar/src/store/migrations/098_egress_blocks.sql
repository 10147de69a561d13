-- Destinations containment blocks for an org's egress (ContainmentAction__c BlockEgressDestination):
-- while a row is here, the egress guard blocks every request to the host, whatever the policy file
-- says. Removed by an undo or at the action's expiry. Hosts only: no body, no value.
CREATE TABLE egress_block (
  org_id text NOT NULL,
  host text NOT NULL,
  action_key text NOT NULL,
  blocked_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at timestamptz,
  PRIMARY KEY (org_id, host, action_key)
);
