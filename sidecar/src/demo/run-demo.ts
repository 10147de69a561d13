import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startOrgEmulator, type OrgEmulator } from '../emulator/index.js';
import { startSidecar, type RunningSidecar } from '../server.js';
import { createOrgClient, type OrgClient } from '../writeback/index.js';
import { DEMO_ORG_ID, SHOP_SYNC } from './cast.js';
import { plantCanaries, replayEvents, seedOrg, waitForDrain, type QueueStatus, type SidecarEndpoint } from './replay.js';
import { buildScenario, NORMAL_DAYS } from './scenario.js';
import { summarise, type DemoSummary } from './summary.js';
import type { LeakEvent } from '../contract/event.js';
import type { OrgData } from './org-data.js';
import { coverage, collectedSummary } from './replay.js';
import { REALTIME_TOPICS, mapStreamEvent } from '../collect/realtime/map-event.js';
import { seedPubSubEvents } from '../emulator/seeding-client.js';
import { liveTheft, THIEF } from './live-theft.js';
import { networkOf } from '../contract/network.js';
import { DEFAULT_INCIDENT_SETTINGS } from '../incidents/correlate.js';
import { startDemoTargets } from './notify-targets.js';
import { verifyBundle, type BundleManifest } from '../evidence/chain.js';
import { DEMO_EGRESS_POLICY, exportTraces, flowLine, inspectPrompt } from './middleware.js';

interface DemoOptions {
  /** Sidecar port; 0 picks a free one. */
  port: number;
  /** Org emulator port; 0 picks a free one. */
  orgPort: number;
  /** Where the embedded store lives; a fresh temporary directory when absent. */
  dataDir?: string;
  logLevel: string;
  /** Injects a few org faults (503s, an expired session, a row lock) to show the write-back recovering. */
  faults: boolean;
  drainTimeoutMs: number;
  print: (line: string) => void;
}

export interface DemoRun {
  sidecarUrl: string;
  orgUrl: string;
  dataDir: string;
  summary: DemoSummary;
  status: QueueStatus;
  close(): Promise<void>;
}

const bar = (done: number, total: number): string => {
  const width = 24;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
};

const printSummary = (run: Omit<DemoRun, 'close'>, orgClient: { clientId: string; username: string }, print: (line: string) => void): void => {
  const { summary } = run;
  print('');
  print(`Leakwatch demo: first pass done. ${summary.verdicts} verdicts written to the org.`);
  print(
    `  by severity:  ${Object.entries(summary.bySeverity)
      .map(([severity, count]) => `${severity} ${count}`)
      .join(' · ')}`,
  );
  print(`  PII findings: ${summary.piiFindings} (masked samples only)   permission reviews: ${summary.permissionReviews}`);
  print(`  dead letters: ${run.status.deadLetters}`);
  print('  highest risk:');
  for (const verdict of summary.top) {
    const reason = verdict.summary.length > 120 ? `${verdict.summary.slice(0, 119)}…` : verdict.summary;
    print(`    ${verdict.name}  ${verdict.severity.padEnd(8)} ${String(verdict.riskScore).padStart(3)}  ${reason}`);
  }
  print('');
  print('Where to look:');
  const link = (label: string, where: string): void => print(`  ${label.padEnd(18)} ${where}`);
  link('sidecar API', `${run.sidecarUrl}/docs/openapi.json`);
  link('sidecar status', `${run.sidecarUrl}/v1/status (bearer secret in ${join(run.dataDir, 'org-secret')})`);
  link('sidecar metrics', `${run.sidecarUrl}/metrics`);
  link('org verdicts', `${run.orgUrl}/__emulator/records/LeakVerdict__c`);
  link('org PII findings', `${run.orgUrl}/__emulator/records/PiiFinding__c`);
  link('org reviews', `${run.orgUrl}/__emulator/records/PermissionReview__c`);
  link('org REST API', `${run.orgUrl}/services/data/v62.0/query?q=SELECT+Name,Severity__c+FROM+LeakVerdict__c`);
  link('org JWT login', `consumer key ${orgClient.clientId}, user ${orgClient.username} (${join(run.dataDir, 'org.json')})`);
  link('org records copy', join(run.dataDir, 'org-records.json'));
  link('embedded store', join(run.dataDir, 'store'));
};

