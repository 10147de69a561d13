import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import type { ClassifyInput, Classifier } from '../../src/contract/entities.js';
import type { LeakEvent } from '../../src/contract/event.js';
import { classifyEvents, DROPPED_VALUE, MAX_DETAIL_LEVELS, MAX_DETAIL_STRINGS, maskSpans } from '../../src/ingest/classify-events.js';
import { maskQueryLiterals } from '../../src/ingest/query-literals.js';
import { storableText } from '../../src/ingest/storable-text.js';
import { truncateUtf8 } from '../../src/ingest/truncate.js';

const ORG = '00D5g000004Cx1aEAC';
const base = (fields: LeakEvent['fields'], details?: Record<string, unknown>): LeakEvent => ({
  id: '0c6c1f5e-3b9a-4d2e-8f7a-1a2b3c4d5e6f',
  kind: 'dml',
  occurredAt: '2026-11-02T03:04:05.000Z',
  actor: { userId: '0055g00000AbCdEAAZ' },
  fields,
  details,
});

/** The real classifier, counting what it is asked. */
function countingClassifier(): Classifier & { asked: ClassifyInput[] } {
  const inner = createClassifier({ salt: 'test-salt-0123456789' });
  const asked: ClassifyInput[] = [];
  return {
    asked,
    modelLoaded: false,
    classify: (input) => inner.classify(input),
    hashKey: (value) => inner.hashKey(value),
    classifyMany: async (inputs) => {
      asked.push(...inputs);
      return inner.classifyMany(inputs);
    },
    close: () => inner.close(),
  };
}

describe('classifying a batch in memory', () => {
  it("masks the logins of the org's own users like every other string, in the actor and in details", async () => {
    const classifier = countingClassifier();
    const [stored] = await classifyEvents(classifier, ORG, [
      {
        ...base(undefined, {
          assigneeUsername: 'campaigns@acme-shop.example',
          username: 'admin@acme-shop.example',
          note: 'asked by jane.doe@example.com',
        }),
        actor: { userId: '0055g00000AbCdEAAZ', username: 'shopsync@acme-shop.example', profile: 'Integration' },
      },
    ]);
    const text = JSON.stringify(stored);
    for (const raw of ['campaigns@acme-shop.example', 'admin@acme-shop.example', 'jane.doe@example.com', 'shopsync@acme-shop.example'])
      expect(text).not.toContain(raw);
    expect(stored?.event.actor).toEqual({ userId: '0055g00000AbCdEAAZ', username: 's•••@•••.example', profile: 'Integration' });
    expect(stored?.event.details).toEqual({
      assigneeUsername: 'c•••@•••.example',
      username: 'a•••@•••.example',
      note: 'asked by j•••@•••.com',
    });
  });

  it('drops every value, keeps findings and masks strings in details', async () => {
    const classifier = countingClassifier();
    const [stored] = await classifyEvents(classifier, ORG, [
      base([{ name: 'Email', type: 'EMAIL', recordId: '0035g00000Qw1AaAAJ', value: 'jane.doe@example.com' }], {
        note: 'forwarded to jane.doe@example.com',
        nested: [{ to: 'jane.doe@example.com' }],
        count: 3,
      }),
    ]);
    const text = JSON.stringify(stored);
    expect(text).not.toContain('jane.doe@example.com');
    expect(stored?.event.fields).toEqual([{ name: 'Email', type: 'EMAIL', recordId: '0035g00000Qw1AaAAJ' }]);
    expect(stored?.findings[0]).toMatchObject({ field: 'Email', recordId: '0035g00000Qw1AaAAJ', fieldType: 'EMAIL' });
    expect(stored?.findings[0]?.entities[0]?.type).toBe('EMAIL_ADDRESS');
    expect(String(stored?.event.details?.note)).toMatch(/^forwarded to \S+$/);
    expect(stored?.event.details?.count).toBe(3);
  });

  it('classifies each distinct value of a bulk update once', async () => {
    const classifier = countingClassifier();
    const same = { name: 'Description', type: 'TEXTAREA', value: 'call +49 30 1234567 about jane.doe@example.com' };
    const events = Array.from({ length: 50 }, (_, i) => base([{ ...same, recordId: `0035g00000Qw1A${String(i).padStart(2, '0')}AAJ` }]));
    const stored = await classifyEvents(classifier, ORG, events);
    expect(classifier.asked).toHaveLength(1);
    expect(stored.every((s) => s.findings.length === 1 && s.findings[0]?.entities.length === 2)).toBe(true);
  });

  it('truncates at 32 KB of UTF-8 without splitting a character, and notes it', async () => {
    const long = `${'é'.repeat(20_000)}`;
    const cut = truncateUtf8(long);
    expect(cut.truncated).toBe(true);
    expect(Buffer.byteLength(cut.text)).toBe(32 * 1024);
    expect(cut.text).toBe('é'.repeat(16 * 1024));
    const [stored] = await classifyEvents(countingClassifier(), ORG, [base([{ name: 'Body', value: long }])]);
    expect(stored?.notes).toEqual(['Body truncated from 39 KB to 32 KB before classification']);
  });

  it('masks spans, first span winning where they overlap', () => {
    const entity = (start: number, end: number, masked: string) => ({
      type: 'PERSON' as const,
      start,
      end,
      score: 1,
      detector: 't',
      masked,
      hash: '',
    });
    expect(maskSpans('Jane Doe and John', [entity(13, 17, 'J•••'), entity(0, 8, 'J••• D••'), entity(5, 8, 'x')])).toBe('J••• D•• and J•••');
  });
});

