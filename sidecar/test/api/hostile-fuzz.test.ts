import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { createOrgClient } from '../../src/writeback/index.js';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../store/test-stores.js';
import { eventually, logSink } from './build-test-app.js';
import { AUTH, ORG_ID, ORG_SECRETS } from './envelopes.js';
import { everyEventScores } from './fakes.js';

/**
 * Property test of POST /v1/events with generated hostile envelopes: strings with NUL, unpaired
 * surrogates, control and bidi characters, `__proto__` and `constructor` keys anywhere, details
 * nested past the limits and wider than them, query text, large numbers, malformed events beside
 * good ones. Each envelope plants fresh personal values (e-mail addresses, card numbers, a surname
 * inside a SOQL literal) in every place a string can go. The properties: no reply is a 5xx, the
 * batch's good event is always accepted and later written back, and none of the planted values is
 * anywhere at rest (every table of the store, the store's files), in the logs or in the org.
 */

const RUNS = Number(process.env.LEAKWATCH_FUZZ_RUNS ?? 1000);
/**
 * The generators' seed, new each run; a failure names it, and LEAKWATCH_FUZZ_SEED replays the same envelopes (the
 * planted values themselves are fresh each time, their places and the hostile text around them are the seed's).
 */
const SEED = Number(process.env.LEAKWATCH_FUZZ_SEED ?? Date.now() % 2 ** 31);
const REPLAY = `replay with LEAKWATCH_FUZZ_SEED=${SEED}`;

// Placeholders the generators put where a personal value goes; each envelope mints fresh values for them.
const EMAIL = '§EMAIL§';
const CARD = '§CARD§';
const SURNAME = '§SURNAME§';
const CARD_NUMBER = '§CARDNUMBER§';

type Node =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number | string }
  | { t: 'lit'; v: null | boolean }
  | { t: 'arr'; items: Node[] }
  | { t: 'obj'; entries: Array<[string, Node]> };

const nasty = fc.constantFrom(
  '\u0000',
  '\uD800',
  '\uDC00',
  '\uDBFF\u0000\uDFFF',
  '\\u0000',
  '__proto__',
  'constructor',
  'prototype',
  '\u202E\u2066',
  '\u0007\u001b[31m',
  '😀',
  '\r\n',
  '%00',
  "' OR 1=1 --",
  '{"$ne":null}',
  '${jndi:ldap://x}',
  '',
);
const hostile = fc.oneof(
  { weight: 2, arbitrary: nasty },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);
const quoteless = hostile.map((s) => s.replaceAll("'", ''));
/** A string holding a personal value between hostile text, or hostile text alone. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(hostile, fc.constantFrom(EMAIL, CARD), hostile).map(([a, pii, b]) => `${a} ${pii} ${b}`) },
  {
    weight: 1,
    arbitrary: fc.tuple(quoteless, quoteless).map(([a, b]) => `${a} SELECT Id, Email FROM Contact WHERE LastName = '${SURNAME}' AND Email = '${EMAIL}' ${b}`),
  },
  { weight: 2, arbitrary: hostile },
);
const key = fc.oneof(
  { weight: 3, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'username', 'assigneeUsername', 'sessionId', 'toString') },
);

const { node } = fc.letrec<{ node: Node; arr: Node; obj: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((v): Node => ({ t: 'str', v })),
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).map((v): Node => ({ t: 'num', v })),
    fc.constant<Node>({ t: 'num', v: CARD_NUMBER }),
    fc.constantFrom<Node>({ t: 'lit', v: null }, { t: 'lit', v: true }),
    tie('arr'),
    tie('obj'),
  ),
  arr: fc.array(tie('node'), { maxLength: 4 }).map((items): Node => ({ t: 'arr', items })),
  obj: fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }).map((entries): Node => ({ t: 'obj', entries })),
}));
/** Details past the limits: nested 9 to 14 levels, or 200 to 260 strings wide. */
const beyondLimits = fc.oneof(
  fc.tuple(fc.integer({ min: 9, max: 14 }), text).map(([levels, v]) => {
    let deep: Node = {
      t: 'obj',
      entries: [
        ['bottom', { t: 'str', v }],
        ['n', { t: 'num', v: CARD_NUMBER }],
      ],
    };
    for (let i = 0; i < levels; i += 1) deep = { t: 'obj', entries: [[`level${i}`, deep]] };
    return deep;
  }),
  fc.tuple(fc.integer({ min: 200, max: 260 }), text).map(([width, v]): Node => ({
    t: 'obj',
    entries: [['list', { t: 'arr', items: Array.from({ length: width }, (_, i) => ({ t: 'str', v: i % 7 === 0 ? v : `${EMAIL}` })) }]],
  })),
);
const details = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.tuple(key, node), { maxLength: 6 }).map((entries): Node => ({ t: 'obj', entries })) },
  { weight: 1, arbitrary: beyondLimits },
);

