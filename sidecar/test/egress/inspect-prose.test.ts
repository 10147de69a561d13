/**
 * Prompts are prose: the names in them are found only by the NER model. The inspection runs the model
 * on bodies bound for AI services (`ner: 'ai'`, the default), on every body (`all`) or on none (`off`),
 * and records the Salesforce objects the caller declares in `context.objects`.
 */
import { describe, expect, it } from 'vitest';
import { createClassifier, SHIPPED_MODEL_DIR } from '../../src/classify/index.js';
import { createDetector } from '../../src/detect/index.js';
import { inspectEgress, type EgressNer, type EgressRequest } from '../../src/egress/inspect.js';
import { egressPoliciesFrom } from '../../src/egress/policy.js';
import { eventually, useTestApp } from '../api/build-test-app.js';
import { AUTH } from '../api/envelopes.js';

const NAME = 'Jana Novak';
const EMAIL = 'jana.novak@example.org';
const PROMPT = `Customer ${NAME} (${EMAIL}) asks where her order 00012345 is. She wants delivery to her office instead. Please write a friendly reply.`;

const policyFor = egressPoliciesFrom({
  policies: [
    {
      destinations: [
        { match: 'api.openai.com', action: 'redact', name: 'OpenAI' },
        { match: 'partner.example', action: 'redact', name: 'Fulfilment partner' },
      ],
    },
  ],
});

const chat = (host: string, extra: Record<string, unknown> = {}) => ({
  destination: { url: `https://${host}/v1/chat/completions`, method: 'POST' },
  source: { service: 'shop-middleware' },
  contentType: 'application/json',
  body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] }),
  placeholders: true,
  ...extra,
});

const contentOf = (reply: { body: string }): string => (JSON.parse(reply.body) as { messages: Array<{ content: string }> }).messages[0]!.content;

describe('egress inspection of prose (ner: ai, the default)', () => {
  const h = useTestApp('pglite', {
    detector: createDetector(),
    classifier: createClassifier({ salt: 'test-salt-0123456789', modelDir: SHIPPED_MODEL_DIR }),
    egress: { policyFor },
  });
  const inspect = (payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/v1/egress/inspect', headers: AUTH, payload });

  it('redacts the name, not only the e-mail address, of a prompt bound for an AI service', async () => {
    const res = await inspect(chat('api.openai.com'));
    expect(res.statusCode).toBe(200);
    const reply = res.json();
    expect(reply.decision).toBe('redact');
    expect(reply.reasons[0].piiTypes.sort()).toEqual(['EMAIL_ADDRESS', 'PERSON']);
    const content = contentOf(reply);
    expect(content).not.toContain('Jana');
    expect(content).not.toContain('Novak');
    expect(content).not.toContain(EMAIL);
    expect(content).toMatch(/^Customer <PERSON_1> \(<EMAIL_1>\) asks where her order 00012345 is\./);
    expect(reply.placeholders).toEqual({ '<PERSON_1>': NAME, '<EMAIL_1>': EMAIL });
  });

  it('reads a body bound elsewhere with the recognizers only: the e-mail address goes, the name stays', async () => {
    const reply = (await inspect(chat('partner.example'))).json();
    expect(reply.decision).toBe('redact');
    expect(reply.reasons[0].piiTypes).toEqual(['EMAIL_ADDRESS']);
    expect(contentOf(reply)).toContain(NAME);
  });

  it('names the object the caller declares on the verdict, and keeps only API names', async () => {
    const reply = (await inspect(chat('api.openai.com', { context: { objects: ['Contact', 'Order', 'not an api name!'] } }))).json();
    await eventually(() => h.org.records('LeakVerdict__c').some((r) => r.EventId__c === reply.eventId));
    const verdict = h.org.records('LeakVerdict__c').find((r) => r.EventId__c === reply.eventId)!;
    expect(verdict.ObjectName__c).toBe('Contact');
    const stored = await h.store.query<{ t: string }>('SELECT classified::text AS t FROM ingested_event');
    const event = stored.map((r) => r.t).find((t) => t.includes(reply.eventId))!;
    expect((JSON.parse(event) as { event: { details: { egress: { objects: string[] } } } }).event.details.egress.objects).toEqual(['Contact', 'Order']);
    expect(event).not.toContain('not an api name');
    expect(event).not.toContain('Novak');
  });
});

describe.each<[EgressNer, string, string[]]>([
  ['all', 'partner.example', ['EMAIL_ADDRESS', 'PERSON']],
  ['off', 'api.openai.com', ['EMAIL_ADDRESS']],
])('inspectEgress with ner: %s', (ner, host, types) => {
  it(`finds ${types.join(' and ')} in a prompt to ${host}`, async () => {
    const deps = {
      classifier: createClassifier({ salt: 'test-salt-0123456789', modelDir: null }),
      modelClassifier: createClassifier({ salt: 'test-salt-0123456789', modelDir: SHIPPED_MODEL_DIR }),
      ner,
      salt: 'test-salt-0123456789',
      policyFor,
      canaryMarkers: async () => [],
    };
    const decision = await inspectEgress(deps, '00D5g000004Cx1aEAC', chat(host) as EgressRequest);
    expect(decision.piiTypes.sort()).toEqual(types);
    expect(contentOf(decision as { body: string }).includes(NAME)).toBe(!types.includes('PERSON'));
  });
});
