import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_JIRA_SERVICE_DESK, DEFAULT_JIRA_USER, startJiraEmulator, type JiraEmulator } from '../emulator/jira.js';
import { startServiceNowEmulator, type ServiceNowEmulator } from '../emulator/servicenow.js';
import { startSmtpEmulator, type SmtpEmulator } from '../emulator/smtp.js';
import { createJiraTarget } from '../notify/jira.js';
import { createOrgTarget, type OrgTargetClient } from '../notify/org-target.js';
import { createServiceNowTarget } from '../notify/servicenow.js';
import { createSmtpTarget } from '../notify/smtp.js';
import type { ConfiguredTarget } from '../notify/targets.js';
import { createWebhookTarget, verifyWebhook } from '../notify/webhook.js';

/** Where the demo's incidents are notified: a ServiceNow instance, a Jira service desk, a SIEM webhook and a mail relay, all local, and the org itself. */
interface DemoTargets {
  targets: ConfiguredTarget[];
  servicenow: ServiceNowEmulator;
  jira: JiraEmulator;
  /** The DPO list's mail relay. */
  smtp: SmtpEmulator;
  /** Webhook deliveries the receiver verified (signature, timestamp, first time seen), and those it refused. */
  webhook: { url: string; verified: number; refused: number };
  close(): Promise<void>;
}

export async function startDemoTargets(orgClientFor: (orgId: string) => OrgTargetClient | undefined): Promise<DemoTargets> {
  const servicenow = await startServiceNowEmulator();
  const smtp = await startSmtpEmulator({ users: [{ username: 'leakwatch', password: 'leakwatch' }] });
  const jira = await startJiraEmulator();
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const seen = new Set<string>();
  const webhook = { url: '', verified: 0, refused: 0 };
  // The receiver verifies as the README tells receivers to: signature, tolerance, and ids seen before.
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const result = verifyWebhook(secret, req.headers as Record<string, string>, body, { seenIds: seen });
      if (result.ok) {
        seen.add(result.id);
        webhook.verified += 1;
      } else webhook.refused += 1;
      res.writeHead(result.ok || result.reason === 'duplicate-id' ? 204 : 400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/leakwatch`;
  const targets: ConfiguredTarget[] = [
    {
      target: createServiceNowTarget({
        name: 'soc-servicenow',
        instanceUrl: servicenow.url,
        auth: { kind: 'basic', username: 'leakwatch', password: 'leakwatch' },
      }),
      orgs: [],
      minSeverity: 'High',
    },
    {
      target: createJiraTarget({
        name: 'dpo-jira',
        baseUrl: jira.url,
        email: DEFAULT_JIRA_USER.email,
        apiToken: DEFAULT_JIRA_USER.apiToken,
        serviceDeskId: DEFAULT_JIRA_SERVICE_DESK.id,
        requestTypeId: DEFAULT_JIRA_SERVICE_DESK.requestTypes[0]!.id,
      }),
      orgs: [],
      minSeverity: 'High',
    },
    { target: createWebhookTarget({ name: 'siem-webhook', url: webhook.url, secret }), orgs: [], minSeverity: 'Critical' },
    {
      target: createSmtpTarget({
        name: 'dpo-mail',
        host: smtp.host,
        port: smtp.port,
        secure: false,
        requireTLS: false,
        auth: { user: 'leakwatch', pass: 'leakwatch' },
        from: 'leakwatch@acme-shop.example',
        to: ['dpo@acme-shop.example'],
      }),
      orgs: [],
      minSeverity: 'High',
    },
    { target: createOrgTarget({ name: 'org-alerts', clientFor: orgClientFor }), orgs: [], minSeverity: 'High' },
  ];
  return {
    targets,
    servicenow,
    jira,
    smtp,
    webhook,
    close: async () => {
      await Promise.all([servicenow.close(), jira.close(), smtp.close(), new Promise((resolve) => server.close(resolve))]);
    },
  };
}
