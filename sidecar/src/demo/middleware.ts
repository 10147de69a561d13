import { randomBytes } from 'node:crypto';
import type { SidecarEndpoint } from './replay.js';

/**
 * The shop's egress policy in the demo (`LEAKWATCH_EGRESS_FILE`): data may go to the EU and EEA;
 * the shop's own services are allow-listed in Germany; prompts to OpenAI are redacted rather than
 * blocked. Everything else is allowed but not allow-listed, so a new destination is noticed.
 */
export const DEMO_EGRESS_POLICY = {
  policies: [
    {
      defaultAction: 'allow',
      allowedRegions: ['EU', 'EEA'],
      destinations: [
        { match: '*.my-shop.example', action: 'allow', name: 'Our own services', region: 'DE' },
        { match: 'api.openai.com', action: 'redact', name: 'OpenAI' },
      ],
    },
  ],
};

/** The support step of the shop's middleware: a customer's question, with their name, e-mail and order number, in a prompt. */
export const CUSTOMER = { name: 'Jana Novak', email: 'jana.novak@example.org', order: '00012345' };
const PROMPT = `Customer ${CUSTOMER.name} (${CUSTOMER.email}) asks where her order ${CUSTOMER.order} is and whether it can go to her office instead. Write a short, friendly reply.`;