/** Runs the product end to end with no org: the org emulator, the sidecar on its embedded store, and the scenario. */
export const runDemo = async (options: DemoOptions): Promise<DemoRun> => {
  const { print } = options;
  const dataDir = options.dataDir ? resolve(options.dataDir) : await mkdtemp(join(tmpdir(), 'leakwatch-demo-'));
  await mkdir(dataDir, { recursive: true });
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    // The customer grants the integration user Assign Permission Sets, so rejected reviews really revoke,
    // Manage Users and Customize Application, so containment can freeze users, end their sessions
    // and see and revoke their OAuth tokens, and Manage Sharing with the Metadata API, so it can delete
    // a sharing rule that opened personal data (sidecar/src/containment/README.md).
    const org: OrgEmulator = await startOrgEmulator({
      port: options.orgPort,
      assignPermissionSets: true,
      manageUsers: true,
      customizeApplication: true,
      modifyMetadata: true,
      manageSharing: true,
    });
    closers.push(() => org.close());
    print(`org emulator      ${org.url}  (objects: ${[...org.schema.keys()].join(', ')})`);
    const keyPath = join(dataDir, 'org-emulator.key');
    await writeFile(keyPath, org.connectedApp.privateKey ?? '', { mode: 0o600 });
    await writeFile(
      join(dataDir, 'org.json'),
      `${JSON.stringify({ loginUrl: org.url, clientId: org.connectedApp.clientId, username: org.identity.username, privateKeyPath: keyPath }, null, 2)}\n`,
    );
    const orgClient: OrgClient = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKeyPath: keyPath,
    });
    const identity = await orgClient.identity();
    print(`org connection    JWT bearer login as ${identity.username} (org ${identity.orgId})`);

    // The org as it stood before the sidecar was installed: its users, profiles and apps.
    const scenario = buildScenario();
    await seedOrg(org.url, scenario.setup);

    const secret = randomBytes(24).toString('base64url');
    await writeFile(join(dataDir, 'org-secret'), `${secret}\n`, { mode: 0o600 });
    // The shop's egress policy: EU/EEA only, its own services allow-listed, prompts to OpenAI redacted.
    const egressFile = join(dataDir, 'egress.json');
    await writeFile(egressFile, `${JSON.stringify(DEMO_EGRESS_POLICY, null, 2)}\n`);
    const config = {
      host: '127.0.0.1',
      port: options.port,
      logLevel: options.logLevel,
      dataDir: join(dataDir, 'store'),
      orgSecrets: new Map([[DEMO_ORG_ID.slice(0, 15), secret]]),
      outbox: { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 5_000 },
      pollMs: 50,
      egressFile,
      salesforce: { loginUrl: org.url, clientId: org.connectedApp.clientId, username: org.identity.username, privateKeyPath: keyPath, apiVersion: '62.0' },
      // The coverage map is written into the org after every collection, so the dashboards show the last one.
      collect: { enabled: true, apiShare: 0.1, orgHeadroom: 0.9, integrationUsers: [], coverageEveryMs: 0 },
      // The data map in the org: flows (DataFlow__c) and classification suggestions (FieldClassification__c).
      // Written at the end of the run below; applying approved ones stays off, as by default.
      orgSync: { flowsEveryMs: 3_600_000, suggestEveryMs: 3_600_000 },
      // Review decisions are carried out when the run asks (below), not on a timer.
      containment: { everyMs: 3_600_000 },
      // Verdicts of High severity and above, and canary reads, open incidents (Incident__c).
      incidents: DEFAULT_INCIDENT_SETTINGS,
      // The org streams Real-Time Event Monitoring events as Shield orgs do (the emulator's Pub/Sub API).
      realtime: { enabled: true, endpoint: org.pubsubEndpoint as string, tls: false, firstStart: 'EARLIEST' as const },
    };
    const notify = await startDemoTargets((orgId) => (orgId.slice(0, 15) === DEMO_ORG_ID.slice(0, 15) ? orgClient : undefined));
    closers.push(() => notify.close());
    print(
      `notify targets    ServiceNow ${notify.servicenow.url} · Jira Service Management ${notify.jira.url} · signed webhook ${notify.webhook.url} · mail relay smtp://${notify.smtp.host}:${notify.smtp.port} · the org (Case, LeakAlert__e)`,
    );
    // The key evidence bundles are signed with (LEAKWATCH_EVIDENCE_KEY_FILE in production).
    const evidenceKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFile(join(dataDir, 'evidence.key'), evidenceKey, { mode: 0o600 });
    const sidecar: RunningSidecar = await startSidecar(config, {
      orgClientFor: (orgId) => (orgId.slice(0, 15) === DEMO_ORG_ID.slice(0, 15) ? orgClient : undefined),
      notifyTargets: notify.targets,
      evidenceKey,
    });
    closers.push(() => sidecar.close());
    const sidecarUrl = sidecar.url.replace('[::1]', '127.0.0.1');
    print(
      `sidecar           ${sidecarUrl}  (embedded store in ${config.dataDir}; collectors on; subscribed to ${REALTIME_TOPICS.length} real-time topics at ${org.pubsubEndpoint})`,
    );
    const endpoint: SidecarEndpoint = { url: sidecarUrl, secret };

    const canaries = await plantCanaries(endpoint, 'Contact', 2);
    print(`canaries          ${canaries.length} synthetic Contacts planted and registered (POST /v1/canaries)`);

    let lastLine = '';
    const drain = () =>
      waitForDrain(endpoint, options.drainTimeoutMs, (current) => {
        const line = `processing        events pending ${current.queues.eventsPending} · write-backs pending ${current.queues.writeBacksPending} · verdicts in org ${org.records('LeakVerdict__c').length}`;
        if (line !== lastLine) print(line);
        lastLine = line;
      });
    const phase = async (label: string, events: LeakEvent[], orgData: OrgData, beforeEvents?: () => void): Promise<void> => {
      const seeded = await seedOrg(org.url, orgData);
      print(`${label.padEnd(18)}org data seeded: ${seeded.records} records, ${seeded.files} event log files (${seeded.lines} lines)`);
      await sidecar.app.collectNow(DEMO_ORG_ID);
      const read = await coverage(endpoint);
      print(`${''.padEnd(18)}collected: ${collectedSummary(read.filter((r) => !r.source.startsWith('/event/')))}`);
      beforeEvents?.();
      await replayEvents(endpoint, DEMO_ORG_ID, events, (sent) => print(`${''.padEnd(18)}package events ${bar(sent, events.length)}`));
      await drain();
    };
    await phase(`${NORMAL_DAYS} ordinary days`, scenario.history.events, scenario.history.org);
    const incident = scenario.incidentDay(canaries);
    await phase('incident day', incident.events, incident.org, () => {
      if (options.faults) org.setFaults({ unavailable: 2, lockRows: 1, expireSessions: true });
    });
    await liveTheftPhase(org, canaries, scenario.contactIds, print);
    await automaticContainment(org, sidecar, drain, print);
    await middlewarePhase(endpoint, print);
    const status = await drain();
    await sidecar.app.syncOrgNow(DEMO_ORG_ID.slice(0, 15));
    const suggestions = org.records('FieldClassification__c');
    print(
      `data map          ${org.records('DataFlow__c').length} flows (DataFlow__c) and ${suggestions.length} field classification suggestions (FieldClassification__c: ${suggestions.filter((r) => r.Status__c === 'Suggested').length} to review) written to the org`,
    );
    const flowVerdicts = org
      .records('LeakVerdict__c')
      .filter((v) => /"code":"(egress_redacted|new_data_flow|pii_to_ai_outside_region)"/.test(String(v.Reasons__c)));
    print(
      `flow verdicts     ${flowVerdicts.map((v) => `${String(v.Name)} ${String(v.Severity__c)} ${(JSON.parse(String(v.Reasons__c)) as { code: string }[])[0]?.code ?? ''}`).join(' · ')}`,
    );
    const incidents = org.records('Incident__c');
    print(`incidents         ${incidents.length} opened in the org (${incidents.map((i) => `${String(i.Severity__c)}: ${String(i.Name)}`).join(' · ')})`);
    const theftIncident = incidents.find((i) => String(i.DataCategories__c ?? '').includes('EMAIL_ADDRESS')) ?? incidents[0];
    if (theftIncident) print(`evidence          ${await evidenceLine(endpoint, String(theftIncident.IncidentKey__c))}`);
    print(
      `notified          ServiceNow ${notify.servicenow.records('incident').length} tickets · Jira ${notify.jira.requests().length} requests · webhook ${notify.webhook.verified} deliveries signed and verified${notify.webhook.refused ? `, ${notify.webhook.refused} refused` : ''}`,
    );
    print(
      `${''.padEnd(18)}mail ${notify.smtp.messages().length} to the DPO list · org ${org.records('Case').length} Cases, ${org.published('LeakAlert__e').length} LeakAlert__e events published`,
    );
    const injected = org.stats.faultsInjected;
    if (options.faults) {
      print(
        `org faults        recovered from ${injected.unavailable} × 503, ${injected.sessionsExpired} expired session, ${injected.lockRows} row lock (${org.stats.tokensIssued} JWT logins)`,
      );
    }
    print(`${'containment'.padEnd(18)}${await containmentLine(org, sidecar, scenario.incidents.permission.assigneeId)}`);
    const snapshot = Object.fromEntries([...org.schema.keys()].map((sobject) => [sobject, org.records(sobject)]));
    await writeFile(join(dataDir, 'org-records.json'), `${JSON.stringify(snapshot, null, 2)}\n`);
    const run = { sidecarUrl, orgUrl: org.url, dataDir, summary: await summarise(orgClient), status };
    printSummary(run, { clientId: org.connectedApp.clientId, username: org.identity.username }, print);
    return { ...run, close };
  } catch (error) {
    await close();
    throw error;
  }
};

