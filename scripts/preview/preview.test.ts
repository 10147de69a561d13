import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_NAMES } from '../../sidecar/src/collect/sources/index.js';
import { runDemo, type DemoRun } from '../../sidecar/src/demo/run-demo.js';
import { createOrgClient, type OrgClient, type OrgRecord } from '../../sidecar/src/writeback/index.js';
import { PREVIEW_USER_ID, seedPreviewUser } from './build.js';
import { COVERAGE_STATE_LABELS, OPEN_VERDICT_STATUSES } from './controllers.js';
import { PREVIEW_FLOWS, seedPreviewDataMap } from './data-map.js';
import { PREVIEW_CONTAINMENT, PREVIEW_INCIDENTS, seedPreviewIncidents } from './incidents.js';
import { startPreview, type Preview } from './server.js';

// Drives the dashboards and the setup tab in headless Chromium over the sidecar's demo scenario, written into the
// org emulator, and saves the screenshots the README shows.
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let demo: DemoRun;
let org: OrgClient;
let preview: Preview;
let profile: string;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const verdicts = () =>
  org.query<OrgRecord & { Name: string; Status__c: string }>(
    'SELECT Id, Name, Status__c, Severity__c, RiskScore__c, OrgEventKind__c, ActorUserId__c, ObjectName__c, Operation__c, FalsePositiveReason__c, Incident__c FROM LeakVerdict__c',
  );
const reviews = () =>
  org.query<OrgRecord>(
    'SELECT Id, ReviewKey__c, AssignmentId__c, Status__c, Justification__c, DecidedBy__c, DecidedAt__c, AccessExpiresOn__c, EnforcementStatus__c FROM PermissionReview__c',
  );

const open = async (hash: string, ready: string): Promise<void> => {
  await page.goto(`${preview.url}#${hash}`);
  await page.locator(ready).first().waitFor();
};

const shoot = async (name: string, fullPage = true): Promise<void> => {
  const path = join(SCREENSHOTS, name);
  // Toasts of earlier actions would cover the page.
  await page.evaluate(() => document.querySelector('#toasts')?.replaceChildren());
  await page.screenshot({ path, fullPage });
  expect((await stat(path)).size).toBeLessThan(300_000);
};

const rowAction = async (verdictName: string, action: string): Promise<void> => {
  const row = page.locator('lightning-datatable tbody tr', { hasText: verdictName });
  await row.getByRole('button', { name: 'Show actions' }).click();
  await page.getByRole('menuitem', { name: action }).click();
};

const toast = (text: string) => page.locator('#toasts [role="status"]', { hasText: text });

