import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockStatus, type ClockName, type ClockState } from '../../src/incidents/clocks-status.js';
import type { IncidentState } from '../../src/incidents/correlate.js';
import { storeDrafts } from '../../src/incidents/draft-store.js';
import { insertIncident } from './incident-state.js';
import { DRAFT_NAMES, loadDraftTemplates, PLACEHOLDERS, renderDraft, SHIPPED_DRAFTS_DIR } from '../../src/notify/drafts.js';
import errorHandler from '../../src/plugins/error-handler.js';
import incidentsRoute, { type IncidentsRouteOptions } from '../../src/routes/incidents.js';
import v1Routes from '../../src/routes/v1.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1aEAC';
const OTHER_ORG = '00D7x000001Ab2cEAC';
const SECRET = 'incidents-api-secret-0123456789';
const OTHER_SECRET = 'other-org-incidents-secret-98765';
const ORG_SECRETS = new Map([
  [ORG.slice(0, 15), SECRET],
  [OTHER_ORG.slice(0, 15), OTHER_SECRET],
]);
const AUTH = { authorization: `Bearer ${SECRET}` };
const OTHER_AUTH = { authorization: `Bearer ${OTHER_SECRET}` };
const HOUR = 3_600_000;
/** Awareness: Leakwatch detected the incident at 08:00 UTC. */
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const MASKED_ACTOR = 's•••@•••.example';
const APP = '0H45g000000ShSyCAK';
const DPO = 'Jana Berg, Data Protection Officer, Acme Shop GmbH';

/** An incident as the correlation stores it: two exports of people's records by one integration user, masked. */
const INCIDENT: IncidentState = {
  key: 'a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  orgId: ORG,
  revision: 3,
  openedAt: new Date(T0).toISOString(),
  lastVerdictAt: '2026-03-02T07:41:00.000Z',
  firstEventAt: '2026-03-02T07:12:00.000Z',
  severity: 'Critical',
  canary: false,
  title: `Unusual volume of records read (Case, Contact, Lead) by ${MASKED_ACTOR}`,
  actors: ['0055g00000AlIcEAAZ'],
  actorNames: [MASKED_ACTOR],
  apps: [APP],
  sessions: ['0Ak5g00000SeSs1CAC'],
  objects: ['Case', 'Contact', 'Lead'],
  dataCategories: ['EMAIL_ADDRESS', 'PERSON', 'PHONE_NUMBER'],
  estimatedRecords: 13_680,
  estimatedSubjects: 12_480,
  verdictCount: 3,
  verdicts: [
    {
      eventId: '00000000-0000-4000-8000-000000000101',
      severity: 'High',
      riskScore: 72,
      codes: ['volume_anomaly', 'integration_new_app'],
      occurredAt: '2026-03-02T07:12:00.000Z',
      detectedAt: '2026-03-02T08:00:00.000Z',
      summary: `${MASKED_ACTOR} read 9,800 Contact records, 14 times the usual volume. Integration user acting through a new app.`,
      actorId: '0055g00000AlIcEAAZ',
      actorName: MASKED_ACTOR,
      object: 'Contact',
      recordCount: 9_800,
      connectedAppId: APP,
      sessionId: '0Ak5g00000SeSs1CAC',
    },
    {
      eventId: '00000000-0000-4000-8000-000000000102',
      severity: 'Critical',
      riskScore: 91,
      codes: ['report_export_pii', 'volume_anomaly'],
      occurredAt: '2026-03-02T07:30:00.000Z',
      detectedAt: '2026-03-02T08:05:00.000Z',
      summary: 'Report with e-mail addresses (j•••@•••.com) and phone numbers (+49 ••• ••• 12) exported: 2,680 Lead rows.',
      actorId: '0055g00000AlIcEAAZ',
      actorName: MASKED_ACTOR,
      object: 'Lead',
      recordCount: 2_680,
      connectedAppId: APP,
    },
    {
      eventId: '00000000-0000-4000-8000-000000000103',
      severity: 'High',
      riskScore: 70,
      codes: ['unbounded_pii_query'],
      occurredAt: '2026-03-02T07:41:00.000Z',
      detectedAt: '2026-03-02T08:10:00.000Z',
      summary: 'Unbounded query of personal data: 1,200 Case records with SuppliedEmail.',
      actorId: '0055g00000AlIcEAAZ',
      actorName: MASKED_ACTOR,
      object: 'Case',
      recordCount: 1_200,
    },
  ],
};

