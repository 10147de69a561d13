import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED_LOG_PATHS } from '../../src/app.js';
import { ClassifyThreadError } from '../../src/ingest/classify-pool.js';
import { WITHHELD } from '../../src/log/safe-error.js';
import { StoreThreadError } from '../../src/store/pglite-store.js';
import type { Sql, Store } from '../../src/store/store.js';
import { OrgRequestError } from '../../src/writeback/errors.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';
import { buildTestApp, logSink } from './build-test-app.js';
import { AUTH, dmlEvent, envelope } from './envelopes.js';

const EMAIL = 'anna@example.com';
/** A stack reduced to its frames: it starts with an "at" line, not with the message. */
const FRAMES_ONLY = /^ {4}at /;

/** The error a database raises for `sql`, whatever the store. */
async function refusal(store: Store, sql: (tx: Sql) => Promise<unknown>): Promise<unknown> {
  try {
    await store.transaction(sql);
  } catch (err) {
    return err;
  }
  throw new Error('the statement was expected to fail');
}

/** A unique violation whose detail quotes `value`: "Key (email)=(<value>) already exists." */
const uniqueViolation = (store: Store, value: string) =>
  refusal(store, async (tx) => {
    await tx.query('CREATE TEMP TABLE refused (email text CONSTRAINT refused_email_key UNIQUE) ON COMMIT DROP');
    await tx.query('INSERT INTO refused VALUES ($1), ($1)', [value]);
  });

/** A cast whose message quotes `value`: 'invalid input syntax for type integer: "<value>"'. */
const badCast = (store: Store, value: string) => refusal(store, (tx) => tx.query('SELECT $1::int', [value]));

/** The store, except that storing events fails with the unique violation of `value`. */
function refusingEventWrites(store: Store, value: string): Store {
  const query = <Row>(text: string, params?: unknown[]): Promise<Row[]> =>
    text.trimStart().startsWith('INSERT INTO ingested_event')
      ? uniqueViolation(store, value).then((err) => Promise.reject(err))
      : store.query<Row>(text, params);
  return Object.assign(Object.create(store) as Store, { query });
}

