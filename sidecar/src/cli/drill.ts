import { parseArgs } from 'node:util';
import type { DrillReport, DrillTargetReport } from '../drill/drill-report.js';
import type { Command, CommandIo } from './command.js';
import { callSidecar, sidecarTarget } from './sidecar-api.js';

const USAGE = `usage: leakwatch drill [--url URL] [--timeout SECONDS] [--interval SECONDS] [--json]

Runs a notification drill: the sidecar stores a few synthetic events that read the org's drill
canary (canary data only, from a synthetic actor), and they go through scoring, the incident and
its notifications exactly as a real breach would. The incident's title starts with "Drill: " and
every target labels it as a drill. Shows each target's progress while waiting, then a table per
target: whether it arrived, how long it took from the start, and the remote id or the error.
Exits 0 when every target that should hear of the drill accepted it within --timeout (default
120 s), 1 otherwise. Talks to the running sidecar at --url (default LEAKWATCH_URL, else
http://127.0.0.1:8787) with the org's bearer secret from LEAKWATCH_SECRET.`;

interface Started {
  drillId: string;
  location: string;
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** One target's progress line: its state, and what is known of it so far. */
const progressOf = (t: DrillTargetReport): string =>
  `${t.name} (${t.kind}): ${t.state}${t.state === 'delivered' ? ` after ${seconds(t.deliveredMs)}` : ''}${t.lastError ? ` — ${t.lastError}` : ''}`;

/** Arrived yes/no per target: a skipped target was not meant to hear of it. */
const arrived = (t: DrillTargetReport): string => (t.state === 'delivered' ? 'yes' : t.state === 'skipped' ? 'skipped' : 'no');

function table(report: DrillReport): string {
  const rows = report.targets.map((t) => [
    t.name,
    t.kind,
    arrived(t),
    seconds(t.deliveredMs),
    t.state === 'delivered' ? (t.remoteId ?? '') : (t.lastError ?? t.reason ?? t.state),
  ]);
  const head = ['target', 'kind', 'arrived', 'time', 'remote id / error'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      timeout: { type: 'string', default: '120' },
      interval: { type: 'string', default: '1' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const timeout = Number(values.timeout);
  const interval = Number(values.interval);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3_600 || !(interval > 0 && interval <= 60)) {
    io.stderr.write('leakwatch drill: --timeout must be a whole number of seconds from 1 to 3600, and --interval from above 0 to 60 seconds\n');
    return 2;
  }
  const target = sidecarTarget('drill', values.url, io);
  if (!target) return 2;
  const started = await callSidecar<Started>('drill', target, io, 'POST', '/v1/drills', { timeoutSeconds: timeout });
  if (!started) return 1;
  io.stderr.write(`drill ${started.drillId} started; waiting up to ${timeout} s for the targets\n`);
  // The sidecar times the drill out itself; the margin covers a report read just before that.
  const giveUpAt = Date.now() + timeout * 1_000 + 10_000;
  const shown = new Map<string, string>();
  let incidentShown = false;
  let report: DrillReport | undefined;
  for (;;) {
    report = await callSidecar<DrillReport>('drill', target, io, 'GET', started.location);
    if (!report) return 1;
    if (report.incident && !incidentShown) {
      incidentShown = true;
      io.stderr.write(`incident ${report.incident.key} r${report.incident.revision}: ${report.incident.title}\n`);
    }
    for (const t of report.targets) {
      const line = progressOf(t);
      if (shown.get(t.name) !== line) io.stderr.write(`  ${line}\n`);
      shown.set(t.name, line);
    }
    if (report.state !== 'running' || Date.now() > giveUpAt) break;
    await sleep(interval * 1_000);
  }
  const failed = report.targets.filter((t) => t.state !== 'delivered' && t.state !== 'skipped');
  if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    io.stdout.write(
      `drill ${report.drillId}: ${report.state}${report.incident ? `, incident ${report.incident.key} (${report.incident.severity})` : ', no incident opened'}\n`,
    );
    io.stdout.write(`${table(report)}\n`);
  }
  if (!report.incident)
    io.stderr.write(
      `leakwatch drill: no incident was opened (events stored ${report.events.stored}/${report.events.sent}, without a verdict ${report.events.quiet}); the sidecar's log says why\n`,
    );
  else if (report.targets.length === 0) io.stderr.write('leakwatch drill: no notification target is configured for this org\n');
  else if (failed.length > 0) io.stderr.write(`leakwatch drill: ${failed.map((t) => t.name).join(', ')} did not receive the drill within ${timeout} s\n`);
  return report.incident && report.targets.length > 0 && failed.length === 0 ? 0 : 1;
}

export const drillCommand: Command = {
  name: 'drill',
  summary: 'Run a synthetic breach through the notification targets and time it',
  usage: USAGE,
  run,
};