/**
 * What the package does when a second reviewer rejects the marketer's Modify All Data assignment:
 * the review says Rejected and EnforcementStatus__c Queued (written here through the seeding API),
 * and the sidecar's integration user removes the assignment and records the outcome.
 */
const containmentLine = async (org: OrgEmulator, sidecar: RunningSidecar, assigneeId: string): Promise<string> => {
  const review = org.records('PermissionReview__c').find((r) => r.AssigneeId__c === assigneeId);
  if (!review) return "no permission review of the marketer's assignment reached the org";
  const [reviewerId] = org.seed('User', [{ Username: 'security-lead@acme-shop.example', LastName: 'Security Lead', IsActive: true, UserType: 'Standard' }]);
  const started = performance.now();
  org.seed('PermissionReview__c', [
    {
      Id: review.Id,
      Status__c: 'Rejected',
      DecidedBy__c: reviewerId,
      DecidedAt__c: new Date().toISOString(),
      Justification__c: 'Modify All Data is not needed for marketing exports.',
      EnforcementStatus__c: 'Queued',
    },
  ]);
  const enforced = await sidecar.app.enforceReviewsNow(DEMO_ORG_ID.slice(0, 15));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const outcome = enforced?.outcomes.find((o) => o.reviewKey === review.ReviewKey__c);
  const assignmentId = String(review.AssignmentId__c);
  const gone = !org.records('PermissionSetAssignment').some((a) => a.Id === assignmentId);
  if (outcome?.status !== 'Done' || !gone)
    return `the marketer's Modify All Data assignment: rejected by a second reviewer, not removed (${outcome?.status ?? 'no outcome'}: ${outcome?.error ?? ''})`;
  return `the marketer's Modify All Data assignment: rejected by a second reviewer and removed from the org in ${seconds} s (PermissionSetAssignment ${assignmentId.slice(0, 3)}… gone)`;
};

