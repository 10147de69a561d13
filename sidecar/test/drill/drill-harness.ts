import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import type { ClassifiedEvent, Detector, Severity, Verdict } from '../../src/contract/verdict.js';
import { createDetector } from '../../src/detect/index.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { DEFAULT_JIRA_SERVICE_DESK, DEFAULT_JIRA_USER, startJiraEmulator, type JiraEmulator } from '../../src/emulator/jira.js';
import { startServiceNowEmulator, type ServiceNowEmulator } from '../../src/emulator/servicenow.js';
import { DEFAULT_INCIDENT_SETTINGS } from '../../src/incidents/correlate.js';
import { createJiraTarget } from '../../src/notify/jira.js';
import { createServiceNowTarget } from '../../src/notify/servicenow.js';
import type { ConfiguredTarget } from '../../src/notify/targets.js';
import { createWebhookTarget, verifyWebhook, type IncidentWebhookPayload } from '../../src/notify/webhook.js';
import type { Store } from '../../src/store/store.js';
import { createOrgClient } from '../../src/writeback/client.js';
import { ORG_ID, ORG_SECRETS } from '../api/envelopes.js';

export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** A second org with a secret of its own: it must never see the first org's drills. */
export const OTHER_ORG = '00D5g000009OtHeEAC';
export const OTHER_SECRET = 'other-org-secret-0123456789';

/** A webhook receiver that verifies every delivery, keeps its drill header, and can fail the next ones. */
export function webhookReceiver() {
  const received: Array<{ id: string; drillHeader?: string; payload: IncidentWebhookPayload }> = [];
  const seen = new Set<string>();
  let failNext = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(503).end();
        return;
      }
      const verified = verifyWebhook(WEBHOOK_SECRET, req.headers as Record<string, string>, body, { seenIds: seen });
      if (!verified.ok) {
        res.writeHead(verified.reason === 'duplicate-id' ? 200 : 400).end();
        return;
      }
      seen.add(verified.id);
      received.push({ id: verified.id, drillHeader: req.headers['leakwatch-drill'] as string | undefined, payload: verified.payload });
      res.writeHead(204).end();
    });
  });
  return {
    server,
    received,
    failNext: (n: number) => (failNext = n),
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/leakwatch`,
  };
}

/** Real events carry `details.severity` and score by it; everything else (the drill's events) goes to the real detector. */
function detectorFor(engine: Detector): Detector {
  return {
    async score(c: ClassifiedEvent): Promise<Verdict | null> {
      const severity = c.event.details?.['severity'] as Severity | undefined;
      if (!severity) return engine.score(c);
      return {
        eventId: c.event.id,
        orgId: c.orgId,
        severity,
        riskScore: 90,
        reasons: [{ code: 'volume_anomaly', weight: 90, message: 'Unusual volume.' }],
        piiTypes: [],
        zScore: null,
      };
    },
  };
}

export interface DrillHarness {
  app: FastifyInstance;
  org: OrgEmulator;
  servicenow: ServiceNowEmulator;
  jira: JiraEmulator;
  hook: ReturnType<typeof webhookReceiver>;
  close(): Promise<void>;
}

/**
 * The sidecar with the real detector for drill events, incidents on, and three targets: the
 * ServiceNow and Jira emulators and a verifying webhook receiver (Critical only, this org only).
 */
export async function startDrillHarness(store: Store, policy = { maxAttempts: 6, baseDelayMs: 10, maxDelayMs: 50 }): Promise<DrillHarness> {
  const org = await startOrgEmulator({ orgId: ORG_ID, pubsub: false });
  const servicenow = await startServiceNowEmulator();
  const jira = await startJiraEmulator();
  const hook = webhookReceiver();
  await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', r));
  const targets: ConfiguredTarget[] = [
    {
      target: createServiceNowTarget({ name: 'soc', instanceUrl: servicenow.url, auth: { kind: 'basic', username: 'leakwatch', password: 'leakwatch' } }),
      orgs: [],
      minSeverity: 'High',
    },
    {
      target: createJiraTarget({
        name: 'dpo-desk',
        baseUrl: jira.url,
        email: DEFAULT_JIRA_USER.email,
        apiToken: DEFAULT_JIRA_USER.apiToken,
        serviceDeskId: DEFAULT_JIRA_SERVICE_DESK.id,
        requestTypeId: DEFAULT_JIRA_SERVICE_DESK.requestTypes[0]!.id,
      }),
      orgs: [],
      minSeverity: 'High',
    },
    { target: createWebhookTarget({ name: 'siem', url: hook.url(), secret: WEBHOOK_SECRET }), orgs: [ORG_ID], minSeverity: 'Critical' },
  ];
  const engine = createDetector();
  const client = createOrgClient({
    loginUrl: org.url,
    clientId: org.connectedApp.clientId,
    username: org.identity.username,
    privateKey: org.connectedApp.privateKey,
  });
  const app = await buildApp({
    store,
    classifier: createClassifier({ salt: 'drill-test-salt-012345' }),
    detector: detectorFor(engine),
    orgClientFor: () => client,
    orgSecrets: new Map([...ORG_SECRETS, [OTHER_ORG.slice(0, 15), OTHER_SECRET]]),
    pollMs: 20,
    retryPolicy: policy,
    incidents: DEFAULT_INCIDENT_SETTINGS,
    notifyTargets: targets,
    canaries: {
      clientFor: () => undefined,
      register: async (orgId, canaries) => {
        for (const canary of canaries) await engine.registerCanary(orgId, canary);
      },
    },
    logger: false,
  });
  await app.ready();
  return {
    app,
    org,
    servicenow,
    jira,
    hook,
    close: async () => {
      await app.close();
      await Promise.all([org.close(), servicenow.close(), jira.close(), new Promise((r) => hook.server.close(r))]);
    },
  };
}
