import { parseArgs } from 'node:util';
import type { Command, CommandIo } from './command.js';
import { callSidecar, sidecarTarget } from './sidecar-api.js';

const USAGE = `usage: leakwatch coverage [--url URL] [--json]

Shows what the sidecar's collectors have read from the org, per source: its state, the newest row
and how far behind the org it is, rows in the last 24 hours and in all, and the last error. Talks to
the running sidecar at --url (default LEAKWATCH_URL, else http://127.0.0.1:8787) with the org's
bearer secret from LEAKWATCH_SECRET.`;

interface Coverage {
  orgId: string;
  sources: Array<{
    source: string;
    state: string;
    lastRowAt: string | null;
    lagSeconds: number | null;
    rows24h: number;
    rowsTotal: number;
    lastError: string | null;
    eventLogTypes?: Array<{ eventType: string; interval: string }>;
  }>;
}

const lag = (seconds: number | null): string => {
  if (seconds === null) return '—';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
};

async function run(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { url: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const target = sidecarTarget('coverage', values.url, io);
  if (!target) return 2;
  const reply = await callSidecar<Coverage>('coverage', target, io, 'GET', '/v1/coverage');
  if (!reply) return 1;
  if (values.json) {
    io.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`org ${reply.orgId}\n`);
  io.stdout.write(
    `${'source'.padEnd(31)} ${'state'.padEnd(13)} ${'newest row'.padEnd(20)} ${'lag'.padStart(7)} ${'rows 24 h'.padStart(9)} ${'rows'.padStart(9)}  last error\n`,
  );
  for (const s of reply.sources) {
    const newest = s.lastRowAt ? s.lastRowAt.slice(0, 19).replace('T', ' ') : '—';
    io.stdout.write(
      `${s.source.padEnd(31)} ${s.state.padEnd(13)} ${newest.padEnd(20)} ${lag(s.lagSeconds).padStart(7)} ${String(s.rows24h).padStart(9)} ${String(s.rowsTotal).padStart(9)}  ${s.lastError ?? ''}\n`,
    );
    if (s.eventLogTypes) {
      const types = s.eventLogTypes.map((t) => `${t.eventType} (${t.interval})`).join(', ');
      io.stdout.write(`${''.padEnd(24)} event types: ${types || 'no file yet'}\n`);
    }
  }
  return 0;
}

export const coverageCommand: Command = {
  name: 'coverage',
  summary: 'Show what the collectors read from the org',
  usage: USAGE,
  run,
};
