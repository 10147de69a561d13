import type { DetectionConfig } from '../../detect/config.js';
import { ASSIGN_ACTIONS } from '../audit-trail/parse.js';
import type { CollectorSource } from '../source.js';
import { loginHistorySource } from './login-history.js';
import { oauthTokenSource } from './oauth-tokens.js';
import { permissionAssignmentSource } from './permission-assignments.js';
import { eventLogFileSource } from './event-log-files.js';
import { setupAuditTrailSource } from './setup-audit-trail.js';

export { eventLogFileSource, loginHistorySource, oauthTokenSource, permissionAssignmentSource, setupAuditTrailSource };

/** SetupAuditTrail `Action` values that log a permission set or group assigned to a user (the parser's list). */
export { ASSIGN_ACTIONS };

/** Every source the sidecar can collect, in the order a run reads them. */
export const SOURCE_NAMES = ['SetupAuditTrail', 'PermissionSetAssignment', 'LoginHistory', 'OauthToken', 'EventLogFile'] as const;

interface SourceSettings {
  /** The detector's configuration: which permissions are critical. */
  detection: Pick<DetectionConfig, 'criticalPermissions'>;
  /** Only these sources (all when absent). */
  names?: readonly string[];
}

/** The collectors' sources, built from the detector's configuration. */
export function buildSources(settings: SourceSettings): CollectorSource[] {
  const all: CollectorSource[] = [
    setupAuditTrailSource() as CollectorSource,
    permissionAssignmentSource({ permissions: settings.detection.criticalPermissions, assignActions: ASSIGN_ACTIONS }) as CollectorSource,
    loginHistorySource() as CollectorSource,
    oauthTokenSource() as CollectorSource,
    eventLogFileSource() as CollectorSource,
  ];
  if (!settings.names) return all;
  const unknown = settings.names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) throw new TypeError(`unknown collector source ${unknown.join(', ')}; known: ${all.map((s) => s.name).join(', ')}`);
  return all.filter((s) => settings.names?.includes(s.name));
}
