import { parseArgs } from 'node:util';
import { CANARY_OBJECTS } from '../collect/canaries.js';
import type { Command, CommandIo } from './command.js';
import { callSidecar, sidecarTarget } from './sidecar-api.js';

const USAGE = `usage: leakwatch canaries [--url URL] [--plant --object Contact|Lead --count N]

Without --plant, lists the canary records registered for the org. With --plant, creates N
synthetic records (1-20, default 3) in the org through the sidecar's connection: an e-mail on the
reserved canary.leakwatch.invalid domain and a Leakwatch-<token> last name, never real data. Their
ids and marker values are registered, so reading, changing or copying them raises canary_touched
or canary_value_seen. Talks to the running sidecar at --url (default LEAKWATCH_URL, else
http://127.0.0.1:8787) with the org's bearer secret from LEAKWATCH_SECRET.`;

interface Planted {
  seeded: Array<{ object: string; recordId: string; label: string }>;
}

interface Registered {
  records: Array<{ recordId: string; label: string | null }>;
  markers: number;
}

async function run(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      plant: { type: 'boolean' },
      object: { type: 'string', default: 'Contact' },
      count: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const count = Number(values.count);
  if (values.plant && (!(CANARY_OBJECTS as readonly string[]).includes(values.object) || !Number.isInteger(count) || count < 1 || count > 20)) {
    io.stderr.write(`leakwatch canaries: --object must be ${CANARY_OBJECTS.join(' or ')} and --count a whole number from 1 to 20\n`);
    return 2;
  }
  const target = sidecarTarget('canaries', values.url, io);
  if (!target) return 2;
  if (values.plant) {
    const reply = await callSidecar<Planted>('canaries', target, io, 'POST', '/v1/canaries', { object: values.object, count });
    if (!reply) return 1;
    for (const canary of reply.seeded) io.stdout.write(`planted ${canary.object} ${canary.recordId}  ${canary.label}\n`);
    return 0;
  }
  const reply = await callSidecar<Registered>('canaries', target, io, 'GET', '/v1/canaries');
  if (!reply) return 1;
  for (const record of reply.records) io.stdout.write(`${record.recordId}  ${record.label ?? ''}\n`);
  io.stdout.write(`${reply.records.length} canary record(s), ${reply.markers} marker value(s) registered\n`);
  return 0;
}

export const canariesCommand: Command = {
  name: 'canaries',
  summary: 'Plant canary records in the org, or list them',
  usage: USAGE,
  run,
};
