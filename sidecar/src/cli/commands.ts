import type { Command } from './command.js';

/** Every subcommand, loaded on demand so that one command's dependencies never slow another's start. */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  classify: async () => (await import('./classify.js')).classifyCommand,
  redrive: async () => (await import('./redrive.js')).redriveCommand,
};