/** The same org's incident from a week before: listed after the newer one. */
const OLDER: IncidentState = {
  ...INCIDENT,
  key: 'b7e20d11-3c4f-4a5b-9c6d-7e8f9a0b1c2d',
  revision: 1,
  openedAt: '2026-02-23T09:00:00.000Z',
  lastVerdictAt: '2026-02-23T08:55:00.000Z',
  firstEventAt: '2026-02-23T08:55:00.000Z',
  severity: 'High',
  title: 'Critical permissions granted by a•••@•••.example',
  dataCategories: [],
  estimatedRecords: 0,
  estimatedSubjects: 0,
  verdictCount: 1,
  verdicts: [],
};

/** Another org's incident: never visible to the first org. */
const FOREIGN: IncidentState = { ...INCIDENT, key: 'c9d8e7f6-a5b4-4c3d-8e2f-1a0b9c8d7e6f', orgId: OTHER_ORG, title: 'Another org' };

/** An e-mail address that is not masked. */
const RAW_EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

let clock = new Date(T0);
const atHour = (hours: number) => {
  clock = new Date(T0 + hours * HOUR);
};

/** The route alone in the `/v1` bearer context, with the house error replies and the sidecar's validation settings. */
async function incidentsApp(store: Store, extra: Partial<IncidentsRouteOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } } }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(errorHandler);
  await app.register(v1Routes, { orgSecrets: ORG_SECRETS, routes: (v1) => v1.register(incidentsRoute, { store, now: () => clock, ...extra }) });
  await app.ready();
  return app;
}

/** Windows-1252 at 0x80-0x9F (Node's TextDecoder reads that range as Latin-1 control characters). */
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const cp1252 = (bytes: Buffer) => [...bytes].map((b) => (b >= 0x80 && b <= 0x9f ? CP1252_C1[b - 0x80] : String.fromCharCode(b))).join('');

/** The text of an uncompressed PDF's `TJ` operators, decoded as Windows-1252, its wrapped lines joined by single spaces. */
function pdfText(pdf: Buffer): string {
  return [...pdf.toString('latin1').matchAll(/\[([^\]]*)\]\s*TJ/g)]
    .map((m) => [...(m[1] as string).matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => cp1252(Buffer.from(h[1] as string, 'hex'))).join(''))
    .join(' ')
    .replace(/\s+/g, ' ');
}

/** The document information's title of a PDF whose title is a literal string in an object of its own. */
function pdfInfoTitle(pdf: Buffer): string | undefined {
  const raw = pdf.toString('latin1');
  const ref = /\/Title (\d+) 0 R/.exec(raw)?.[1];
  return ref === undefined ? undefined : new RegExp(`\\n${ref} 0 obj\\n\\((.*)\\)\\nendobj`).exec(raw)?.[1];
}

