import { destinationOf, type EgressPolicy } from '../egress/policy.js';
import { pairKey, type FlowDayRow } from './flow-records.js';

/** A flow as the data map shows it: the policy's view of its destination as it stands now, and its volume per day. */
interface FlowEntry {
  source: string;
  destination: string;
  destinationName?: string;
  region?: string;
  ai: boolean;
  allowListed: boolean;
  regionAllowed: boolean;
  objects: string[];
  fields: string[];
  spans: number;
  bytes: number;
  firstSeen: string;
  lastSeen: string;
  days: Array<{ day: string; spans: number; bytes: number }>;
}

/** Gathers an org's flow days into flows, most recently seen first. */
export function flowEntries(rows: readonly FlowDayRow[], policy: EgressPolicy): FlowEntry[] {
  const flows = new Map<string, FlowEntry>();
  for (const row of rows) {
    const key = pairKey(row.source, row.destination);
    let flow = flows.get(key);
    if (!flow) {
      const d = destinationOf(policy, row.destination);
      flow = {
        source: row.source,
        destination: row.destination,
        ...(d.rule?.name ? { destinationName: d.rule.name } : {}),
        ...(d.region ? { region: d.region } : {}),
        ai: d.ai,
        allowListed: d.allowListed,
        regionAllowed: d.regionAllowed,
        objects: [],
        fields: [],
        spans: 0,
        bytes: 0,
        firstSeen: row.firstSeen,
        lastSeen: row.lastSeen,
        days: [],
      };
      flows.set(key, flow);
    }
    flow.objects = [...new Set([...flow.objects, ...row.objects])].sort();
    flow.fields = [...new Set([...flow.fields, ...row.fields])].sort();
    flow.spans += row.spans;
    flow.bytes += row.bytes;
    if (row.firstSeen < flow.firstSeen) flow.firstSeen = row.firstSeen;
    if (row.lastSeen > flow.lastSeen) flow.lastSeen = row.lastSeen;
    flow.days.push({ day: row.day, spans: row.spans, bytes: row.bytes });
  }
  return [...flows.values()].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0));
}

const CSV_COLUMNS = [
  'source',
  'destination',
  'region',
  'ai',
  'allowListed',
  'regionAllowed',
  'day',
  'spans',
  'bytes',
  'objects',
  'fields',
  'firstSeen',
  'lastSeen',
] as const;

/**
 * A CSV cell (RFC 4180 quoting). A text starting with `=`, `+`, `-`, `@`, tab or carriage return is
 * prefixed with `'`: service names come from telemetry, and a spreadsheet would run them as formulas.
 */
export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The flows as CSV, one line per flow and day, objects and fields separated by spaces. */
export function flowsCsv(flows: readonly FlowEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const f of flows) {
    for (const d of f.days) {
      lines.push(
        [
          f.source,
          f.destination,
          f.region,
          f.ai,
          f.allowListed,
          f.regionAllowed,
          d.day,
          d.spans,
          d.bytes,
          f.objects.join(' '),
          f.fields.join(' '),
          f.firstSeen,
          f.lastSeen,
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