interface GeneratedEvent {
  username?: string;
  profile?: string;
  sessionId?: string;
  actorExtra?: [string, string];
  fields: Array<{ name: string; type?: string; label?: string; value?: string }>;
  details?: Node;
  broken?: 'actor-not-object' | 'bad-id' | 'fields-not-array';
}
const fieldName = fc.oneof(fc.constantFrom('Description', 'Email', 'Phone__c'), text);
const event = fc.record(
  {
    username: text,
    profile: text,
    sessionId: text,
    actorExtra: fc.tuple(fc.constantFrom('__proto__', 'constructor', 'nickname'), text),
    fields: fc.array(
      fc.record({ name: fieldName, type: fc.oneof(fc.constantFrom('TEXTAREA', 'EMAIL'), text), label: text, value: text }, { requiredKeys: ['name'] }),
      { maxLength: 3 },
    ),
    details,
    broken: fc.constantFrom('actor-not-object', 'bad-id', 'fields-not-array'),
  },
  { requiredKeys: ['fields'] },
) as fc.Arbitrary<GeneratedEvent>;

/** Mints the personal values of one envelope and renders it as JSON text. */
class Envelope {
  readonly planted: string[] = [];
  readonly controlId = randomUUID();
  private static serial = 0;

  constructor(private readonly events: GeneratedEvent[]) {}

  private fill(value: string): string {
    return value
      .replaceAll(EMAIL, () => this.plant(`fz${(Envelope.serial += 1)}.${randomUUID().slice(0, 6)}@example.org`))
      .replaceAll(CARD, () => this.plant(spaced(card())))
      .replaceAll(SURNAME, () => this.plant(`Quaxel${(Envelope.serial += 1)}brink`));
  }

  private plant(value: string): string {
    this.planted.push(value);
    if (/^[\d ]+$/.test(value)) this.planted.push(value.replaceAll(' ', ''));
    return value;
  }

  private json(n: Node): string {
    switch (n.t) {
      case 'str':
        return JSON.stringify(this.fill(n.v));
      case 'num':
        if (n.v === CARD_NUMBER) return this.plant(card());
        return Number.isFinite(n.v) ? JSON.stringify(n.v) : '0';
      case 'lit':
        return JSON.stringify(n.v);
      case 'arr':
        return `[${n.items.map((item) => this.json(item)).join(',')}]`;
      case 'obj':
        return `{${n.entries.map(([k, v]) => `${JSON.stringify(this.fill(k))}:${this.json(v)}`).join(',')}}`;
    }
  }

  private eventJson(e: GeneratedEvent): string {
    const str = (v: string) => JSON.stringify(this.fill(v));
    const actor = [
      '"userId":"0055g00000AbCdEAAZ"',
      e.username !== undefined ? `"username":${str(e.username)}` : '',
      e.profile !== undefined ? `"profile":${str(e.profile)}` : '',
      e.sessionId !== undefined ? `"sessionId":${str(e.sessionId)}` : '',
      e.actorExtra ? `${JSON.stringify(e.actorExtra[0])}:${str(e.actorExtra[1])}` : '',
    ].filter(Boolean);
    const fields = e.fields.map(
      (f) =>
        `{${[
          `"name":${str(f.name)}`,
          f.type !== undefined ? `"type":${str(f.type)}` : '',
          f.label !== undefined ? `"label":${str(f.label)}` : '',
          f.value !== undefined ? `"value":${str(f.value)}` : '',
        ]
          .filter(Boolean)
          .join(',')}}`,
    );
    return `{${[
      `"id":${JSON.stringify(e.broken === 'bad-id' ? 'not-a-uuid' : randomUUID())}`,
      '"kind":"dml"',
      '"occurredAt":"2026-11-02T03:04:05.000Z"',
      `"actor":${e.broken === 'actor-not-object' ? str(e.username ?? '') : `{${actor.join(',')}}`}`,
      '"object":"Contact"',
      '"operation":"update"',
      '"recordCount":3',
      `"fields":${e.broken === 'fields-not-array' ? '{}' : `[${fields.join(',')}]`}`,
      e.details ? `"details":${this.json(e.details)}` : '',
    ]
      .filter(Boolean)
      .join(',')}}`;
  }

  /** The generated events and one good event, in the order given by `at`. */
  render(at: number): string {
    const control = JSON.stringify({
      id: this.controlId,
      kind: 'dml',
      occurredAt: '2026-11-02T03:04:05.000Z',
      actor: { userId: '0055g00000AbCdEAAZ' },
      object: 'Contact',
      operation: 'update',
      recordCount: 1,
      fields: [{ name: 'Description', type: 'TEXTAREA', value: `Reach me at ${this.fill(EMAIL)}` }],
    });
    const events = this.events.map((e) => this.eventJson(e));
    events.splice(at % (events.length + 1), 0, control);
    return `{"schemaVersion":1,"orgId":${JSON.stringify(ORG_ID)},"batchId":${JSON.stringify(randomUUID())},"events":[${events.join(',')}]}`;
  }
}

/** A Luhn-valid 16-digit Visa-style number. */
function card(): string {
  const digits = [4, ...Array.from({ length: 14 }, () => Math.floor(Math.random() * 10))];
  let sum = 0;
  for (let i = 0; i < 15; i += 1) {
    let d = digits[14 - i]!;
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return [...digits, (10 - (sum % 10)) % 10].join('');
}
const spaced = (digits: string) => digits.replace(/(\d{4})(?=\d)/g, '$1 ');

const filesUnder = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));