describe('what cannot be classified within the limits is dropped, never kept raw', () => {
  it(`drops the strings of details past the first ${MAX_DETAIL_STRINGS}, with a note`, async () => {
    const emails = Array.from({ length: 300 }, (_, i) => `person${i}@example.com`);
    const [stored] = await classifyEvents(countingClassifier(), ORG, [base(undefined, { list: emails })]);
    const text = JSON.stringify(stored);
    for (const email of emails) expect(text).not.toContain(email);
    const list = stored?.event.details?.list as string[];
    expect(list).toHaveLength(300);
    expect(list.filter((v) => v === DROPPED_VALUE)).toHaveLength(300 - (MAX_DETAIL_STRINGS - 1));
    expect(stored?.notes).toContain(`details: 101 values past the first ${MAX_DETAIL_STRINGS} strings dropped without classification`);
  });

  it('drops the members of an object past the limit, key and value', async () => {
    const many = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, `call +49 30 1234${String(i).padStart(3, '0')}`]));
    const [stored] = await classifyEvents(countingClassifier(), ORG, [base(undefined, many)]);
    expect(Object.keys(stored?.event.details ?? {})).toHaveLength(MAX_DETAIL_STRINGS / 2);
    expect(JSON.stringify(stored)).not.toMatch(/1234\d{3}/);
  });

  it(`drops what is nested deeper than ${MAX_DETAIL_LEVELS} levels, with a note`, async () => {
    let deep: unknown = { secret: 'jane.doe@example.com', card: 4111111111111111 };
    for (let i = 0; i < 10; i += 1) deep = { next: deep };
    const [stored] = await classifyEvents(countingClassifier(), ORG, [base(undefined, { deep })]);
    const text = JSON.stringify(stored);
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).not.toContain('4111111111111111');
    expect(text).toContain(JSON.stringify(DROPPED_VALUE));
    expect(stored?.notes.join('\n')).toMatch(new RegExp(`nested deeper than ${MAX_DETAIL_LEVELS} levels dropped`));
  });

  it('masks personal data in details keys, and in numbers large enough to be a card or phone number', async () => {
    const [stored] = await classifyEvents(countingClassifier(), ORG, [
      base(undefined, { 'jane.doe@example.com': 3, card: 4111111111111111, count: 42, byUser: { 'max.mustermann@example.de': 1 } }),
    ]);
    const text = JSON.stringify(stored);
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).not.toContain('max.mustermann@example.de');
    expect(text).not.toContain('4111111111111111');
    expect(stored?.event.details).toMatchObject({ 'j•••@•••.com': 3, count: 42, byUser: { 'm•••@•••.de': 1 } });
    expect(String(stored?.event.details?.card)).toMatch(/^4111•+1111$/);
  });

  it('drops __proto__ keys from details, with a note, and pollutes no prototype', async () => {
    const details = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"x": 1}}, "note": "ok"}');
    const [stored] = await classifyEvents(countingClassifier(), ORG, [base(undefined, details)]);
    expect(Object.keys(stored?.event.details ?? {})).toEqual(['constructor', 'note']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(stored?.event.details)).toBe(Object.prototype);
    expect(stored?.notes).toContain('details: 1 key named __proto__ dropped');
  });

  it("masks the actor's profile and replaces the session key by a salted hash that still compares equal", async () => {
    const actor = { userId: '0055g00000AbCdEAAZ', profile: 'Jane Doe (jane.doe@example.com)', sessionId: 'SESSION-abc123' };
    const stored = await classifyEvents(countingClassifier(), ORG, [
      { ...base(undefined), actor },
      { ...base(undefined), id: '1c6c1f5e-3b9a-4d2e-8f7a-1a2b3c4d5e6f', actor },
    ]);
    const text = JSON.stringify(stored);
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).not.toContain('SESSION-abc123');
    expect(stored[0]?.event.actor.sessionId).toMatch(/^k:[0-9a-f]{32}$/);
    expect(stored[1]?.event.actor.sessionId).toBe(stored[0]?.event.actor.sessionId);
  });

  it('masks every quoted literal of query text, names the classifier does not know included', async () => {
    const soql = "SELECT Id, Email FROM Contact WHERE LastName = 'Quaxelbrink' AND Email = 'jane.doe@example.com' LIMIT 10";
    const [stored] = await classifyEvents(countingClassifier(), ORG, [base(undefined, { query: soql })]);
    expect(stored?.event.details?.query).toBe("SELECT Id, Email FROM Contact WHERE LastName = '•••' AND Email = '•••' LIMIT 10");
    expect(maskQueryLiterals("SELECT Id FROM Lead WHERE Name LIKE 'Ann\\'s%")).toBe("SELECT Id FROM Lead WHERE Name LIKE '•••");
    expect(maskQueryLiterals("It's Jane's")).toBe("It's Jane's");
    expect(maskQueryLiterals("SELECT Id FROM Case WHERE Subject = ''")).toBe("SELECT Id FROM Case WHERE Subject = ''");
  });
});

