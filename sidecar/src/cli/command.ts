import type { Readable, Writable } from 'node:stream';

/** The streams a subcommand talks through (process streams in production, buffers in tests). */
export interface CommandIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/** One `leakwatch <name>` subcommand. `run` resolves to the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CommandIo): Promise<number>;
}
