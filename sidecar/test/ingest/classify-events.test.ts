import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import type { ClassifyInput, Classifier } from '../../src/contract/entities.js';
import type { LeakEvent } from '../../src/contract/event.js';
import { classifyEvents, maskSpans } from '../../src/ingest/classify-events.js';
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
    classifyMany: async (inputs) => {
      asked.push(...inputs);
      return inner.classifyMany(inputs);
    },
    close: () => inner.close(),
  };
}

describe('classifying a batch in memory', () => {
  it("keeps the logins of the org's own users in details and masks the rest", async () => {
    const classifier = countingClassifier();
    const [stored] = await classifyEvents(classifier, ORG, [
      base(undefined, {
        assigneeUsername: 'campaigns@acme-shop.example',
        assignedByUsername: 'admin@acme-shop.example',
        note: 'asked by jane.doe@example.com',
      }),
    ]);
    expect(stored?.event.details).toMatchObject({
      assigneeUsername: 'campaigns@acme-shop.example',
      assignedByUsername: 'admin@acme-shop.example',
    });
    expect(JSON.stringify(stored?.event.details)).not.toContain('jane.doe@example.com');
    expect(classifier.asked.map((input) => input.field?.name)).toEqual(['note']);
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
    const events = Array.from({ length: 50 }, (_, i) =>
      base([{ ...same, recordId: `0035g00000Qw1A${String(i).padStart(2, '0')}AAJ` }]),
    );
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
    expect(maskSpans('Jane Doe and John', [entity(13, 17, 'J•••'), entity(0, 8, 'J••• D••'), entity(5, 8, 'x')])).toBe(
      'J••• D•• and J•••',
    );
  });
});
