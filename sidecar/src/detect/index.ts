export { createDetector, type DetectionEngine } from './detector.js';
export { DEFAULT_DETECTION_CONFIG, type DetectionConfig, type DetectionConfigInput } from './config.js';
export { severityFor } from './severity.js';
export { createSuppression, type ReviewerFeedback } from './suppression.js';
export { memoryStateSource } from './state-source.js';
export { MemoryDetectionState } from './memory-state.js';
export type { DetectionState, SuppressionRule } from './state.js';
export { SqlStateStore, type SqlExecutor } from './sql-state.js';
export { createStoredDetector, type DetectionStatePersistence } from './stored-detector.js';
