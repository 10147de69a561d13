import type { CommandIo } from './command.js';
import { COMMANDS } from './commands.js';

async function help(io: CommandIo): Promise<void> {
  const lines = ['usage: leakwatch <command> [options]', '', 'commands:'];
  for (const load of Object.values(COMMANDS)) {
    const command = await load();
    lines.push(`  ${command.name.padEnd(12)} ${command.summary}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
}

/** Dispatches `leakwatch <command> ...args` to the registered subcommand and returns the exit code. */
export async function main(argv: string[], io: CommandIo = process): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help(io);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`leakwatch: unknown command "${name}" (try "leakwatch --help")\n`);
    return 2;
  }
  return (await load()).run(args, io);
}