/** Every row of every table, as text. */
async function dumpStore(store: Store): Promise<string> {
  const tables = await store.query<{ name: string }>(
    "SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
  );
  const parts: string[] = [];
  for (const { name } of tables) parts.push(...(await store.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`)).map((r) => r.row));
  return parts.join('\n');
}

/** Every shape a planted value has: each match is looked up, so a scan costs one pass over the text. */
const PLANTED_SHAPES = /fz\d+\.[0-9a-f]{6}@example\.org|Quaxel\d+brink|4\d{3} \d{4} \d{4} \d{4}|(?<!\d)4\d{15}(?!\d)/g;

/** The planted values in `haystack`, each with the text around it, so a failure shows where it was kept. */
const found = (haystack: string, planted: ReadonlySet<string>) =>
  [...haystack.matchAll(PLANTED_SHAPES)]
    .filter((m) => planted.has(m[0]))
    .map((m) => `${m[0]} in …${haystack.slice(Math.max(0, m.index - 160), m.index + m[0].length + 60)}…`);

describe.each(STORE_KINDS)('POST /v1/events with %i generated hostile envelopes, on %s'.replace('%i', String(RUNS)), (kind) => {
  let dataDir: string;
  let db: TestDatabase | undefined;
  let store: Store;
  let org: OrgEmulator;
  let app: FastifyInstance;
  const logs: string[] = [];
  const planted = new Set<string>();
  const controls: string[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'leakwatch-fuzz-'));
    if (kind === 'postgres') db = await createTestDatabase();
    store = await openStore({ databaseUrl: db?.url, dataDir: join(dataDir, 'store') });
    org = await startOrgEmulator();
    const client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
    });
    app = await buildApp({
      store,
      classifier: createClassifier({ salt: 'test-salt-0123456789' }),
      detector: everyEventScores(),
      orgClientFor: () => client,
      orgSecrets: ORG_SECRETS,
      pollMs: 20,
      retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
      logger: { level: 'debug', stream: logSink(logs) },
    });
    await app.ready();
  });
  let closed = false;
  afterAll(async () => {
    if (!closed) {
      await app?.close();
      await store?.close();
    }
    await org?.close();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers no 5xx and keeps every good event beside the hostile ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 4 }), fc.nat(), async (events, at) => {
        const envelope = new Envelope(events);
        const payload = envelope.render(at);
        for (const value of envelope.planted) planted.add(value);
        controls.push(envelope.controlId);
        const res = await app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: { 'content-type': 'application/json', ...AUTH },
          payload,
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode).toBe(202);
        const reply = res.json() as { accepted: number; duplicates: number; rejected: Array<{ eventId?: string }> };
        expect(reply.rejected.map((r) => r.eventId)).not.toContain(envelope.controlId);
        expect(reply.accepted + reply.duplicates + reply.rejected.length).toBe(events.length + 1);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect([...statuses.keys()]).toEqual([202]);
  }, 300_000);

  it('scores and writes back every good event, and keeps no planted value at rest, in the logs or in the org', async () => {
    expect(planted.size).toBeGreaterThan(RUNS);
    await eventually(async () => {
      const [row] = await store.query<{ open: string | number }>(
        "SELECT (SELECT count(*) FROM ingested_event WHERE state = 'pending') + (SELECT count(*) FROM outbox WHERE state = 'pending') AS open",
      );
      return Number(row?.open) === 0;
    }, 240_000);
    const [failures] = await store.query<{ failed: string | number; dead: string | number }>(
      "SELECT (SELECT count(*) FROM ingested_event WHERE state = 'failed') AS failed, (SELECT count(*) FROM outbox WHERE state = 'dead') AS dead",
    );
    expect({ failed: Number(failures?.failed), dead: Number(failures?.dead) }).toEqual({ failed: 0, dead: 0 });
    const written = new Set(org.records('LeakVerdict__c').map((r) => r.EventId__c));
    expect(controls.filter((id) => !written.has(id))).toEqual([]);

    expect(written.size).toBeGreaterThan(controls.length);
    const inOrg = JSON.stringify(['LeakVerdict__c', 'PiiFinding__c', 'PermissionReview__c'].map((s) => org.records(s)));
    expect(found(inOrg, planted), `kept in the org: ${REPLAY}`).toEqual([]);
    expect(found(await dumpStore(store), planted), `kept in the store: ${REPLAY}`).toEqual([]);
    expect(logs.length).toBeGreaterThan(0);
    expect(found(logs.join(''), planted), `logged: ${REPLAY}`).toEqual([]);
    await app.close();
    await store.close();
    closed = true;
    if (kind === 'pglite') {
      const files = await filesUnder(join(dataDir, 'store'));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const bytes = (await readFile(file)).toString('latin1');
        expect({ file, found: found(bytes, planted) }, `kept in a file of the store: ${REPLAY}`).toEqual({ file, found: [] });
      }
    }
  }, 300_000);
});
