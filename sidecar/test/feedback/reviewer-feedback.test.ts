import { describe, expect, it } from 'vitest';
import { createSuppression } from '../../src/detect/index.js';
import { SIDECAR_ACTOR_ID } from '../../src/contract/event.js';
import { toId18 } from '../../src/contract/salesforce-id.js';
import { falsePositivesSoql, soqlDateTime, type FalsePositiveRecord } from '../../src/feedback/false-positive-query.js';
import { reviewerFeedbackOf } from '../../src/feedback/reviewer-feedback.js';

const RECORD: FalsePositiveRecord = {
  Id: 'a045g0000000001AAA',
  LastModifiedDate: '2026-11-20T08:15:30.000+0000',
  EventId__c: '2f1c7a52-4b51-4d0a-9a43-6b0f1e2d3c4b',
  OrgEventKind__c: 'dml',
  Severity__c: 'High',
  RiskScore__c: 65,
  Reasons__c: JSON.stringify([
    { code: 'pii_in_free_text', weight: 55, message: 'CREDIT_CARD found in Contact.Description (1 record).' },
    { code: 'canary_touched', weight: 90, message: 'A canary record was touched.' },
  ]),
  ActorUserId__c: '0055g00000AbCdEAAZ',
  ConnectedAppId__c: '0H45g000000AbCdCAK',
  ObjectName__c: 'Contact',
  Operation__c: 'update',
  OccurredAt__c: '2026-11-20T03:04:05.000+0000',
};

describe('the query for false positives', () => {
  it('writes dateTime literals as SOQL takes them, to the second and in UTC', () => {
    expect(soqlDateTime(new Date('2026-11-20T08:15:30.789Z'))).toBe('2026-11-20T08:15:30Z');
  });

  it('reads from the start of the lookback until a watermark exists, then after the watermark, oldest first', () => {
    const from = new Date('2026-10-21T08:00:00Z');
    const before = new Date('2026-11-20T08:16:00.500Z');
    expect(falsePositivesSoql({ from, before, limit: 200 })).toBe(
      'SELECT Id, LastModifiedDate, EventId__c, OrgEventKind__c, Severity__c, RiskScore__c, Reasons__c, ActorUserId__c, ' +
        'ConnectedAppId__c, ObjectName__c, Operation__c, OccurredAt__c FROM LeakVerdict__c ' +
        "WHERE Status__c = 'FalsePositive' AND LastModifiedDate < 2026-11-20T08:16:00Z AND LastModifiedDate >= 2026-10-21T08:00:00Z " +
        'ORDER BY LastModifiedDate, Id LIMIT 200',
    );
    const after = { lastModified: new Date('2026-11-20T08:15:30Z'), id: RECORD.Id };
    expect(falsePositivesSoql({ after, from, before, limit: 200 })).toContain(
      "AND (LastModifiedDate > 2026-11-20T08:15:30Z OR (LastModifiedDate = 2026-11-20T08:15:30Z AND Id > 'a045g0000000001AAA')) ORDER BY",
    );
  });

  it('never reads FalsePositiveReason__c, and refuses a cursor that is not a record id', () => {
    const window = { from: new Date(0), before: new Date(), limit: 200 };
    expect(falsePositivesSoql(window)).not.toContain('FalsePositiveReason__c');
    expect(() => falsePositivesSoql({ ...window, after: { lastModified: new Date(), id: "x' OR Id != '" } })).toThrow(TypeError);
  });
});

describe('feedback rebuilt from a LeakVerdict__c', () => {
  it('gives the suppression the in-process feedback would: same reasons, actor, app, object and operation', () => {
    const built = reviewerFeedbackOf(RECORD, '00D5g000004Cx1aEAC', 12.5);
    if (!('feedback' in built)) throw new Error(built.skip);
    const now = new Date('2026-11-20T09:00:00Z');
    expect(createSuppression(built.feedback, now)).toEqual({
      id: `fp:${RECORD.EventId__c}`,
      orgId: '00D5g000004Cx1aEAC',
      reasonCodes: ['pii_in_free_text'],
      actorUserId: '0055g00000AbCdEAAZ',
      object: 'Contact',
      operation: 'update',
      connectedAppId: '0H45g000000AbCdCAK',
      createdBy: undefined,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 12.5 * 86_400_000).toISOString(),
    });
  });

  it('leaves out what the verdict left out, so the rule matches events without them as before', () => {
    const { ConnectedAppId__c: _app, ObjectName__c: _object, Operation__c: _operation, ...login } = RECORD;
    const built = reviewerFeedbackOf({ ...login, OrgEventKind__c: 'login' }, '00D5g000004Cx1aEAC', 30);
    if (!('feedback' in built)) throw new Error(built.skip);
    expect(built.feedback.event).toEqual({
      id: RECORD.EventId__c,
      kind: 'login',
      occurredAt: RECORD.OccurredAt__c,
      actor: { userId: RECORD.ActorUserId__c },
    });
  });

  it('skips a verdict that cannot say what to suppress or for whom', () => {
    expect(reviewerFeedbackOf({ ...RECORD, ActorUserId__c: null }, 'org', 30)).toMatchObject({ skip: expect.stringContaining('ActorUserId__c') });
    expect(reviewerFeedbackOf({ ...RECORD, EventId__c: undefined }, 'org', 30)).toMatchObject({ skip: expect.stringContaining('EventId__c') });
    expect(reviewerFeedbackOf({ ...RECORD, Reasons__c: '[{"weight":5}]' }, 'org', 30)).toMatchObject({ skip: expect.stringContaining('Reasons__c') });
    expect(reviewerFeedbackOf({ ...RECORD, Reasons__c: 'not json' }, 'org', 30)).toMatchObject({ skip: expect.stringContaining('Reasons__c') });
  });

  it("skips a flow or egress verdict, whose actor is the sidecar's for every destination", () => {
    const flow = {
      ...RECORD,
      OrgEventKind__c: 'egress',
      ActorUserId__c: SIDECAR_ACTOR_ID,
      ConnectedAppId__c: null,
      Reasons__c: JSON.stringify([{ code: 'new_data_flow', weight: 40, message: 'nightly-sync sent data to a new host.' }]),
    };
    expect(reviewerFeedbackOf(flow, 'org', 30)).toMatchObject({ skip: expect.stringContaining('every destination') });
  });
});

describe('the org id a suppression is keyed by when the event is not in the store', () => {
  it('is the 18-character form the package sends', () => {
    expect(toId18('00D5g000004Cx1a')).toBe('00D5g000004Cx1aEAC');
    expect(toId18('00D5g000004Cx1aEAC')).toBe('00D5g000004Cx1aEAC');
  });
});