/**
 * The stolen ShopSync token read canary records: the packaged playbook CanaryIntegrationUser
 * contains an integration user at once. The containment run (every 30 s in production; asked for
 * here) freezes ShopSync, ends the thief's API session and revokes the connector's OAuth token, and
 * the incident gets its time to containment. The marketer's canary reads only propose a freeze.
 */
async function automaticContainment(org: OrgEmulator, sidecar: RunningSidecar, drain: () => Promise<unknown>, print: (line: string) => void): Promise<void> {
  // The org holds the thief's API session of the stolen token.
  org.seed('AuthSession', [{ UsersId: SHOP_SYNC.userId, SessionType: 'API', LoginType: 'Application', SourceIp: THIEF.ip, NumSecondsValid: 7200 }]);
  await drain();
  const run = await sidecar.app.containNow(DEMO_ORG_ID.slice(0, 15));
  const actions = org.records('ContainmentAction__c');
  const done = actions.filter((a) => a.Status__c === 'Done' && a.Mode__c === 'Automatic' && a.TargetId__c === SHOP_SYNC.userId);
  const frozen = org.records('UserLogin').find((l) => l.UserId === SHOP_SYNC.userId)?.IsFrozen === true;
  const incident = org.records('Incident__c').find((i) => done.some((a) => a.IncidentKey__c === i.IncidentKey__c));
  if (!run || done.length === 0 || !frozen) {
    print(
      `containment       the ShopSync integration user was not contained (${run?.outcomes.map((o) => `${o.action} ${o.status}`).join(', ') || 'no action'})`,
    );
    return;
  }
  print(
    `containment       ShopSync read canaries: frozen automatically (playbook CanaryIntegrationUser); ${done
      .filter((a) => a.Action__c !== 'FreezeUser')
      .map((a) => String(a.Outcome__c))
      .join(
        '; ',
      )}; time to containment ${String(incident?.TimeToContainmentSeconds__c ?? done[0]?.TimeToContainmentSeconds__c)} s on incident ${String(incident?.Name ?? '')}`,
  );
  const proposed = actions.filter((a) => a.Status__c === 'Proposed');
  print(
    `${''.padEnd(18)}${proposed.length} actions proposed for a reviewer's approval (${[...new Set(proposed.map((a) => `${String(a.Action__c)} ${String(a.TargetLabel__c)}`))].join(', ')})`,
  );
}

