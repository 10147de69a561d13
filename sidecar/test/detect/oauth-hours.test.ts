import { describe, expect, it } from 'vitest';
import type { LeakEvent } from '../../src/contract/event.js';
import { hashValue } from '../../src/classify/hash.js';
import { createDetector, severityFor } from '../../src/detect/index.js';
import { at, classified, entity } from './helpers.js';

const APP = '0H45g000000ShSyCAK';
const USER = { userId: '0055g00000ShSyNAAV', username: 'shopsync@acme-shop.example', connectedAppId: APP };

function oauth(day: number, scopes: string[], appId = APP, appName = 'ShopSync'): Partial<LeakEvent> {
  return {
    kind: 'oauth',
    operation: 'authorize',
    occurredAt: at(day, 1),
    actor: { ...USER, connectedAppId: appId },
    details: { appName, scopes },
  };
}

describe('OAuth rules', () => {
  it('learns apps during warm-up, then flags new apps, new scopes and broad scopes', () => {
    const detector = createDetector();
    for (let d = 0; d < 8; d++) expect(detector.scoreOpen(classified(oauth(d, ['api', 'refresh_token'])))).toBeNull();
    const newApp = detector.scoreOpen(classified(oauth(8, ['api', 'full'], '0H45g000000NeWaAAC', 'Lead Exporter Pro')));
    expect(newApp?.reasons.map((r) => r.code)).toEqual(['new_connected_app', 'broad_oauth_scopes']);
    expect(newApp?.reasons[0]?.message).toContain('Lead Exporter Pro');
    const scopes = detector.scoreOpen(classified(oauth(9, ['api', 'refresh_token', 'full'])));
    expect(scopes?.reasons.map((r) => r.code)).toEqual(['new_oauth_scopes', 'broad_oauth_scopes']);
    expect(detector.scoreOpen(classified(oauth(10, ['api', 'full'])))).toBeNull();
  });

  it('flags a token holder that wakes after the dormancy period, once', () => {
    const detector = createDetector({ config: { dormantTokenDays: 30 } });
    detector.scoreOpen(classified(oauth(0, ['api'])));
    expect(detector.scoreOpen(classified(oauth(29, ['api'])))).toBeNull();
    const woke = detector.scoreOpen(
      classified({
        kind: 'export',
        object: 'Contact',
        operation: 'query',
        recordCount: 5,
        occurredAt: at(62, 22),
        actor: USER,
      }),
    );
    expect(woke?.reasons.map((r) => r.code)).toEqual(['dormant_token_woke']);
    expect(
      detector.scoreOpen(
        classified({
          kind: 'export',
          object: 'Contact',
          operation: 'query',
          recordCount: 5,
          occurredAt: at(62, 22, 5),
          actor: USER,
        }),
      ),
    ).toBeNull();
  });
});

describe('unusual hours', () => {
  it('flags the first event of an hour the actor never works in, not the rest of that hour', () => {
    const detector = createDetector();
    const agent = { userId: '0055g00000Ag002AAV', username: 'aisha.agent@acme-shop.example' };
    for (let d = 0; d < 14; d++)
      for (let h = 8; h < 17; h++) detector.scoreOpen(classified({ object: 'Case', operation: 'update', recordCount: 1, occurredAt: at(d, h), actor: agent }));
    const night = [0, 5, 10].map((m) =>
      detector.scoreOpen(classified({ object: 'Case', operation: 'update', recordCount: 1, occurredAt: at(14, 3, m), actor: agent })),
    );
    expect(night[0]?.reasons.map((r) => r.code)).toEqual(['unusual_hour']);
    expect(night.slice(1)).toEqual([null, null]);
    expect(detector.scoreOpen(classified({ object: 'Case', operation: 'update', recordCount: 1, occurredAt: at(14, 17, 30), actor: agent }))).toBeNull();
  });
});

describe('canary markers by hash', () => {
  it('recognises a marker among findings when the field values were dropped', () => {
    const marker = 'lw-canary-7f3a@acme-shop.example';
    const detector = createDetector({ hashSalt: 'salt', config: { canaries: [{ kind: 'marker', value: marker }] } });
    const found = { ...entity('EMAIL_ADDRESS'), hash: hashValue('EMAIL_ADDRESS', marker.toUpperCase(), 'salt') };
    const verdict = detector.scoreOpen(classified({ object: 'Lead', operation: 'insert' }, [{ field: 'Email', fieldType: 'EMAIL', entities: [found] }]));
    expect(verdict?.reasons.map((r) => r.code)).toEqual(['canary_value_seen']);
    expect(verdict?.reasons[0]?.message).toContain('Lead.Email');
    const other = { ...entity('EMAIL_ADDRESS'), hash: hashValue('EMAIL_ADDRESS', 'someone@acme-shop.example', 'salt') };
    expect(detector.scoreOpen(classified({ object: 'Lead', operation: 'insert' }, [{ field: 'Email', fieldType: 'EMAIL', entities: [other] }]))).toBeNull();
  });
});

describe('severity bands', () => {
  it('maps scores to bands at 80, 60, 40 and 20', () => {
    expect([100, 80, 79, 60, 59, 40, 39, 20, 19, 0].map(severityFor)).toEqual([
      'Critical',
      'Critical',
      'High',
      'High',
      'Medium',
      'Medium',
      'Low',
      'Low',
      'Info',
      'Info',
    ]);
  });
});