describe('strings the store cannot hold', () => {
  it('replaces NUL and unpaired surrogates by U+FFFD and keeps pairs', () => {
    expect(storableText('a\u0000b')).toEqual({ text: 'a\uFFFDb', replaced: 1 });
    expect(storableText('x\uD800y\uDC00')).toEqual({ text: 'x\uFFFDy\uFFFD', replaced: 2 });
    expect(storableText('ok 😀')).toEqual({ text: 'ok 😀', replaced: 0 });
  });

  it('leaves none in any stored string of an event, and notes how many were replaced', async () => {
    const bad = 'bad\u0000value\uD83D';
    const [stored] = await classifyEvents(countingClassifier(), ORG, [
      {
        ...base([{ name: `Desc${bad}`, type: `TEXT${bad}`, label: bad, value: `${bad} jane.doe@example.com` }], { [bad]: bad, list: [bad] }),
        actor: { userId: '0055g00000AbCdEAAZ', username: bad, profile: bad, sessionId: bad },
      },
    ]);
    const text = JSON.stringify(stored);
    expect(text).not.toMatch(/\\u0000|\\ud[89a-f][0-9a-f]{2}/i);
    expect(stored?.notes.some((n) => /characters? that cannot be stored .* replaced by U\+FFFD/.test(n))).toBe(true);
    expect(stored?.findings[0]?.entities[0]?.type).toBe('EMAIL_ADDRESS');
  });
});