const headers = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}`, 'content-type': 'application/json' });

interface InspectReply {
  decision: string;
  reasons: Array<{ code: string; piiTypes?: string[] }>;
  body?: string;
}

/** What the middleware step sent after asking the sidecar, for the demo's printout. */
interface RedactedPrompt {
  decision: string;
  piiTypes: string[];
  sent: string;
}

/**
 * The middleware asks the sidecar before it calls OpenAI (`POST /v1/egress/inspect`) and sends what
 * comes back: the prompt with the customer's name and address replaced by placeholders it can put
 * back into the answer locally.
 */
export async function inspectPrompt(sidecar: SidecarEndpoint): Promise<RedactedPrompt> {
  const response = await fetch(`${sidecar.url}/v1/egress/inspect`, {
    method: 'POST',
    headers: headers(sidecar.secret),
    body: JSON.stringify({
      destination: { url: 'https://api.openai.com/v1/chat/completions', method: 'POST' },
      source: { service: 'shop-middleware' },
      context: { objects: ['Contact', 'Order'] },
      contentType: 'application/json',
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] }),
      placeholders: true,
    }),
  });
  if (!response.ok) throw new Error(`POST /v1/egress/inspect answered HTTP ${response.status}: ${await response.text()}`);
  const reply = (await response.json()) as InspectReply;
  const sent = reply.body ? ((JSON.parse(reply.body) as { messages: Array<{ content: string }> }).messages[0]?.content ?? '') : PROMPT;
  if (sent.includes(CUSTOMER.name) || sent.includes(CUSTOMER.email)) throw new Error("the prompt went out with the customer's name or e-mail address");
  return { decision: reply.decision, piiTypes: [...new Set(reply.reasons.flatMap((r) => r.piiTypes ?? []))].sort(), sent };
}

type Attribute = { key: string; value: { stringValue: string } | { intValue: string } | { arrayValue: { values: Array<{ stringValue: string }> } } };

const text = (key: string, value: string): Attribute => ({ key, value: { stringValue: value } });
const list = (key: string, values: string[]): Attribute => ({ key, value: { arrayValue: { values: values.map((v) => ({ stringValue: v })) } } });
const int = (key: string, value: number): Attribute => ({ key, value: { intValue: String(value) } });

interface DemoSpan {
  name: string;
  url: string;
  objects: string[];
  fields: string[];
  bytes: number;
  at: Date;
}

/** One OTLP/HTTP JSON export of a service's CLIENT spans, as an OpenTelemetry SDK sends it. */
function exportRequest(service: string, spans: DemoSpan[]): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [text('service.name', service)] },
        scopeSpans: [
          {
            scope: { name: 'leakwatch-demo' },
            spans: spans.map((s) => ({
              traceId: randomBytes(16).toString('hex'),
              spanId: randomBytes(8).toString('hex'),
              name: s.name,
              kind: 3,
              startTimeUnixNano: String(BigInt(s.at.getTime()) * 1_000_000n),
              endTimeUnixNano: String(BigInt(s.at.getTime() + 120) * 1_000_000n),
              attributes: [
                text('http.request.method', 'POST'),
                text('url.full', s.url),
                text('server.address', new URL(s.url).hostname),
                int('http.request.body.size', s.bytes),
                list('salesforce.object', s.objects),
                list('salesforce.fields', s.fields),
              ],
            })),
          },
        ],
      },
    ],
  };
}

const CONTACT_FIELDS = ['Contact.FirstName', 'Contact.LastName', 'Contact.Email', 'Contact.Phone', 'Contact.MailingStreet', 'Contact.MailingCity'];

/** The traces the shop's services export over a day: the support step, the ERP sync, and last night's sync to a host nobody listed. */
function middlewareTraces(now: Date): Array<{ service: string; spans: DemoSpan[] }> {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const at = (hour: number, minute = 0): Date => new Date(Math.min(day.getTime() + (hour * 60 + minute) * 60_000, now.getTime()));
  const repeat = (n: number, make: (i: number) => DemoSpan): DemoSpan[] => Array.from({ length: n }, (_, i) => make(i));
  return [
    {
      service: 'shop-middleware',
      spans: repeat(12, (i) => ({
        name: 'POST /v1/chat/completions',
        url: 'https://api.openai.com/v1/chat/completions',
        objects: ['Contact', 'Order'],
        fields: ['Contact.FirstName', 'Contact.LastName', 'Contact.Email', 'Order.OrderNumber'],
        bytes: 1_400 + i * 10,
        at: at(0, i * 3),
      })),
    },
    {
      service: 'shop-middleware',
      spans: repeat(6, (i) => ({
        name: 'POST /orders',
        url: 'https://erp.my-shop.example/api/orders',
        objects: ['Order', 'Account'],
        fields: ['Order.OrderNumber', 'Account.Name'],
        bytes: 900,
        at: at(0, 1 + i * 4),
      })),
    },
    {
      service: 'nightly-sync',
      spans: repeat(4, (i) => ({
        name: 'PUT /upload',
        url: 'https://sftp-gw.archive-partner.example/upload',
        objects: ['Contact'],
        fields: CONTACT_FIELDS,
        bytes: 2_500_000,
        at: at(0, 30 + i),
      })),
    },
  ];
}

interface FlowRow {
  source: string;
  destination: string;
  region?: string;
  ai: boolean;
  allowListed: boolean;
  regionAllowed: boolean;
  spans: number;
}

/** Exports the traces to `POST /v1/traces` and returns the flows the sidecar now shows (`GET /v1/flows`). */
export async function exportTraces(sidecar: SidecarEndpoint, now = new Date()): Promise<FlowRow[]> {
  for (const { service, spans } of middlewareTraces(now)) {
    const response = await fetch(`${sidecar.url}/v1/traces`, {
      method: 'POST',
      headers: headers(sidecar.secret),
      body: JSON.stringify(exportRequest(service, spans)),
    });
    if (!response.ok) throw new Error(`POST /v1/traces answered HTTP ${response.status}: ${await response.text()}`);
  }
  const response = await fetch(`${sidecar.url}/v1/flows?days=1`, { headers: headers(sidecar.secret) });
  if (!response.ok) throw new Error(`GET /v1/flows answered HTTP ${response.status}`);
  return ((await response.json()) as { flows: FlowRow[] }).flows;
}

/** One line per flow: where it goes and what the policy says of it. */
export function flowLine(flow: FlowRow): string {
  const region = flow.region ? `region ${flow.region}${flow.regionAllowed ? '' : ', outside the allowed regions'}` : 'region unknown';
  const notes = [region, ...(flow.ai ? ['AI service'] : []), flow.allowListed ? 'allow-listed' : 'new, not allow-listed'];
  return `${flow.source} → ${flow.destination} (${flow.spans} calls; ${notes.join(', ')})`;
}
