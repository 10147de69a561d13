import type { EntityType, FieldFinding } from './entities.js';
import type { LeakEvent } from './event.js';

export type Severity = 'Critical' | 'High' | 'Medium' | 'Low' | 'Info';

/** One contributing reason of a verdict; weights add up to the risk score (capped at 100). */
export interface Reason {
  /** Stable machine code, e.g. `mass_delete_pii`, `volume_anomaly`, `canary_touched`. */
  code: string;
  weight: number;
  /** A sentence a human can follow. Never contains raw personal data. */
  message: string;
}

export interface ClassifiedEvent {
  orgId: string;
  event: LeakEvent;
  findings: FieldFinding[];
}

export interface PermissionReviewRequest {
  assignmentId?: string;
  permissionSetId?: string;
  permissionSetName?: string;
  assigneeId?: string;
  assigneeUsername?: string;
  assignedById?: string;
  criticalPermissions: string[];
  riskReasons: Reason[];
  riskScore: number;
}

/** The detector's output for one event. An event that did not score produces no verdict. */
export interface Verdict {
  eventId: string;
  orgId: string;
  severity: Severity;
  riskScore: number;
  reasons: Reason[];
  piiTypes: EntityType[];
  zScore: number | null;
  /** Present for permission events that need a reviewer's decision. */
  permissionReview?: PermissionReviewRequest;
}

/** The detection engine as the service sees it (implemented in `src/detect/`). */
export interface Detector {
  /** Scores one classified event; returns null when nothing about it is suspicious. */
  score(input: ClassifiedEvent): Promise<Verdict | null>;
}
