import { parseArgs } from 'node:util';
import type { Command, CommandIo } from './command.js';

const USAGE = `usage: leakwatch redrive [--url URL] [--event EVENT_ID ...]

Re-queues the records the sidecar could not write into the org (dead letters; /v1/status counts
them) for a fresh set of attempts: all of them, or those of the given events. Talks to the
running sidecar at --url (default LEAKWATCH_URL, else http://127.0.0.1:8787) with the org's
bearer secret from LEAKWATCH_SECRET, so it works with the embedded store and with replicas.`;

async function run(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      event: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const secret = io.env.LEAKWATCH_SECRET;
  if (!secret) {
    io.stderr.write("leakwatch redrive: set LEAKWATCH_SECRET to the org's bearer secret\n");
    return 2;
  }
  const base = values.url ?? io.env.LEAKWATCH_URL ?? 'http://127.0.0.1:8787';
  const response = await fetch(new URL('/v1/dead-letters/redrive', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify(values.event ? { eventIds: values.event } : {}),
  });
  const reply = (await response.json().catch(() => ({}))) as { redriven?: number; message?: string };
  if (!response.ok) {
    io.stderr.write(`leakwatch redrive: ${response.status} ${reply.message ?? response.statusText}\n`);
    return 1;
  }
  io.stdout.write(`re-queued ${reply.redriven ?? 0} record(s)\n`);
  return 0;
}

export const redriveCommand: Command = {
  name: 'redrive',
  summary: 'Re-queue dead letters for write-back',
  usage: USAGE,
  run,
};