/**
 * The services around the org: the shop's middleware asks the sidecar before it sends a support
 * prompt to OpenAI and sends the redacted one; the services' traces (OTLP) show where org data
 * flows, including last night's sync to a host nobody put on the allow-list.
 */
async function middlewarePhase(endpoint: SidecarEndpoint, print: (line: string) => void): Promise<void> {
  const prompt = await inspectPrompt(endpoint);
  const sent = prompt.sent.length > 100 ? `${prompt.sent.slice(0, 99)}…` : prompt.sent;
  print(`egress            shop-middleware → api.openai.com: ${prompt.decision} (${prompt.piiTypes.join(', ')}); the prompt sent: "${sent}"`);
  const flows = await exportTraces(endpoint);
  flows.forEach((flow, i) => print(`${(i === 0 ? 'data flows (OTLP)' : '').padEnd(18)}${flowLine(flow)}`));
}

/**
 * Now, live: the storefront connector's stolen token pages through Contacts from a new network.
 * The org streams each query (Real-Time Event Monitoring over the Pub/Sub API); the verdicts reach
 * the org seconds later, while the hour's API event log file, the only other record of these
 * calls, is written by the org only after the hour has ended.
 */
async function liveTheftPhase(org: OrgEmulator, canaries: readonly string[], contactIds: readonly string[], print: (line: string) => void): Promise<void> {
  const started = Date.now();
  const theft = liveTheft(started, contactIds, canaries);
  print(
    `live theft        a stolen ShopSync token pages through Contacts from a new network (${networkOf(THIEF.ip)}) with ${THIEF.userAgent}: ${theft.pages} × SELECT FIELDS(ALL) … LIMIT ${theft.rowsPerPage}`,
  );
  await seedPubSubEvents(org.url, 'ApiEventStream', theft.api);
  await seedPubSubEvents(org.url, 'ApiAnomalyEvent', theft.anomalies);
  const ids = new Set([
    ...theft.api.map((p) => mapStreamEvent('/event/ApiEventStream', p, { orgId: DEMO_ORG_ID })!.id),
    ...theft.anomalies.map((p) => mapStreamEvent('/event/ApiAnomalyEvent', p, { orgId: DEMO_ORG_ID })!.id),
  ]);
  const wanted = ['integration_new_client', 'canary_touched', 'salesforce_threat_detected'];
  const deadline = started + 60_000;
  let first: number | undefined;
  for (;;) {
    const verdicts = org.records('LeakVerdict__c').filter((v) => ids.has(String(v.EventId__c)));
    if (verdicts.length > 0 && first === undefined) first = Math.min(...verdicts.map((v) => org.createdAtMs(String(v.Id)) ?? Date.now()));
    const codes = new Set(verdicts.flatMap((v) => (JSON.parse(String(v.Reasons__c)) as Array<{ code: string }>).map((r) => r.code)));
    if (wanted.every((c) => codes.has(c)) || Date.now() > deadline) {
      const hourEnds = new Date(Math.ceil((started + 1) / 3_600_000) * 3_600_000);
      print(
        `${''.padEnd(18)}detected in real time: first verdict in the org ${(((first ?? Date.now()) - started) / 1_000).toFixed(1)} s after the queries streamed; ${verdicts.length} verdicts (${[...codes].sort().join(', ')})`,
      );
      print(
        `${''.padEnd(18)}the event log path sees these calls only in the hour's API log file, which the org writes after ${hourEnds.toISOString().slice(11, 16)} UTC`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Exports one incident's evidence bundle from the sidecar and verifies it, as `leakwatch evidence` does. */
async function evidenceLine(sidecar: SidecarEndpoint, incidentKey: string): Promise<string> {
  const response = await fetch(`${sidecar.url}/v1/evidence?incident=${incidentKey}`, { headers: { authorization: `Bearer ${sidecar.secret}` } });
  if (!response.ok) return `no bundle: HTTP ${response.status}`;
  const bundle = (await response.json()) as { lines: string; manifest: BundleManifest };
  const verified = verifyBundle(bundle.lines, bundle.manifest);
  return `incident ${incidentKey}: ${bundle.manifest.count} hash-chained entries (verdicts, revisions, deliveries), signature ${verified.ok ? 'verified' : `NOT verified (${verified.reason})`}; leakwatch evidence export --incident ${incidentKey}`;
}
