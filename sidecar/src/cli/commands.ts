import type { Command } from './command.js';

/** Every subcommand, loaded on demand so that one command's dependencies never slow another's start. */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  canaries: async () => (await import('./canaries.js')).canariesCommand,
  classify: async () => (await import('./classify.js')).classifyCommand,
  coverage: async () => (await import('./coverage.js')).coverageCommand,
  drill: async () => (await import('./drill.js')).drillCommand,
  evidence: async () => (await import('./evidence.js')).evidenceCommand,
  redrive: async () => (await import('./redrive.js')).redriveCommand,
};
