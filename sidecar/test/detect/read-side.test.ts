import { describe, expect, it } from 'vitest';
import type { LeakEvent } from '../../src/contract/event.js';
import { mapStreamEvent } from '../../src/collect/realtime/map-event.js';
import { createDetector } from '../../src/detect/index.js';
import { networkOf } from '../../src/contract/network.js';
import { clientFamily } from '../../src/detect/rules/read-side.js';
import { at, classified, ORG } from './helpers.js';

const APP = '0H45g000000ShSyCAK';
const SYNC = { userId: '0055g00000ShSyNAAV', username: 'shopsync@acme-shop.example', connectedAppId: APP, isIntegration: true };

let n = 0;
/** A streamed API query as the subscriber stores it (through the real mapping). */
function apiQuery(day: number, hour: number, query: string, extra: Record<string, unknown> = {}, actor = SYNC): Partial<LeakEvent> {
  n += 1;
  const event = mapStreamEvent(
    '/event/ApiEventStream',
    {
      EventIdentifier: `q-${n}`,
      EventDate: Date.parse(at(day, hour, n % 60)),
      UserId: actor.userId,
      Username: actor.username,
      ConnectedAppId: actor.connectedAppId,
      SourceIp: '198.51.100.20',
      UserAgent: 'ShopSync/4.2 (+https://shopsync.example)',
      SessionKey: `s-${day}`,
      RowsProcessed: 40,
      Query: query,
      ...extra,
    },
    { orgId: ORG },
  )!;
  return { ...event, actor: { ...event.actor, isIntegration: actor.isIntegration } };
}

const codes = (v: { reasons: Array<{ code: string }> } | null) => v?.reasons.map((r) => r.code) ?? [];

