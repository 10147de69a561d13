import type { OrgClient } from '../writeback/index.js';

const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Info'] as const;

interface TopVerdict {
  name: string;
  severity: string;
  riskScore: number;
  summary: string;
}

export interface DemoSummary {
  verdicts: number;
  bySeverity: Record<string, number>;
  piiFindings: number;
  permissionReviews: number;
  top: TopVerdict[];
}

/** Reads back what the sidecar wrote into the org, through the same REST API the dashboards use. */
export const summarise = async (org: OrgClient): Promise<DemoSummary> => {
  const groups = await org.query<{ Severity__c: string; n: number }>('SELECT Severity__c, COUNT(Id) n FROM LeakVerdict__c GROUP BY Severity__c');
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, groups.find((group) => group.Severity__c === severity)?.n ?? 0]));
  const [findings] = await org.query<{ n: number }>('SELECT COUNT(Id) n FROM PiiFinding__c');
  const [reviews] = await org.query<{ n: number }>('SELECT COUNT(Id) n FROM PermissionReview__c');
  const top = await org.query<{ Name: string; Severity__c: string; RiskScore__c: number; ReasonSummary__c: string | null }>(
    'SELECT Name, Severity__c, RiskScore__c, ReasonSummary__c FROM LeakVerdict__c ORDER BY RiskScore__c DESC, Name LIMIT 8',
  );
  return {
    verdicts: Object.values(bySeverity).reduce((sum, count) => sum + count, 0),
    bySeverity,
    piiFindings: findings?.n ?? 0,
    permissionReviews: reviews?.n ?? 0,
    top: top.map((row) => ({ name: row.Name, severity: row.Severity__c, riskScore: row.RiskScore__c, summary: row.ReasonSummary__c ?? '' })),
  };
};