beforeAll(async () => {
  demo = await runDemo({ port: 0, orgPort: 0, logLevel: 'silent', faults: false, drainTimeoutMs: 120_000, print: () => undefined });
  org = createOrgClient(JSON.parse(await readFile(join(demo.dataDir, 'org.json'), 'utf8')) as Parameters<typeof createOrgClient>[0]);
  await seedPreviewUser(demo.orgUrl);
  // Incidents whose sidecar clocks stand past 50 %, past 90 %, overdue and met.
  await seedPreviewIncidents(org);
  // Three more flagged assignments beside the demo's (which the demo decides and the sidecar carries out): one to
  // approve until a date, one to reject, and one the preview's own reviewer made, which four eyes keeps out of their hands.
  await org.upsert('PermissionReview__c', 'ReviewKey__c', [
    {
      ReviewKey__c: 'preview-review-approve',
      AssignmentId__c: '0Pa5g00000PrEvAAAA',
      PermissionSetId__c: '0PS5g00000CaMpAAAB',
      PermissionSetName__c: 'Campaign_Export',
      AssigneeId__c: '0055g00000Ag003AAV',
      AssigneeUsername__c: 'mia.marketing@acme-shop.example',
      AssignedById__c: '0055g00000AdMiNAAV',
      CriticalPermissions__c: 'ExportReport',
      RiskReasons__c: JSON.stringify([{ code: 'critical_permission', weight: 30, message: 'Export Reports on objects holding personal data' }]),
      RiskScore__c: 52,
    },
    {
      ReviewKey__c: 'preview-review-reject',
      AssignmentId__c: '0Pa5g00000PrEvWAAA',
      PermissionSetId__c: '0PS5g00000ApIaCAAB',
      PermissionSetName__c: 'Bulk_API_Hard_Delete',
      AssigneeId__c: '0055g00000Ag001AAV',
      AssigneeUsername__c: 'tom.agent@acme-shop.example',
      AssignedById__c: '0055g00000AdMiNAAV',
      CriticalPermissions__c: 'BulkApiHardDelete;ApiEnabled',
      RiskReasons__c: JSON.stringify([{ code: 'critical_permission', weight: 40, message: 'Bulk API Hard Delete lets deleted records skip the recycle bin' }]),
      RiskScore__c: 64,
    },
    {
      ReviewKey__c: 'preview-review-own',
      AssignmentId__c: '0Pa5g00000PrEvOAAA',
      PermissionSetId__c: '0PS5g00000ExPoRAAB',
      PermissionSetName__c: 'Report_Export',
      AssigneeId__c: '0055g00000Ag002AAV',
      AssigneeUsername__c: 'aisha.agent@acme-shop.example',
      AssignedById__c: PREVIEW_USER_ID,
      CriticalPermissions__c: 'ExportReport',
      RiskReasons__c: JSON.stringify([{ code: 'critical_permission', weight: 30, message: 'Export Reports on objects holding personal data' }]),
      RiskScore__c: 41,
    },
  ]);
  const secret = (await readFile(join(demo.dataDir, 'org-secret'), 'utf8')).trim();
  preview = await startPreview({ org, sidecar: { url: demo.sidecarUrl, secret } });
  profile = await mkdtemp(join(tmpdir(), 'leakwatch-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(`${error.message} ${error.stack ?? ''}`));
}, 300_000);

afterAll(async () => {
  await context?.close();
  await preview?.close();
  await demo?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('dashboards preview in Chromium', () => {
  it('renders the overview with the demo data and styled by SLDS', async () => {
    await open('overview', '.severity-tiles li');
    const all = await verdicts();
    const critical = all.filter((v) => v.Severity__c === 'Critical' && OPEN_VERDICT_STATUSES.has(v.Status__c)).length;
    await expect.poll(() => page.locator('.severity-tiles li').first().innerText()).toContain(String(critical));
    expect(await page.locator('c-trend-chart rect.bar_events').count()).toBe(30);
    // The coverage panel shows what the demo's sidecar published into the org (CollectorStatus__c), and nothing else.
    const published = await org.query<{ SourceKey__c: string; State__c: string }>('SELECT SourceKey__c, State__c FROM CollectorStatus__c');
    expect(published.length).toBeGreaterThan(0);
    await open('overview', '.coverage tbody tr');
    const coverageRow = (key: string) => page.locator(`.coverage tr[data-key="${key}"]`).innerText();
    expect(await coverageRow('CaptureTriggers')).toContain('Real-time');
    for (const key of SOURCE_NAMES) {
      const status = published.find((record) => record.SourceKey__c === key);
      const label = status ? COVERAGE_STATE_LABELS[status.State__c] : COVERAGE_STATE_LABELS.NotReported;
      await expect.poll(() => coverageRow(key)).toContain(label);
    }
    expect(await page.locator('.top-actors li').count()).toBeGreaterThan(0);
    const cardBackground = await page
      .locator('article.slds-card')
      .first()
      .evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(cardBackground).toBe('rgb(255, 255, 255)');
    await shoot('overview.png');
  });

  it('lists new verdicts and opens a verdict record page with reasons and masked findings', async () => {
    await open('verdicts', 'lightning-datatable tbody tr');
    const withFindings = (await org.query<{ LeakVerdict__c: string }>('SELECT LeakVerdict__c FROM PiiFinding__c'))[0]?.LeakVerdict__c;
    const target = (await verdicts()).find((v) => v.Id === withFindings);
    expect(target).toBeDefined();
    await page.locator('lightning-datatable tbody tr', { hasText: target?.Name }).waitFor();
    await shoot('verdicts.png');
    await rowAction(target?.Name ?? '', 'View details');
    await page.waitForURL(`**#verdict/${target?.Id}`);
    await page.locator('.reasons li').first().waitFor();
    const sample = await page.locator('c-verdict-record lightning-datatable tbody tr').first().innerText();
    expect(sample).toContain('•');
    await shoot('verdict-record.png');
  });

  it('acknowledges, closes as false positive with similar verdicts, and escalates to an incident', async () => {
    const before = await verdicts();
    const fresh = before.filter((v) => v.Status__c === 'New').sort((a, b) => Number(b.RiskScore__c) - Number(a.RiskScore__c));
    // The sidecar opens incidents for High and Critical verdicts itself: a person escalates one it left out.
    const escalated = fresh.find((v) => !v.Incident__c) as OrgRecord & { Name: string };
    const noise = fresh.find(
      (v) =>
        v !== escalated &&
        fresh.some((other) => other !== v && other !== escalated && other.ActorUserId__c === v.ActorUserId__c && other.Operation__c === v.Operation__c),
    ) as OrgRecord & { Name: string };
    const acknowledged = fresh.find(
      (v) => v !== escalated && (v.ActorUserId__c !== noise.ActorUserId__c || v.Operation__c !== noise.Operation__c),
    ) as OrgRecord & { Name: string };
    expect([escalated, noise, acknowledged].every(Boolean)).toBe(true);

    await open('verdicts', 'lightning-datatable tbody tr');
    await rowAction(acknowledged.Name, 'Acknowledge');
    await toast('1 verdict(s) acknowledged.').waitFor();
    await expect.poll(async () => (await verdicts()).find((v) => v.Id === acknowledged.Id)?.Status__c).toBe('Acknowledged');

    await rowAction(noise.Name, 'False positive…');
    await page.locator('.action-dialog textarea').fill('Weekly clean-up of bounced marketing contacts, agreed with the DPO');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await toast('closed as false positive').waitFor();
    const after = await verdicts();
    const similar = after.filter(
      (v) =>
        v.Id !== noise.Id &&
        v.ActorUserId__c === noise.ActorUserId__c &&
        v.OrgEventKind__c === noise.OrgEventKind__c &&
        v.ObjectName__c === noise.ObjectName__c &&
        v.Operation__c === noise.Operation__c,
    );
    expect(after.find((v) => v.Id === noise.Id)).toMatchObject({
      Status__c: 'FalsePositive',
      FalsePositiveReason__c: 'Weekly clean-up of bounced marketing contacts, agreed with the DPO',
    });
    expect(similar.every((v) => v.Status__c === 'FalsePositive' || v.Status__c === 'Escalated')).toBe(true);

    await rowAction(escalated.Name, 'Escalate to incident…');
    await page.locator('.action-dialog input').fill('Night-time bulk export of customer contacts');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await toast('Incident opened for 1 verdict(s).').waitFor();
    const incidentId = (await verdicts()).find((v) => v.Id === escalated.Id)?.Incident__c;
    expect(incidentId).toBeTruthy();
    const incidents = await org.query<OrgRecord>(`SELECT Id, Name, Status__c, DetectedAt__c FROM Incident__c WHERE Id = '${String(incidentId)}'`);
    expect(incidents[0]).toMatchObject({ Name: 'Night-time bulk export of customer contacts', Status__c: 'Triage' });
  });

  const showIncident = async (name: string) => {
    await page.locator('button.select-incident', { hasText: name }).click();
    const shown = page.locator('section.incident', { has: page.locator('h2', { hasText: name }) });
    await shown.waitFor();
    return shown;
  };
  /** The four clocks of the incident shown, as `clock key: state`. */
  const clockStates = (shown: ReturnType<Page['locator']>) =>
    shown.locator('.clock').evaluateAll((clocks) => clocks.map((clock) => `${(clock as HTMLElement).dataset.clock}: ${(clock as HTMLElement).dataset.state}`));

  it("shows the sidecar's four regulatory clocks in the incident console and records a milestone once", async () => {
    await open('incidents', 'button.select-incident');
    const clocks = (states: string[]) =>
      ['gdpr72h', 'nis2EarlyWarning24h', 'nis2Notification72h', 'nis2FinalReport1Month'].map((key, i) => `${key}: ${states[i]}`);
    expect(await clockStates(await showIncident(PREVIEW_INCIDENTS.past50.name))).toEqual(clocks(['past50', 'met', 'past50', 'running']));
    expect(await clockStates(await showIncident(PREVIEW_INCIDENTS.overdue.name))).toEqual(clocks(['overdue', 'overdue', 'overdue', 'running']));
    const met = await showIncident(PREVIEW_INCIDENTS.met.name);
    expect(await clockStates(met)).toEqual(clocks(['met', 'met', 'met', 'met']));
    expect(await met.locator('.milestones button').allInnerTexts()).toEqual(['Contained', 'Close']);
    expect(await met.locator('.timeline li').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('NIS2 final report sent')]));

    const urgent = await showIncident(PREVIEW_INCIDENTS.past90.name);
    expect(await clockStates(urgent)).toEqual(clocks(['past90', 'met', 'past90', 'running']));
    const gdpr = urgent.locator('.clock[data-clock="gdpr72h"]');
    expect(await gdpr.innerText()).toMatch(/Past 90 %\s*[5-6] h \d+ min left/);
    expect(await gdpr.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toMatch(/^9\d$/);
    await shoot('incidents.png', false);

    await urgent.getByRole('button', { name: 'Authority notified' }).click();
    await toast('Authority notified').waitFor();
    await expect.poll(() => clockStates(urgent)).toEqual(clocks(['met', 'met', 'past90', 'running']));
    expect(await gdpr.innerText()).toContain('Done in time');
    expect(await urgent.getByRole('button', { name: 'Authority notified' }).count()).toBe(0);
    await expect.poll(() => urgent.locator('.timeline li').last().innerText()).toContain('Supervisory authority notified (GDPR Art. 33)');
    const [stored] = await org.query<OrgRecord>(
      `SELECT Status__c, AuthorityNotifiedAt__c, Milestones__c FROM Incident__c WHERE IncidentKey__c = '${PREVIEW_INCIDENTS.past90.key}'`,
    );
    expect(stored?.Status__c).toBe('Notified');
    expect(JSON.parse(String(stored?.Milestones__c)).map((entry: { milestone: string; who: string }) => `${entry.milestone} by ${entry.who}`)).toEqual([
      'earlyWarning by Dana DPO',
      'notifyAuthority by Sam Reviewer',
    ]);
    // First time wins: a second call is refused and changes nothing.
    const again = await page.evaluate(
      async (incidentId) => {
        const response = await fetch('/apex/IncidentController/recordMilestone', {
          method: 'POST',
          body: JSON.stringify({ incidentId, milestone: 'notifyAuthority' }),
        });
        return { status: response.status, body: await response.json() };
      },
      String((await org.query<OrgRecord>(`SELECT Id FROM Incident__c WHERE IncidentKey__c = '${PREVIEW_INCIDENTS.past90.key}'`))[0]?.Id),
    );
    expect(again).toEqual({ status: 400, body: expect.objectContaining({ message: expect.stringContaining('Already recorded') }) });
  });

  it("shows an incident's time to containment and approves a proposed containment action under four eyes", async () => {
    await open('incidents', 'button.select-incident');
    const shown = await showIncident(PREVIEW_INCIDENTS.past90.name);
    const containment = shown.locator('c-containment-actions');
    await containment.locator('.ttc').waitFor();
    expect(await containment.locator('.ttc').innerText()).toBe('1 min 35 s');
    const row = (key: keyof typeof PREVIEW_CONTAINMENT) => containment.locator('li.containment-action', { hasText: PREVIEW_CONTAINMENT[key].label });
    expect(await row('frozen').locator('.heading').innerText()).toBe(`${PREVIEW_CONTAINMENT.frozen.label}: ${PREVIEW_CONTAINMENT.frozen.target}`);
    expect(await row('frozen').locator('.status').innerText()).toBe('Done');
    expect(await row('frozen').getByRole('button', { name: 'Undo' }).count()).toBe(1);
    expect(await row('proposed').locator('.status').innerText()).toBe('Proposed');

    await row('proposed').getByRole('button', { name: 'Approve' }).click();
    await toast('Approved. Leakwatch carries it out in a moment').waitFor();
    const [stored] = await org.query<OrgRecord>(
      `SELECT Status__c, DecidedBy__c, DecidedAt__c FROM ContainmentAction__c WHERE ActionKey__c = '${PREVIEW_CONTAINMENT.proposed.key}'`,
    );
    expect(stored).toMatchObject({ DecidedBy__c: PREVIEW_USER_ID });
    expect(stored?.DecidedAt__c).toBeTruthy();
    await expect.poll(() => row('proposed').locator('.decided-by').innerText()).toContain('Decided by Sam Reviewer');
    expect(await row('proposed').getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // Four eyes hold in the preview as in Apex: a decided action is not decided again.
    const [proposed] = await org.query<OrgRecord>(`SELECT Id, Status__c FROM ContainmentAction__c WHERE ActionKey__c = '${PREVIEW_CONTAINMENT.proposed.key}'`);
    const again = await page.evaluate(async (actionId) => {
      const response = await fetch('/apex/ContainmentController/decide', { method: 'POST', body: JSON.stringify({ actionId, approve: false }) });
      return { status: response.status, body: await response.json() };
    }, String(proposed?.Id));
    expect(again).toEqual({
      status: 400,
      body: expect.objectContaining({ message: expect.stringContaining('Only a proposed action can be approved or declined; this one is') }),
    });
  });

  it('counts an incident opened by hand from detection, the GDPR clock from confirmation', async () => {
    await open('incidents', 'button.select-incident');
    const incident = await showIncident('Night-time bulk export of customer contacts');
    const gdpr = incident.locator('.clock[data-clock="gdpr72h"]');
    expect(await gdpr.innerText()).toContain('Starts when the breach is confirmed');
    expect(await incident.locator('.clock[data-clock="nis2EarlyWarning24h"]').innerText()).toMatch(/left|Overdue/);
    await incident.getByRole('button', { name: 'Confirm breach' }).click();
    await toast('Confirm breach').waitFor();
    await expect.poll(() => gdpr.innerText()).toMatch(/7\d h \d+ min left/);
    await expect.poll(() => incident.locator('.timeline li').count()).toBe(3);
    const stored = await org.query<OrgRecord>("SELECT Status__c, ConfirmedAt__c FROM Incident__c WHERE Name = 'Night-time bulk export of customer contacts'");
    expect(stored[0]?.Status__c).toBe('Confirmed');
    expect(stored[0]?.ConfirmedAt__c).toBeTruthy();
  });

  /** Calls a preview Apex method as the page would, for the refusals the console never lets a user reach. */
  const callApex = (method: string, params: Record<string, unknown>) =>
    page.evaluate(
      async ({ method, params }) => {
        const response = await fetch(`/apex/IncidentController/${method}`, { method: 'POST', body: JSON.stringify(params) });
        return { status: response.status, body: await response.json() };
      },
      { method, params },
    );
  /** Ticks an SLDS checkbox: its input is visually hidden behind the faux checkbox, which the label holds. */
  const tick = async (checkbox: ReturnType<Page['locator']>) => {
    await page
      .locator('label', { has: page.locator(`[id="${await checkbox.getAttribute('id')}"]`) })
      .or(page.locator(`label[for="${await checkbox.getAttribute('id')}"]`))
      .first()
      .click();
    await expect.poll(() => checkbox.isChecked()).toBe(true);
  };
  const incidentIdByKey = async (key: string) => String((await org.query<OrgRecord>(`SELECT Id FROM Incident__c WHERE IncidentKey__c = '${key}'`))[0]?.Id);

  it('merges one incident into another from the console and shows the merged one read-only', async () => {
    await open('incidents', 'button.select-incident');
    const survivor = await showIncident(PREVIEW_INCIDENTS.past50.name);
    await survivor.getByRole('button', { name: 'Merge into this incident' }).click();
    const confirm = survivor.getByRole('button', { name: 'Merge selected incidents' });
    expect(await confirm.isDisabled()).toBe(true);
    // Closed and merged incidents are not offered; the selected one is not offered to itself.
    const offered = survivor.locator('.merge-panel lightning-input');
    expect(await offered.allInnerTexts()).not.toEqual(expect.arrayContaining([expect.stringContaining(PREVIEW_INCIDENTS.past50.name)]));
    const overdue = survivor.getByRole('checkbox', { name: new RegExp(PREVIEW_INCIDENTS.overdue.name) });
    await tick(overdue);
    await confirm.click();
    await toast('Merged. Leakwatch updates the incidents in a moment.').waitFor();

    const survivorId = await incidentIdByKey(PREVIEW_INCIDENTS.past50.key);
    const [stored] = await org.query<OrgRecord>(`SELECT Status__c, MergedInto__c FROM Incident__c WHERE IncidentKey__c = '${PREVIEW_INCIDENTS.overdue.key}'`);
    expect(stored).toMatchObject({ Status__c: 'Merged', MergedInto__c: survivorId });
    const merged = await showIncident(PREVIEW_INCIDENTS.overdue.name);
    await expect.poll(() => merged.locator('.merged-into').innerText()).toContain(`Merged into ${PREVIEW_INCIDENTS.past50.name}`);
    expect(await merged.locator('.milestones button').count()).toBe(0);
    expect(await merged.getByRole('button', { name: 'Merge into this incident' }).count()).toBe(0);
    expect(await merged.getByRole('button', { name: 'Split verdicts out' }).count()).toBe(0);
    await merged.getByRole('link', { name: PREVIEW_INCIDENTS.past50.name }).click();
    await showIncident(PREVIEW_INCIDENTS.past50.name);

    // The sidecar's refusals, as Apex passes them on.
    const mergedId = await incidentIdByKey(PREVIEW_INCIDENTS.overdue.key);
    expect(await callApex('mergeIncidents', { survivorId, otherIds: [mergedId] })).toEqual({
      status: 400,
      body: expect.objectContaining({
        message: `Incident "${PREVIEW_INCIDENTS.overdue.name}" was already merged into "${PREVIEW_INCIDENTS.past50.name}": merge or split that one.`,
      }),
    });
    expect(await callApex('mergeIncidents', { survivorId, otherIds: [survivorId] })).toEqual({
      status: 400,
      body: expect.objectContaining({ message: 'An incident cannot be merged into itself.' }),
    });
    expect(await callApex('recordMilestone', { incidentId: mergedId, milestone: 'confirm' })).toEqual({
      status: 400,
      body: expect.objectContaining({ message: `This incident was merged into "${PREVIEW_INCIDENTS.past50.name}": record milestones there.` }),
    });
    expect(pageErrors).toEqual([]);
  });

  it('splits a verdict out of an incident the sidecar opened into a new incident', async () => {
    const linked = await org.query<OrgRecord>('SELECT Id, Name, Incident__c FROM LeakVerdict__c');
    const incidents = await org.query<OrgRecord & { Name: string }>('SELECT Id, Name, Status__c, IncidentKey__c FROM Incident__c');
    const countOf = (incident: OrgRecord) => linked.filter((verdict) => verdict.Incident__c === incident.Id).length;
    const candidates = incidents.filter(
      (incident) =>
        incident.Status__c !== 'Merged' &&
        incident.IncidentKey__c &&
        countOf(incident) >= 2 &&
        incidents.filter((other) => other.Name === incident.Name).length === 1,
    );
    const source = candidates.sort((a, b) => countOf(b) - countOf(a))[0] as OrgRecord & { Name: string };
    expect(source).toBeDefined();

    await open('incidents', 'button.select-incident');
    const shown = await showIncident(source.Name);
    await shown.getByRole('button', { name: 'Split verdicts out' }).click();
    const boxes = shown.locator('.split-panel lightning-input');
    await expect.poll(() => boxes.count()).toBe(countOf(source));
    const confirm = shown.getByRole('button', { name: 'Split selected verdicts out' });
    expect(await confirm.isDisabled()).toBe(true);
    const moving = (await boxes.first().innerText()).split(' ')[0] as string;
    await tick(shown.getByRole('checkbox', { name: new RegExp(`^${moving} `) }));
    await confirm.click();
    // The merge test's toast may still be showing on a slow machine: wait for the split's own.
    await toast('Split out as').waitFor();
    expect(await toast('Split out as').innerText()).toContain('Leakwatch updates the incidents in a moment.');

    const [moved] = await org.query<OrgRecord>(`SELECT Incident__c FROM LeakVerdict__c WHERE Name = '${moving}'`);
    expect(moved?.Incident__c).not.toBe(source.Id);
    const [created] = await org.query<OrgRecord & { Name: string }>(
      `SELECT Id, Name, AwarenessAt__c FROM Incident__c WHERE Id = '${String(moved?.Incident__c)}'`,
    );
    expect(created?.Name).toBe(`Split from ${source.Name}`.slice(0, 80));
    await page.locator('button.select-incident', { hasText: created?.Name }).waitFor();
    expect((await org.query<OrgRecord>(`SELECT Id FROM LeakVerdict__c WHERE Incident__c = '${String(source.Id)}'`)).length).toBe(countOf(source) - 1);
    expect(pageErrors).toEqual([]);
  });

  it('approves with an end date and rejects, queues both for the sidecar and shows the outcome, under four eyes', async () => {
    await open('reviews', 'li.review');
    await page.locator('.recent-decisions .no-decisions, .recent-decisions li.decision').first().waitFor();
    const toApprove = (await reviews()).find((review) => review.ReviewKey__c === 'preview-review-approve') as OrgRecord;
    const approveCard = page.locator('li.review', { has: page.locator(`[data-id="${String(toApprove.Id)}"]`) }).first();
    await approveCard.locator('textarea').fill('Campaign export for the Q4 newsletter; removed after the send');
    const expiry = approveCard.locator('lightning-input.expires-on input');
    await expiry.fill('Jan 31, 2030');
    await expiry.press('Tab');
    await approveCard.getByRole('button', { name: 'Approve' }).click();
    await toast('Access approved until 2030-01-31. Leakwatch time-limits the assignment in a moment: see Recent decisions below for the outcome.').waitFor();
    const approved = (await reviews()).find((review) => review.Id === toApprove.Id);
    expect(approved).toMatchObject({
      Status__c: 'Approved',
      Justification__c: 'Campaign export for the Q4 newsletter; removed after the send',
      AccessExpiresOn__c: '2030-01-31',
      DecidedBy__c: PREVIEW_USER_ID,
      EnforcementStatus__c: 'Queued',
    });

    const rejectCard = page.locator('li.review', { hasText: 'Bulk_API_Hard_Delete' });
    await expect.poll(() => rejectCard.getByRole('button', { name: 'Reject and revoke' }).isDisabled()).toBe(true);
    await rejectCard.locator('textarea').fill('Hard delete is not part of the service agent role');
    await rejectCard.getByRole('button', { name: 'Reject and revoke' }).click();
    await toast('Access rejected. Leakwatch removes the assignment in a moment: see Recent decisions below for the outcome.').waitFor();
    expect((await reviews()).find((review) => review.ReviewKey__c === 'preview-review-reject')).toMatchObject({
      Status__c: 'Rejected',
      DecidedBy__c: PREVIEW_USER_ID,
      EnforcementStatus__c: 'Queued',
    });
    // Right after Reject the access is not claimed gone: the decision shows as in progress until the sidecar reports.
    const rejected = page.locator('.recent-decisions li.decision', { hasText: 'Bulk_API_Hard_Delete' });
    await expect.poll(() => rejected.locator('.outcome').textContent()).toBe('In progress');
    expect(await rejected.locator('.explanation').textContent()).toBe('Leakwatch will remove the assignment in a moment.');
    expect(await page.locator(`.recent-decisions li.decision[data-id="${String(toApprove.Id)}"] .outcome`).textContent()).toBe('In progress');

    // The sidecar's integration user revokes the assignment and reports; the reviewer refreshes.
    await org.upsert('PermissionReview__c', 'ReviewKey__c', [
      { ReviewKey__c: 'preview-review-reject', EnforcementStatus__c: 'Done', EnforcedAt__c: new Date().toISOString(), EnforcementAttempts__c: 1 },
    ]);
    await page.locator('.recent-decisions').getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => rejected.locator('.outcome').textContent()).toBe('Removed');
    // Off the Refresh button: the screenshot should not show it hovered.
    await page.mouse.move(0, 0);
    await shoot('permission-reviews.png');

    const own = page.locator('li.review', { hasText: 'Report_Export' });
    await expect.poll(() => own.locator('.four-eyes').innerText()).toContain('another reviewer must decide it');
    expect(await own.getByRole('button').count()).toBe(0);
    const ownId = (await reviews()).find((review) => review.ReviewKey__c === 'preview-review-own')?.Id;
    const refused = await page.evaluate(async (reviewId) => {
      const response = await fetch('/apex/PermissionReviewController/approve', {
        method: 'POST',
        body: JSON.stringify({ reviewId, justification: 'self-approval' }),
      });
      return { status: response.status, body: await response.json() };
    }, ownId);
    expect(refused).toEqual({ status: 400, body: expect.objectContaining({ message: expect.stringContaining('Four eyes') }) });
    expect((await reviews()).find((review) => review.ReviewKey__c === 'preview-review-own')?.Status__c).toBe('Pending');
  });

  it('plants canary Leads from the setup tab through the sidecar, and refuses a count over 20', async () => {
    const canaryLeads = async () =>
      (await org.query<{ LastName: string; Email: string }>('SELECT Id, LastName, Email FROM Lead')).filter((lead) =>
        lead.Email?.endsWith('@canary.leakwatch.invalid'),
      );
    const before = (await canaryLeads()).length;
    await open('setup', 'c-canary-panel li.canary');
    await expect.poll(() => page.locator('li.check[data-key="connection"] .message').innerText()).toBe("The sidecar answered and accepted the org's secret.");
    // The demo planted two canary Contacts through the same API before the preview started.
    const listed = page.locator('c-canary-panel li.canary');
    const demoCanaries = await listed.count();
    expect(demoCanaries).toBeGreaterThanOrEqual(2);
    expect(await listed.first().locator('a').getAttribute('href')).toMatch(/^\/lightning\/r\/\w{18}\/view$/);

    const count = page.locator('c-canary-panel lightning-input.count input');
    await count.fill('25');
    await page.getByRole('button', { name: 'Plant canaries' }).click();
    await expect.poll(() => page.locator('c-canary-panel lightning-input.count').innerText()).toContain('Enter a whole number from 1 to 20.');
    expect((await canaryLeads()).length).toBe(before);

    await page.getByRole('combobox', { name: 'Plant as' }).click();
    await page.getByRole('option', { name: 'Lead' }).click();
    await count.fill('2');
    await page.getByRole('button', { name: 'Plant canaries' }).click();
    await toast('2 canary Leads were planted and registered.').waitFor();
    const planted = await canaryLeads();
    expect(planted.length).toBe(before + 2);
    expect(planted.every((lead) => lead.LastName.startsWith('Leakwatch-'))).toBe(true);
    await expect.poll(() => listed.count()).toBe(demoCanaries + 2);
    await shoot('setup.png');
  });

  it('runs a notification drill from the setup tab and shows each target receiving it', async () => {
    await open('setup', 'c-drill-panel lightning-button.run');
    await page.getByRole('button', { name: 'Run notification drill' }).click();
    const status = page.locator('c-drill-panel .status');
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe('Every target received the drill.');
    await expect.poll(() => page.locator('c-drill-panel .incident').innerText()).toMatch(/^Drill: Canary records read/);
    const rows = page.locator('c-drill-panel li.target');
    const results = await rows.evaluateAll((items) =>
      items.map((item) => ({
        name: (item as HTMLElement).dataset.name,
        state: (item as HTMLElement).dataset.state,
        outcome: item.querySelector('.outcome')?.textContent ?? '',
      })),
    );
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(results.every((r) => r.state === 'delivered' && /^Arrived after \d+\.\d s/.test(r.outcome))).toBe(true);
    // The drill's incident sits apart from the demo's: titled as a drill, in the org too.
    await expect.poll(async () => (await org.query<{ Name: string }>('SELECT Id, Name FROM Incident__c')).some((i) => i.Name.startsWith('Drill: '))).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('maps which fields hold which personal data and where it flows, exports the record of processing and reviews classification suggestions', async () => {
    // Findings on Contact and Case fields, the flows the sidecar mapped from traces and its classification suggestions.
    await seedPreviewDataMap(org);
    await open('datamap', 'c-data-map tr.field-row');
    // Findings without an object are in outbound requests the egress inspection redacted: not in the map.
    const findings = await org.query<{ ObjectName__c: string; FieldName__c: string }>(
      'SELECT ObjectName__c, FieldName__c FROM PiiFinding__c WHERE ObjectName__c != null',
    );
    const fields = new Set(findings.map((finding) => `${finding.ObjectName__c}.${finding.FieldName__c}`));
    const rows = page.locator('c-data-map tr.field-row');
    await expect.poll(() => rows.count()).toBe(fields.size);

    // Contact e-mail addresses flow from the shop middleware to an AI endpoint in the US, outside the allowed regions.
    const email = page.locator('c-data-map tr.field-row[data-key="Contact.Email"]');
    const openai = email.locator(`li.flow[data-key="${PREVIEW_FLOWS.openai.FlowKey__c}"]`);
    await expect.poll(() => openai.innerText()).toContain('shop-middleware → api.openai.com');
    const badges = await openai.locator('.slds-badge').allInnerTexts();
    expect(badges).toEqual(['US', 'AI', 'Outside allowed regions', 'Not allow-listed']);
    expect(await openai.locator('.calls').innerText()).toBe('1,200 calls/day');
    expect(await openai.locator('.last-seen').innerText()).toMatch(/^Last seen\s*\S/);
    expect(await openai.locator('.policy').innerText()).toBe('policy ai-providers');
    // A flow naming the object only belongs to every field of it; one naming Contact.Email belongs to that field only.
    const phone = page.locator('c-data-map tr.field-row[data-key="Contact.Phone"]');
    expect(await phone.locator(`li.flow[data-key="${PREVIEW_FLOWS.erp.FlowKey__c}"]`).count()).toBe(1);
    expect(await phone.locator(`li.flow[data-key="${PREVIEW_FLOWS.openai.FlowKey__c}"]`).count()).toBe(0);
    const suggestion = page.locator('c-data-map tr.suggestion', { hasText: 'Contact.Email' });
    expect(await suggestion.getByRole('button').allInnerTexts()).toEqual(['Approve', 'Dismiss']);
    await shoot('data-map.png');

    // The filter narrows the map to the field and the flow; then to AI destinations.
    const filter = page.getByRole('searchbox', { name: 'Filter by object, field, type, service or destination' });
    await filter.fill('openai');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-key')).toBe('Contact.Email');
    expect(await email.locator('li.flow').count()).toBe(1);
    await filter.fill('');
    await expect.poll(() => rows.count()).toBe(fields.size);
    // SLDS draws a faux checkbox over the hidden input: click its label, as a user would.
    await page.locator('c-data-map lightning-input.ai-only label').click();
    expect(await page.getByRole('checkbox', { name: 'AI destinations only' }).isChecked()).toBe(true);
    await expect.poll(() => rows.count()).toBe(1);

    // Export JSON: the record of processing under the filter, downloaded from a blob: URL.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^leakwatch-record-of-processing-\d{4}-\d{2}-\d{2}\.json$/);
    expect(download.url()).toMatch(/^blob:/);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as { filter: Record<string, unknown>; rows: Record<string, unknown>[] };
    expect(exported.filter).toMatchObject({ aiDestinationsOnly: true });
    expect(exported.rows).toEqual([
      expect.objectContaining({
        object: 'Contact',
        field: 'Email',
        personalDataType: 'EMAIL_ADDRESS',
        sourceService: 'shop-middleware',
        destination: 'api.openai.com',
        region: 'US',
        aiService: true,
        allowListed: false,
        regionAllowed: false,
        callsPerDay: 1200,
        policy: 'ai-providers',
      }),
    ]);

    // Approve calls the controller, which records the decision in the org for the sidecar to apply.
    await suggestion.getByRole('button', { name: 'Approve' }).click();
    await toast('Classification approved').waitFor();
    const stored = async () =>
      (
        await org.query<{ Status__c: string; ReviewedBy__c: string | null; ReviewedAt__c: string | null }>(
          "SELECT Status__c, ReviewedBy__c, ReviewedAt__c FROM FieldClassification__c WHERE FieldKey__c = 'Contact.Email'",
        )
      )[0];
    await expect.poll(async () => (await stored())?.Status__c).toBe('Approved');
    expect((await stored())?.ReviewedBy__c?.slice(0, 15)).toBe(PREVIEW_USER_ID.slice(0, 15));
    expect((await stored())?.ReviewedAt__c).toBeTruthy();
    await expect.poll(() => suggestion.locator('.status').innerText()).toContain('Approved');
    expect(await suggestion.getByRole('button').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
