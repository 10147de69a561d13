import type { IncidentState } from '../../src/incidents/correlate.js';
import type { Sql } from '../../src/store/store.js';

/**
 * An incident as the sidecar stores it: one integration user's read of 9,800 Contacts, detected at
 * 08:00 UTC on 2 March 2026, masked as stored. Tests override what they are about.
 */
export function incidentState(overrides: Partial<IncidentState> = {}): IncidentState {
  return {
    key: 'a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
    orgId: '00D5g000004Cx1aEAC',
    revision: 1,
    openedAt: '2026-03-02T08:00:00.000Z',
    lastVerdictAt: '2026-03-02T07:41:00.000Z',
    firstEventAt: '2026-03-02T07:41:00.000Z',
    severity: 'High',
    canary: false,
    title: 'Unusual volume of records read (Contact) by s•••@•••.example',
    actors: ['0055g00000AlIcEAAZ'],
    actorNames: ['s•••@•••.example'],
    apps: [],
    sessions: [],
    objects: ['Contact'],
    dataCategories: ['EMAIL_ADDRESS'],
    estimatedRecords: 9_800,
    estimatedSubjects: 9_800,
    verdictCount: 1,
    verdicts: [],
    ...overrides,
  };
}

/** Stores an incident as the correlation does (its row; members are the caller's business). */
export async function insertIncident(sql: Sql, state: IncidentState): Promise<void> {
  await sql.query(
    `INSERT INTO incident (org_id, incident_key, revision, opened_at, last_verdict_at, state)
     VALUES ($1, $2::uuid, $3, $4::timestamptz, $5::timestamptz, $6::jsonb)`,
    [state.orgId, state.key, state.revision, state.openedAt, state.lastVerdictAt, JSON.stringify(state)],
  );
}
