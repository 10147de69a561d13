/**
 * The event envelope the package POSTs to /v1/events (schema version 1).
 * `sidecar/schemas/event-envelope.schema.json` is the source of truth; these
 * types mirror it for the TypeScript side.
 */
/**
 * The actor of events the sidecar raises itself (a real-time coverage gap): the all-zero user id,
 * which names no user of any org. Never looked up, never a reason to group verdicts.
 */
export const SIDECAR_ACTOR_ID = '005000000000000AAA';

/** `egress` is raised by the sidecar's egress inspection only (`src/egress/`); `/v1/events` refuses it. */
export type EventKind = 'dml' | 'permission' | 'sharing' | 'setup' | 'oauth' | 'login' | 'export' | 'egress';

export type Operation = 'insert' | 'update' | 'delete' | 'undelete' | 'export' | 'query' | 'assign' | 'grant' | 'revoke' | 'change' | 'login' | 'authorize';

export interface Actor {
  userId: string;
  username?: string;
  profile?: string;
  isIntegration?: boolean;
  connectedAppId?: string;
  /** A session or Bulk API job key used to add up slices. */
  sessionId?: string;
}

export interface EventField {
  name: string;
  /** Salesforce field type: STRING, TEXTAREA, EMAIL, PHONE, DATE, ... */
  type?: string;
  label?: string;
  recordId?: string;
  value?: string | null;
}

export interface LeakEvent {
  id: string;
  kind: EventKind;
  occurredAt: string;
  actor: Actor;
  object?: string;
  operation?: Operation;
  recordCount?: number;
  recordIds?: string[];
  fields?: EventField[];
  details?: Record<string, unknown>;
}

export interface EventEnvelope {
  schemaVersion: 1;
  orgId: string;
  batchId: string;
  sentAt?: string;
  events: LeakEvent[];
}
