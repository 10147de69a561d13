import { parseArgs } from 'node:util';
import type { Command, CommandIo } from './command.js';
import { callSidecar, sidecarTarget } from './sidecar-api.js';

const USAGE = `usage: leakwatch redrive [--url URL] [--event EVENT_ID ...]
       leakwatch redrive --notifications [--target NAME] [--url URL]

Re-queues the records the sidecar could not write into the org (dead letters; /v1/status counts
them) for a fresh set of attempts: all of them, or those of the given events. With
--notifications, the incident notifications a target refused or kept failing (all targets, or
the one named; /v1/status counts them under notifications.dead) instead. Talks to the
running sidecar at --url (default LEAKWATCH_URL, else http://127.0.0.1:8787) with the org's
bearer secret from LEAKWATCH_SECRET, so it works with the embedded store and with replicas.`;

async function run(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      event: { type: 'string', multiple: true },
      notifications: { type: 'boolean' },
      target: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.notifications && values.event) {
    io.stderr.write('leakwatch redrive: --event names records for the org, --notifications re-queues notifications: give one of them\n');
    return 2;
  }
  if (values.target && !values.notifications) {
    io.stderr.write('leakwatch redrive: --target names a notification target: add --notifications\n');
    return 2;
  }
  const target = sidecarTarget('redrive', values.url, io);
  if (!target) return 2;
  if (values.notifications) {
    const reply = await callSidecar<{ redriven?: number }>(
      'redrive',
      target,
      io,
      'POST',
      '/v1/notifications/redrive',
      values.target ? { target: values.target } : {},
    );
    if (!reply) return 1;
    io.stdout.write(`re-queued ${reply.redriven ?? 0} notification(s)\n`);
    return 0;
  }
  const reply = await callSidecar<{ redriven?: number }>(
    'redrive',
    target,
    io,
    'POST',
    '/v1/dead-letters/redrive',
    values.event ? { eventIds: values.event } : {},
  );
  if (!reply) return 1;
  io.stdout.write(`re-queued ${reply.redriven ?? 0} record(s)\n`);
  return 0;
}

export const redriveCommand: Command = {
  name: 'redrive',
  summary: 'Re-queue dead letters for write-back, or dead notifications',
  usage: USAGE,
  run,
};
