export { createDetector, type DetectionEngine, type DetectorOptions } from './detector.js';
export {
  DEFAULT_DETECTION_CONFIG,
  resolveDetectionConfig,
  type DetectionConfig,
  type DetectionConfigInput,
  type ReasonWeights,
} from './config.js';
export { severityFor } from './severity.js';
export { createSuppression, type ReviewerFeedback } from './suppression.js';
export { memoryStateSource, type StateSource } from './state-source.js';
export { MemoryDetectionState } from './memory-state.js';
export type { Canary, CanaryRegistry, DetectionState, SuppressionRule } from './state.js';
export { SqlStateStore, type SqlExecutor } from './sql-state.js';
export { createStoredDetector, type DetectionStatePersistence, type StoredDetector } from './stored-detector.js';