describe.each(STORE_KINDS)('errors in the logs, on %s', (kind) => {
  let testStore: TestStore;
  let app: FastifyInstance;
  const lines: string[] = [];
  const sink = logSink(lines);
  const logger = { level: 'trace', stream: sink, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } };
  /** The lines logged with message `msg`, parsed. */
  const logged = (msg: string) => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === msg);
  const loggedErr = (msg: string) => {
    const [line] = logged(msg);
    expect(line, `a line "${msg}"`).toBeDefined();
    return line!.err as Record<string, unknown>;
  };

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    ({ app } = await buildTestApp(testStore.store, { logger }));
  });
  afterAll(async () => {
    await app.close();
    await testStore.dispose();
  });
  beforeEach(() => {
    lines.length = 0;
  });

  it('logs a database error by its code and the names of the constraint and table, not the values it quotes', async () => {
    app.log.error({ err: await uniqueViolation(testStore.store, EMAIL) }, 'unique violation');
    app.log.error({ err: await badCast(testStore.store, EMAIL) }, 'bad cast');

    expect(lines.join('')).not.toContain(EMAIL);
    expect(loggedErr('unique violation')).toEqual({
      type: expect.any(String),
      name: 'error',
      message: WITHHELD,
      stack: expect.stringMatching(FRAMES_ONLY),
      code: '23505',
      severity: 'ERROR',
      schema: expect.stringMatching(/^pg_temp/),
      table: 'refused',
      constraint: 'refused_email_key',
      routine: '_bt_check_unique',
    });
    expect(loggedErr('bad cast')).toMatchObject({ code: '22P02', message: WITHHELD });
  });

  it('withholds the input a JSON SyntaxError quotes', () => {
    let err: unknown;
    try {
      JSON.parse(`{"email": ${EMAIL}}`);
    } catch (caught) {
      err = caught;
    }
    expect(String(err)).toContain('anna@');

    app.log.warn({ err }, 'bad json');

    expect(lines.join('')).not.toContain('anna@');
    expect(loggedErr('bad json')).toEqual({
      type: 'SyntaxError',
      message: WITHHELD,
      stack: expect.stringMatching(FRAMES_ONLY),
    });
  });

  it("keeps the message of the sidecar's own errors, with the stack's frames only", () => {
    app.log.error({ err: new StoreThreadError("the embedded store's thread stopped (exit code 1)") }, 'store');
    app.log.error({ err: new ClassifyThreadError('the classification pool is closed') }, 'classify');

    expect(loggedErr('store')).toEqual({
      type: 'StoreThreadError',
      message: "the embedded store's thread stopped (exit code 1)",
      stack: expect.stringMatching(FRAMES_ONLY),
    });
    expect(loggedErr('classify')).toMatchObject({
      type: 'ClassifyThreadError',
      message: 'the classification pool is closed',
      stack: expect.stringMatching(FRAMES_ONLY),
    });
  });

  it('logs causes and the errors of an AggregateError the same way, to a bounded depth', () => {
    const orgReply = Object.assign(new Error(`Email: invalid email address: ${EMAIL}`), {
      name: 'INVALID_EMAIL_ADDRESS',
      errorCode: 'INVALID_EMAIL_ADDRESS',
      statusCode: 400,
      content: `[{"message":"Email: invalid email address: ${EMAIL}","errorCode":"INVALID_EMAIL_ADDRESS"}]`,
    });
    const written = new OrgRequestError('INVALID_EMAIL_ADDRESS', orgReply.message, false, { cause: orgReply });
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}:5432`), {
        code: 'ECONNREFUSED',
        syscall: 'connect',
        address,
      });
    const unreachable = new AggregateError([refused('10.1.2.3'), refused('10.1.2.4')], '');
    const looping = Object.assign(new Error(`about ${EMAIL}`), { code: 'LOOP' });
    looping.cause = looping;

    app.log.error({ err: written }, 'write-back');
    app.log.error({ err: unreachable }, 'connect');
    app.log.error({ err: looping }, 'looping');

    const log = lines.join('');
    expect(log).not.toContain(EMAIL);
    expect(log).not.toContain('10.1.2.3');
    expect(loggedErr('write-back')).toEqual({
      type: 'OrgRequestError',
      message: WITHHELD,
      stack: expect.stringMatching(FRAMES_ONLY),
      code: 'INVALID_EMAIL_ADDRESS',
      cause: {
        type: 'Error',
        name: 'INVALID_EMAIL_ADDRESS',
        message: WITHHELD,
        stack: expect.stringMatching(FRAMES_ONLY),
        errorCode: 'INVALID_EMAIL_ADDRESS',
        statusCode: 400,
      },
    });
    expect(loggedErr('connect')).toMatchObject({
      type: 'AggregateError',
      errors: [
        { type: 'Error', message: WITHHELD, code: 'ECONNREFUSED', syscall: 'connect' },
        { type: 'Error', message: WITHHELD, code: 'ECONNREFUSED', syscall: 'connect' },
      ],
    });
    let depth = 0;
    for (let err = loggedErr('looping'); err.cause; err = err.cause as Record<string, unknown>) depth += 1;
    expect(depth).toBe(4);
  });

  it('does not fall back to the message of an error logged without one', async () => {
    const err = await badCast(testStore.store, EMAIL);

    app.log.error(err);
    app.log.error({ err });

    expect(lines.join('')).not.toContain(EMAIL);
    expect(logged(WITHHELD)).toHaveLength(2);
  });

  it('never logs the value a failing write of a batch refused', async () => {
    const { app: refusing } = await buildTestApp(refusingEventWrites(testStore.store, 'jane.doe@example.com'), {
      logger,
    });
    try {
      const res = await refusing.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', ...AUTH },
        payload: JSON.stringify(envelope([dmlEvent()])),
      });
      expect(res.statusCode).toBe(503);
    } finally {
      await refusing.close();
    }

    expect(lines.join('')).not.toContain('jane.doe@example.com');
    expect(loggedErr('batch could not be stored')).toMatchObject({ code: '23505', constraint: 'refused_email_key' });
    expect(loggedErr('request failed')).toMatchObject({ statusCode: 503, message: WITHHELD });
  });
});