describe('read-side rules on streamed events', () => {
  it('an integration user from a new client and network, paging through Contacts with FIELDS(ALL)', () => {
    const detector = createDetector();
    // Ten days of the usual sync: its own client, its own network, a bounded query.
    for (let d = 0; d < 10; d++)
      for (let h = 9; h < 12; h++)
        expect(codes(detector.scoreOpen(classified(apiQuery(d, h, 'SELECT Id, Status FROM Order WHERE LastModifiedDate = TODAY'))))).toEqual([]);
    const theft = (i: number) =>
      apiQuery(10, 3, `SELECT FIELDS(ALL) FROM Contact WHERE Id > '0035g00000A${String(i).padStart(5, '0')}' ORDER BY Id LIMIT 200`, {
        SourceIp: '203.0.113.66',
        UserAgent: 'python-requests/2.31.0',
        SessionKey: 'stolen',
        RowsProcessed: 200,
      });
    const first = detector.scoreOpen(classified(theft(0)));
    expect(codes(first)).toEqual(expect.arrayContaining(['integration_new_client', 'unbounded_pii_query']));
    expect(first!.reasons.find((r) => r.code === 'integration_new_client')!.message).toMatch(/python-requests.*203\.0\.113\.0\/24/);
    const later: string[] = [];
    for (let i = 1; i < 25; i++) later.push(...codes(detector.scoreOpen(classified(theft(i)))));
    // Each finding is reported once; the paging is found when the small queries add up.
    expect(later.filter((c) => c === 'integration_new_client')).toHaveLength(0);
    expect(later.filter((c) => c === 'paged_enumeration')).toHaveLength(1);
  });

  it('a user whose clients were never watched for the warm-up is learnt, not flagged', () => {
    const detector = createDetector();
    const first = detector.scoreOpen(classified(apiQuery(0, 10, 'SELECT Id FROM Order LIMIT 10', { UserAgent: 'Dataloader/60.0' })));
    expect(codes(first)).not.toContain('integration_new_client');
  });

  it("Salesforce's threat events become a reason weighted by their score", () => {
    const detector = createDetector();
    const low = mapStreamEvent(
      '/event/ApiAnomalyEvent',
      { EventIdentifier: 'a1', EventDate: Date.parse(at(1, 10)), UserId: SYNC.userId, Score: 10, Summary: 'Slightly unusual' },
      { orgId: ORG },
    )!;
    const high = mapStreamEvent(
      '/event/SessionHijackingEvent',
      { EventIdentifier: 'h1', EventDate: Date.parse(at(1, 11)), UserId: SYNC.userId, Score: 95, Summary: 'Browser fingerprint changed' },
      { orgId: ORG },
    )!;
    const a = detector.scoreOpen(classified(low));
    const b = detector.scoreOpen(classified(high));
    expect(codes(a)).toEqual(['salesforce_threat_detected']);
    expect(codes(b)).toEqual(['salesforce_threat_detected']);
    expect(b!.riskScore).toBeGreaterThan(a!.riskScore);
    expect(b!.reasons[0]!.message).toContain('Browser fingerprint changed');
  });

  it('a coverage gap becomes a verdict naming its span', () => {
    const detector = createDetector();
    const verdict = detector.scoreOpen(
      classified({
        kind: 'setup',
        operation: 'change',
        occurredAt: at(3, 0),
        actor: { userId: '005000000000000AAA' },
        details: { source: 'PubSub', topic: 'ApiEventStream', change: 'coverage_gap', gapFrom: at(0, 0), gapTo: at(3, 0) },
      }),
    );
    expect(codes(verdict)).toEqual(['realtime_coverage_gap']);
    expect(verdict!.reasons[0]!.message).toContain(at(0, 0));
  });

  it('a report with personal-data columns exported in bulk', () => {
    const detector = createDetector();
    const report = (rows: number, i: number) =>
      mapStreamEvent(
        '/event/ReportEventStream',
        {
          EventIdentifier: `r${i}`,
          EventDate: Date.parse(at(2, 10, i)),
          UserId: '0055g00000MaRkTAAV',
          ReportId: '00O5g000000AbCdEAK',
          Name: 'All customers',
          ColumnHeaders: 'Full Name, Email, Mobile Phone',
          QueriedEntities: 'Contact',
          RowsProcessed: rows,
          ExportFileFormat: 'CSV',
        },
        { orgId: ORG },
      )!;
    expect(codes(detector.scoreOpen(classified(report(40, 1))))).not.toContain('report_export_pii');
    const big = detector.scoreOpen(classified(report(12_000, 2)));
    expect(codes(big)).toContain('report_export_pii');
    expect(big!.reasons.find((r) => r.code === 'report_export_pii')!.message).toContain('Email (EMAIL_ADDRESS)');
  });

  it('reads client families and networks', () => {
    expect(clientFamily('python-requests/2.31.0')).toBe('python-requests');
    expect(clientFamily('Dataloader/60.0 (Windows)')).toBe('dataloader');
    expect(networkOf('203.0.113.66')).toBe('203.0.113.0/24');
    expect(networkOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(networkOf('not an ip')).toBeUndefined();
  });
});

describe('Bulk API result downloads', () => {
  it('a download at an hour the user never downloads in, once their downloads are known', () => {
    const detector = createDetector();
    let i = 0;
    const download = (day: number, hour: number) =>
      mapStreamEvent(
        '/event/BulkApiResultEvent',
        {
          EventIdentifier: `b${(i += 1)}`,
          EventDate: Date.parse(at(day, hour, i % 60)),
          UserId: SYNC.userId,
          Username: SYNC.username,
          Query: 'SELECT Id, Email FROM Contact',
          SessionKey: `n${day}`,
        },
        { orgId: ORG },
      )!;
    // Ten nights of the sync's downloads around 02:00, in an org whose read volumes are watched.
    detector.scoreOpen(classified(apiQuery(0, 2, 'SELECT Id FROM Order LIMIT 40')));
    for (let d = 0; d < 10; d++)
      for (let k = 0; k < 8; k++) expect(codes(detector.scoreOpen(classified(download(d, 2))))).not.toContain('bulk_download_off_window');
    expect(codes(detector.scoreOpen(classified(download(10, 2))))).not.toContain('bulk_download_off_window');
    const noon = detector.scoreOpen(classified(download(10, 13)));
    expect(codes(noon)).toContain('bulk_download_off_window');
    expect(codes(detector.scoreOpen(classified(download(10, 13))))).not.toContain('bulk_download_off_window');
  });
});