describe('incidents API', () => {
  let test: TestStore;
  let app: FastifyInstance;
  let scratch: string;

  beforeAll(async () => {
    test = await openTestStore('pglite');
    for (const state of [INCIDENT, OLDER, FOREIGN]) await insertIncident(test.store, state);
    app = await incidentsApp(test.store, { dpoContact: DPO });
    scratch = await mkdtemp(join(tmpdir(), 'leakwatch-drafts-'));
  });
  afterAll(async () => {
    await app?.close();
    await test?.dispose();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = AUTH) => app.inject({ method: 'GET', url, headers });

  describe('regulatory clocks', () => {
    const ALL_RUNNING: Record<ClockName, ClockState> = {
      gdpr72h: 'running',
      nis2EarlyWarning24h: 'running',
      nis2Notification72h: 'running',
      nis2FinalReport1Month: 'running',
    };
    const EXPECTED: Array<[hours: number, states: Record<ClockName, ClockState>]> = [
      [0, ALL_RUNNING],
      [13, { ...ALL_RUNNING, nis2EarlyWarning24h: 'past50' }],
      [22, { ...ALL_RUNNING, nis2EarlyWarning24h: 'past90' }],
      // 25 h is past the 24-hour early warning but only 35 % of the 72-hour clocks: their 50 % reminder comes at 36 h.
      [25, { ...ALL_RUNNING, nis2EarlyWarning24h: 'overdue' }],
      [37, { gdpr72h: 'past50', nis2EarlyWarning24h: 'overdue', nis2Notification72h: 'past50', nis2FinalReport1Month: 'running' }],
      [70, { gdpr72h: 'past90', nis2EarlyWarning24h: 'overdue', nis2Notification72h: 'past90', nis2FinalReport1Month: 'running' }],
      [73, { gdpr72h: 'overdue', nis2EarlyWarning24h: 'overdue', nis2Notification72h: 'overdue', nis2FinalReport1Month: 'running' }],
    ];

    it.each(EXPECTED)('at %i hours after awareness the list shows each clock in its state', async (hours, states) => {
      atHour(hours);
      const response = await get('/v1/incidents');
      expect(response.statusCode).toBe(200);
      const listed = response.json().incidents.find((i: { key: string }) => i.key === INCIDENT.key);
      const shown = Object.fromEntries(Object.entries(listed.clocks as Record<string, { state: string }>).map(([name, c]) => [name, c.state]));
      expect(shown).toEqual(states);
    });

    it('counts each clock to its deadline from detection, with the share of its span gone', () => {
      const at13 = clockStatus(INCIDENT, new Date(T0 + 13 * HOUR));
      expect(at13).toEqual({
        gdpr72h: { dueAt: '2026-03-05T08:00:00.000Z', elapsedShare: 0.1806, state: 'running' },
        nis2EarlyWarning24h: { dueAt: '2026-03-03T08:00:00.000Z', elapsedShare: 0.5417, state: 'past50' },
        nis2Notification72h: { dueAt: '2026-03-05T08:00:00.000Z', elapsedShare: 0.1806, state: 'running' },
        nis2FinalReport1Month: { dueAt: '2026-04-05T08:00:00.000Z', elapsedShare: 0.0159, state: 'running' },
      });
      expect(clockStatus(INCIDENT, new Date(T0 + 12 * HOUR))?.nis2EarlyWarning24h.state).toBe('past50');
      expect(clockStatus(INCIDENT, new Date(T0 + 24 * HOUR))?.nis2EarlyWarning24h).toMatchObject({ elapsedShare: 1, state: 'past90' });
      expect(clockStatus(INCIDENT, new Date(T0 + 48 * HOUR))?.nis2EarlyWarning24h).toMatchObject({ elapsedShare: 2, state: 'overdue' });
    });

    it("counts from a DPO's later awareness when one is given", () => {
      const confirmed = new Date(T0 + 20 * HOUR).toISOString();
      const status = clockStatus({ ...INCIDENT, awarenessAt: confirmed, awarenessBasis: 'confirmation' }, new Date(T0 + 22 * HOUR));
      expect(status?.nis2EarlyWarning24h).toEqual({ dueAt: '2026-03-04T04:00:00.000Z', elapsedShare: 0.0833, state: 'running' });
    });

    it('starts no clock while an incident waits for a DPO to confirm it', () => {
      expect(clockStatus({ ...INCIDENT, awarenessBasis: 'confirmation' }, new Date(T0 + 22 * HOUR))).toBeUndefined();
    });

    it('stops a clock at its milestone: met in time, or met late, with the share gone when it was met', () => {
      const org = {
        milestones: {
          earlyWarning: { at: new Date(T0 + 30 * HOUR).toISOString(), userId: '005000000000001AAA' },
          notifyAuthority: { at: new Date(T0 + 36 * HOUR).toISOString() },
        },
      };
      const status = clockStatus({ ...INCIDENT, org }, new Date(T0 + 80 * HOUR));
      expect(status?.nis2EarlyWarning24h).toEqual({
        dueAt: '2026-03-03T08:00:00.000Z',
        elapsedShare: 1.25,
        state: 'metLate',
        metAt: org.milestones.earlyWarning.at,
      });
      expect(status?.gdpr72h).toEqual({ dueAt: '2026-03-05T08:00:00.000Z', elapsedShare: 0.5, state: 'met', metAt: org.milestones.notifyAuthority.at });
      expect(status?.nis2Notification72h.state).toBe('overdue');
    });
  });

  describe('listing and reading', () => {
    it("lists the calling org's incidents newest first, with counts and categories, and nothing of other orgs", async () => {
      atHour(1);
      const response = await get('/v1/incidents');
      expect(response.statusCode).toBe(200);
      const { incidents } = response.json();
      expect(incidents.map((i: { key: string }) => i.key)).toEqual([INCIDENT.key, OLDER.key]);
      expect(incidents[0]).toMatchObject({
        key: INCIDENT.key,
        title: INCIDENT.title,
        severity: 'Critical',
        revision: 3,
        openedAt: '2026-03-02T08:00:00.000Z',
        lastVerdictAt: '2026-03-02T07:41:00.000Z',
        verdictCount: 3,
        dataCategories: ['EMAIL_ADDRESS', 'PERSON', 'PHONE_NUMBER'],
        estimatedSubjects: 12_480,
        awareness: { at: '2026-03-02T08:00:00.000Z', basis: 'detection' },
      });
      expect(Object.keys(incidents[0]).sort()).toEqual(
        [
          'awareness',
          'clocks',
          'dataCategories',
          'estimatedSubjects',
          'key',
          'lastVerdictAt',
          'openedAt',
          'revision',
          'severity',
          'title',
          'verdictCount',
        ].sort(),
      );
    });

    it('reads one incident with its timeline, oldest first', async () => {
      const response = await get(`/v1/incidents/${INCIDENT.key.toUpperCase()}`);
      expect(response.statusCode).toBe(200);
      const incident = response.json();
      expect(incident).toMatchObject({
        key: INCIDENT.key,
        estimatedRecords: 13_680,
        actors: [MASKED_ACTOR],
        objects: ['Case', 'Contact', 'Lead'],
        apps: [APP],
        canary: false,
      });
      expect(incident.timeline.map((t: { at: string }) => t.at)).toEqual([
        '2026-03-02T07:12:00.000Z',
        '2026-03-02T07:30:00.000Z',
        '2026-03-02T07:41:00.000Z',
        '2026-03-02T08:00:00.000Z',
      ]);
      expect(incident.timeline.at(-1)).toEqual({
        at: '2026-03-02T08:00:00.000Z',
        what: 'Incident opened by Leakwatch from its first verdict',
        who: 'Leakwatch',
      });
      expect(incident.clocks.gdpr72h.dueAt).toBe('2026-03-05T08:00:00.000Z');
    });

    it("answers 404 to another org's secret, for the incident and its drafts, and lists none of them", async () => {
      for (const url of [`/v1/incidents/${INCIDENT.key}`, `/v1/incidents/${INCIDENT.key}/drafts/gdpr-art33`]) {
        const response = await get(url, OTHER_AUTH);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message: expect.stringContaining('No incident of this org'),
          requestId: expect.any(String),
        });
      }
      const listed = await get('/v1/incidents', OTHER_AUTH);
      expect(listed.json().incidents.map((i: { key: string }) => i.key)).toEqual([FOREIGN.key]);
    });

    it('answers 404 to an unknown key and 401 without the secret', async () => {
      const unknown = await get('/v1/incidents/00000000-0000-4000-8000-00000000dead');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ statusCode: 404, error: 'Not Found', requestId: expect.any(String) });
      expect((await get('/v1/incidents', {})).statusCode).toBe(401);
    });

    it.each([
      ['a key that is not a UUID', '/v1/incidents/not-a-key', 'key'],
      ['a key that is not a UUID, for a draft', '/v1/incidents/not-a-key/drafts/gdpr-art33', 'key'],
      ['an unknown draft', `/v1/incidents/${INCIDENT.key}/drafts/gdpr-art34`, 'draft'],
      ['an unknown language', `/v1/incidents/${INCIDENT.key}/drafts/gdpr-art33?lang=fr`, 'lang'],
      ['an unknown format', `/v1/incidents/${INCIDENT.key}/drafts/gdpr-art33?format=docx`, 'format'],
      ['an unknown query parameter', `/v1/incidents/${INCIDENT.key}/drafts/gdpr-art33?style=long`, 'querystring'],
    ])('answers 400 to %s', async (_, url, named) => {
      const response = await get(url);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining(named), requestId: expect.any(String) });
    });
  });

  describe('report drafts', () => {
    const draft = (name: string, query = '') => get(`/v1/incidents/${INCIDENT.key}/drafts/${name}${query}`);

    it('serves the drafts stored with each revision, as they read then, and lists them', async () => {
      const templates = await loadDraftTemplates();
      const firstRevision = { ...OLDER, revision: 1, estimatedSubjects: 40 };
      const secondRevision = { ...OLDER, revision: 2, estimatedSubjects: 9_800 };
      await test.store.query('UPDATE incident SET revision = 2, state = $2::jsonb WHERE incident_key = $1::uuid', [OLDER.key, JSON.stringify(secondRevision)]);
      expect(await storeDrafts(test.store, [firstRevision], { templates, dpoContact: DPO }, new Date('2026-02-23T09:01:00Z'))).toBe(DRAFT_NAMES.length * 2);
      expect(await storeDrafts(test.store, [firstRevision], { templates }, new Date('2026-02-23T10:00:00Z'))).toBe(0);
      await storeDrafts(test.store, [secondRevision], { templates, dpoContact: DPO }, new Date('2026-02-24T11:30:00Z'));

      const index = await get(`/v1/incidents/${OLDER.key}/drafts`);
      expect(index.statusCode).toBe(200);
      expect(index.json().revisions.map((r: { revision: number; drafts: unknown[] }) => [r.revision, r.drafts.length])).toEqual([
        [2, DRAFT_NAMES.length * 2],
        [1, DRAFT_NAMES.length * 2],
      ]);

      const first = await get(`/v1/incidents/${OLDER.key}/drafts/gdpr-art33?revision=1`);
      expect(first.statusCode).toBe(200);
      expect(first.headers['x-leakwatch-revision']).toBe('1');
      expect(first.body).toContain('(revision 1)');
      expect(first.body).toContain('2026-02-23 09:01 UTC');
      expect(first.body).toMatch(/\b40\b/);

      atHour(200);
      const current = await get(`/v1/incidents/${OLDER.key}/drafts/gdpr-art33?lang=de`);
      expect(current.headers['x-leakwatch-revision']).toBe('2');
      expect(current.body).toContain('2026-02-24 11:30 UTC');
      expect(current.body).toContain('9.800');

      const missing = await get(`/v1/incidents/${OLDER.key}/drafts/gdpr-art33?revision=7`);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().message).toContain('revision 7');
      expect((await get(`/v1/incidents/${OLDER.key}/drafts`, OTHER_AUTH)).statusCode).toBe(404);
    });

    it('writes the GDPR Art. 33 notification in English with the Art. 33(3) points, the categories and the counts', async () => {
      atHour(5);
      const response = await draft('gdpr-art33');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(response.headers['content-disposition']).toBe('attachment; filename="leakwatch-gdpr-art33-a3c1e2f4-en.md"');
      const text = response.body;
      expect(text).toMatch(/^# Notification of a personal data breach to the supervisory authority\n/);
      for (const heading of [
        '## (a) Nature of the personal data breach',
        '## (b) Data protection officer or other contact point',
        '## (c) Likely consequences of the personal data breach',
        '## (d) Measures taken or proposed',
      ])
        expect(text).toContain(`\n${heading}\n`);
      expect(text).toContain('- Categories of personal data concerned: EMAIL_ADDRESS, PERSON, PHONE_NUMBER');
      expect(text).toContain('- Approximate number of personal data records concerned: at least 13,680');
      expect(text).toContain('- Approximate number of data subjects concerned: at least 12,480');
      expect(text).toContain('Due by 2026-03-05 08:00 UTC');
      expect(text).toContain(`- Title: ${INCIDENT.title}`);
      expect(text).toContain(`- Accounts that acted (masked): ${MASKED_ACTOR}`);
      expect(text).toContain(`\n${DPO}\n`);
      expect(text).toContain('[to be completed: the likely consequences for the data subjects');
      expect(text).toContain('[to be completed: measures taken or proposed to address the breach');
      expect(text).not.toMatch(RAW_EMAIL);
      expect(text).not.toContain('{{');
    });

    it('writes it in German with the points of Art. 33 Abs. 3 DSGVO and German digit grouping', async () => {
      const response = await draft('gdpr-art33', '?lang=de');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-disposition']).toBe('attachment; filename="leakwatch-gdpr-art33-a3c1e2f4-de.md"');
      const text = response.body;
      expect(text).toMatch(/^# Meldung einer Verletzung des Schutzes personenbezogener Daten an die Aufsichtsbehörde\n/);
      for (const heading of [
        '## a) Art der Verletzung des Schutzes personenbezogener Daten',
        '## b) Datenschutzbeauftragter oder sonstige Anlaufstelle',
        '## c) Wahrscheinliche Folgen der Verletzung',
        '## d) Ergriffene oder vorgeschlagene Maßnahmen',
      ])
        expect(text).toContain(`\n${heading}\n`);
      expect(text).toContain('- Kategorien der betroffenen personenbezogenen Daten: EMAIL_ADDRESS, PERSON, PHONE_NUMBER');
      expect(text).toContain('- Ungefähre Zahl der betroffenen personenbezogenen Datensätze: mindestens 13.680');
      expect(text).toContain('- Ungefähre Zahl der betroffenen Personen: mindestens 12.480');
      expect(text).toContain('[zu ergänzen: die wahrscheinlichen Folgen');
      expect(text).toContain(MASKED_ACTOR);
      expect(text).not.toMatch(RAW_EMAIL);
    });

    it('writes the three NIS2 reports with what Art. 23(4) asks of each, in both languages', async () => {
      const expected: Record<string, { en: string[]; de: string[] }> = {
        'nis2-early-warning': {
          en: ['## Suspected unlawful or malicious acts', '## Possible cross-border impact', 'by 2026-03-03 08:00 UTC (24 hours after awareness)'],
          de: [
            '## Verdacht auf rechtswidrige oder böswillige Handlungen',
            '## Mögliche grenzüberschreitende Auswirkungen',
            'bis 2026-03-03 08:00 UTC (24 Stunden nach Kenntniserlangung)',
          ],
        },
        'nis2-notification': {
          en: [
            '## Update of the early warning',
            '## Initial assessment: severity and impact',
            '## Indicators of compromise',
            `- Connected app: ${APP}`,
            `- Account (masked): ${MASKED_ACTOR}`,
            '- Sessions involved: 1',
            '- Detection reasons: integration_new_app, report_export_pii, unbounded_pii_query, volume_anomaly',
          ],
          de: [
            '## Aktualisierung der Frühwarnung',
            '## Erste Bewertung: Schweregrad und Auswirkungen',
            '## Kompromittierungsindikatoren',
            `- Verbundene App: ${APP}`,
            '- Datensätze in der auffälligen Aktivität: mindestens 13.680',
          ],
        },
        'nis2-final-report': {
          en: [
            '## (i) Detailed description, severity and impact',
            '## (ii) Type of threat or root cause',
            '## (iii) Mitigation measures applied and ongoing',
            '## (iv) Cross-border impact',
            'by 2026-04-05 08:00 UTC',
            '- 2026-03-02 07:30 UTC: Critical verdict: Report with e-mail addresses',
          ],
          de: [
            '## ii) Art der Bedrohung oder zugrunde liegende Ursache',
            '## iii) Getroffene und laufende Abhilfemaßnahmen',
            '## iv) Grenzüberschreitende Auswirkungen',
            '### Zeitlicher Ablauf',
          ],
        },
      };
      for (const [name, byLang] of Object.entries(expected)) {
        for (const lang of ['en', 'de'] as const) {
          const response = await draft(name, `?lang=${lang}`);
          expect(response.statusCode, `${name} ${lang}`).toBe(200);
          for (const line of byLang[lang]) expect(response.body, `${name} ${lang}`).toContain(line);
          expect(response.body).toContain(lang === 'en' ? '[to be completed:' : '[zu ergänzen:');
          expect(response.body).toContain('EMAIL_ADDRESS, PERSON, PHONE_NUMBER');
          expect(response.body).not.toMatch(RAW_EMAIL);
          expect(response.body).not.toContain('{{');
        }
      }
    });

    it('leaves the contact point blank when no DPO is configured, and says so when no category was recognised', async () => {
      const templates = await loadDraftTemplates();
      const text = renderDraft(templates, 'gdpr-art33', OLDER, { lang: 'en', now: clock }) as string;
      expect(text).toContain(
        '\n[to be completed: name and contact details of the data protection officer or other contact point where more information can be obtained]\n',
      );
      expect(text).toContain('- Categories of personal data concerned: [to be completed: no personal-data category was recognised');
      const german = renderDraft(templates, 'gdpr-art33', OLDER, { lang: 'de', now: clock }) as string;
      expect(german).toContain('\n[zu ergänzen: Name und Kontaktdaten des Datenschutzbeauftragten');
    });

    it('serves a draft as a PDF that carries its text', async () => {
      const response = await draft('gdpr-art33', '?format=pdf');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.headers['content-disposition']).toBe('attachment; filename="leakwatch-gdpr-art33-a3c1e2f4-en.pdf"');
      const pdf = response.rawPayload;
      expect(pdf.length).toBeGreaterThan(1024);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
      expect(pdfInfoTitle(pdf)).toBe('Notification of a personal data breach to the supervisory authority');
      const text = pdfText(pdf);
      expect(text).toContain('Notification of a personal data breach to the supervisory authority');
      expect(text).toContain('(d) Measures taken or proposed');
      expect(text).toContain(`Title: ${INCIDENT.title}`);
      expect(text).toContain('EMAIL_ADDRESS');
      expect(text).not.toMatch(RAW_EMAIL);

      const german = await draft('nis2-final-report', '?format=pdf&lang=de');
      expect(german.statusCode).toBe(200);
      expect(german.headers['content-disposition']).toBe('attachment; filename="leakwatch-nis2-final-report-a3c1e2f4-de.pdf"');
      expect(pdfText(german.rawPayload)).toContain('iii) Getroffene und laufende Abhilfemaßnahmen');
    });
  });

  describe('templates an administrator changes', () => {
    it('replaces a shipped template file by file from the drafts directory', async () => {
      const dir = join(scratch, 'own');
      await mkdir(join(dir, 'en'), { recursive: true });
      await writeFile(join(dir, 'en', 'gdpr-art33.md'), '# Acme breach form\n\nIncident: {{title}} ({{ estimatedRecords }} records), contact {{dpoContact}}\n');
      const own = await incidentsApp(test.store, { draftsDir: dir });
      try {
        const english = await own.inject({ method: 'GET', url: `/v1/incidents/${INCIDENT.key}/drafts/gdpr-art33`, headers: AUTH });
        expect(english.body).toBe(
          `# Acme breach form\n\nIncident: ${INCIDENT.title} (13,680 records), contact [to be completed: name and contact details of the data protection officer or other contact point where more information can be obtained]\n`,
        );
        const german = await own.inject({ method: 'GET', url: `/v1/incidents/${INCIDENT.key}/drafts/gdpr-art33?lang=de`, headers: AUTH });
        expect(german.body).toContain('## a) Art der Verletzung des Schutzes personenbezogener Daten');
      } finally {
        await own.close();
      }
    });

    it('refuses a template with an unknown placeholder at load time, naming the file and line', async () => {
      const dir = join(scratch, 'broken');
      await mkdir(join(dir, 'de'), { recursive: true });
      const file = join(dir, 'de', 'nis2-final-report.md');
      await writeFile(file, '# Abschlussbericht\n\nBetroffen: {{victimName}}\n');
      const expected = `${file}, line 3: unknown placeholder {{victimName}}`;
      await expect(loadDraftTemplates({ dir })).rejects.toThrow(expected);
      await expect(incidentsApp(test.store, { draftsDir: dir })).rejects.toThrow(expected);
    });

    it('refuses an unclosed placeholder and a drafts directory that does not exist', async () => {
      const dir = join(scratch, 'unclosed');
      await mkdir(join(dir, 'en'), { recursive: true });
      await writeFile(join(dir, 'en', 'nis2-notification.md'), '# Notification\n{{title}\n');
      await expect(loadDraftTemplates({ dir })).rejects.toThrow(`${join(dir, 'en', 'nis2-notification.md')}, line 2:`);
      await expect(loadDraftTemplates({ dir: join(scratch, 'missing') })).rejects.toThrow(join(scratch, 'missing'));
    });

    it('ships an English and a German template of every draft, and documents exactly the placeholders it knows', async () => {
      const templates = await loadDraftTemplates();
      for (const name of DRAFT_NAMES) for (const lang of ['en', 'de'] as const) expect(templates.get(name, lang), `${lang}/${name}`).toMatch(/^# /);
      const readme = await readFile(join(SHIPPED_DRAFTS_DIR, 'README.md'), 'utf8');
      const documented = new Set([...readme.matchAll(/`\{\{(\w+)\}\}`/g)].map((m) => m[1]));
      expect([...documented].sort()).toEqual(Object.keys(PLACEHOLDERS).sort());
    });
  });
});
