import { describe, expect, it } from 'vitest';
import type { ClassifiedEvent } from '../../src/contract/verdict.js';
import { createDetector, createSuppression } from '../../src/detect/index.js';
import { classified, ORG } from './helpers.js';

const CANARY = '0035g00000CaNaRyAAA';
const NOW = Date.parse('2026-11-02T12:00:00.000Z');

function integrationLogin(userId = '0055g00000ShSyNAAV'): ClassifiedEvent {
  return classified({
    kind: 'login',
    operation: 'login',
    actor: { userId, isIntegration: true },
    details: { loginType: 'Application' },
  });
}

describe('reviewer feedback', () => {
  it('suppresses the same reasons on similar events until the suppression expires', async () => {
    let now = NOW;
    const detector = createDetector({ now: () => now });
    const first = integrationLogin();
    const verdict = await detector.score(first);
    const rule = await detector.suppress({
      verdict: verdict!,
      event: first.event,
      reviewer: 'secops@acme-shop.example',
      ttlDays: 7,
    });
    expect(rule).toMatchObject({
      orgId: ORG,
      reasonCodes: ['integration_interactive'],
      actorUserId: '0055g00000ShSyNAAV',
      expiresAt: '2026-11-09T12:00:00.000Z',
    });

    const later = (hour: number): ClassifiedEvent => ({
      ...integrationLogin(),
      event: { ...integrationLogin().event, occurredAt: `2026-11-02T${hour}:00:00.000Z` },
    });
    expect(await detector.score(later(11))).toBeNull();
    expect(
      await detector.score({
        ...integrationLogin('0055g00000ErPiNAAV'),
        event: { ...integrationLogin('0055g00000ErPiNAAV').event, occurredAt: '2026-11-02T12:00:00.000Z' },
      }),
    ).not.toBeNull();
    now = NOW + 8 * 86_400_000;
    expect(await detector.score(later(13))).not.toBeNull();
  });

  it('keeps a false positive learnt again suppressed until the later of its expiries', async () => {
    let now = NOW;
    const detector = createDetector({ now: () => now });
    const first = integrationLogin();
    const verdict = (await detector.score(first))!;
    await detector.suppress({ verdict, event: first.event, ttlDays: 7 });
    now = NOW + 5 * 86_400_000;
    await detector.suppress({ verdict, event: first.event, ttlDays: 7 });
    await detector.suppress({ verdict, event: first.event, ttlDays: 1 });
    expect(detector.heldSuppressions(ORG).map((r) => r.expiresAt)).toEqual(['2026-11-14T12:00:00.000Z']);

    const later = (hour: number): ClassifiedEvent => ({
      ...integrationLogin(),
      event: { ...integrationLogin().event, occurredAt: `2026-11-02T${hour}:00:00.000Z` },
    });
    now = NOW + 8 * 86_400_000;
    expect(await detector.score(later(11))).toBeNull();
    now = NOW + 13 * 86_400_000;
    expect(await detector.score(later(13))).not.toBeNull();
  });

  it('forgets a suppression once it has expired', async () => {
    let now = NOW;
    const detector = createDetector({ now: () => now });
    const first = integrationLogin();
    await detector.suppress({ verdict: (await detector.score(first))!, event: first.event, ttlDays: 7 });
    expect(detector.heldSuppressions(ORG)).toHaveLength(1);

    now = Date.parse('2026-11-09T12:00:00.000Z');
    expect(
      await detector.score({
        ...integrationLogin(),
        event: { ...integrationLogin().event, occurredAt: '2026-11-02T11:00:00.000Z' },
      }),
    ).not.toBeNull();
    expect(detector.heldSuppressions(ORG)).toEqual([]);
  });

  it('never suppresses canary reasons', async () => {
    const detector = createDetector({ now: () => NOW });
    await detector.registerCanary(ORG, { kind: 'record', recordId: CANARY, label: 'canary contact' });
    const touch = (): ClassifiedEvent => classified({ kind: 'export', object: 'Contact', operation: 'query', recordIds: [CANARY] });
    const first = touch();
    const verdict = await detector.score(first);
    expect(() => createSuppression({ verdict: verdict!, event: first.event }, new Date(NOW))).toThrow(RangeError);
    await expect(detector.suppress({ verdict: verdict!, event: first.event, reasonCodes: ['canary_touched'] })).rejects.toThrow(RangeError);
    expect((await detector.score(touch()))?.reasons[0]?.code).toBe('canary_touched');
  });

  it('gives the same rule for the same feedback, so recording it twice changes nothing', () => {
    const event = integrationLogin();
    const verdict = {
      eventId: event.event.id,
      orgId: ORG,
      severity: 'Medium' as const,
      riskScore: 50,
      reasons: [{ code: 'integration_interactive', weight: 50, message: 'm' }],
      piiTypes: [],
      zScore: null,
    };
    expect(createSuppression({ verdict, event: event.event }, new Date(NOW))).toEqual(createSuppression({ verdict, event: event.event }, new Date(NOW)));
  });
});
