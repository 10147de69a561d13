import type { IncidentState, Milestone } from './correlate.js';
import type { ClockName } from './clocks-status.js';

/** When the controller became aware of an incident, and on what grounds. */
interface Awareness {
  at: string;
  basis: 'detection' | 'confirmation';
}

/**
 * The awareness the regulatory clocks count from: a DPO's confirmation read back from the org
 * where one replaced detection, the sidecar's detection otherwise. Undefined while an incident
 * opened under `LEAKWATCH_AWARENESS=confirmation` waits for the DPO: its clocks have not started.
 */
export function awarenessOf(state: Pick<IncidentState, 'openedAt' | 'awarenessAt' | 'awarenessBasis'>): Awareness | undefined {
  if (state.awarenessAt) return { at: state.awarenessAt, basis: state.awarenessBasis ?? 'detection' };
  if (state.awarenessBasis === 'confirmation') return undefined;
  return { at: state.openedAt, basis: 'detection' };
}

/** The milestone that meets each clock: the report it asks for, recorded in the incident console. */
export const CLOCK_MILESTONES: Record<ClockName, Milestone> = {
  gdpr72h: 'notifyAuthority',
  nis2EarlyWarning24h: 'earlyWarning',
  nis2Notification72h: 'nis2Notification',
  nis2FinalReport1Month: 'finalReport',
};
