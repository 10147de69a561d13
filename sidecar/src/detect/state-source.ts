import type { DetectionConfig } from './config.js';
import { MemoryDetectionState } from './memory-state.js';
import type { DetectionState } from './state.js';

/** Where the detector gets each org's state from. */
export interface StateSource {
  open(orgId: string): DetectionState | Promise<DetectionState>;
}

/** Each org's state in process memory, created on first use. */
export function memoryStateSource(config: Pick<DetectionConfig, 'baselineDays'>): StateSource {
  const states = new Map<string, MemoryDetectionState>();
  return {
    open(orgId) {
      let state = states.get(orgId);
      if (!state) {
        state = new MemoryDetectionState(orgId, { retainDays: config.baselineDays + 1 });
        states.set(orgId, state);
      }
      return state;
    },
  };
}
