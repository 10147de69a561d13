import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import { evidenceCommand } from '../../src/cli/evidence.js';
import type { ClassifiedEvent, Detector, Severity, Verdict } from '../../src/contract/verdict.js';
import { verifyBundle, verifyChain, type BundleManifest } from '../../src/evidence/chain.js';
import { readEvidence } from '../../src/evidence/log.js';
import { DEFAULT_INCIDENT_SETTINGS } from '../../src/incidents/correlate.js';
import type { NotificationTarget } from '../../src/notify/notification.js';
import { AUTH, envelope, ORG_SECRETS } from '../api/envelopes.js';
import { eventually } from '../api/build-test-app.js';
import { fakeOrg } from '../api/fakes.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1aEAC';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const SIGNING_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_KEY = publicKey.export({ type: 'spki', format: 'pem' }).toString();

const bySeverity = (): Detector => ({
  async score(c: ClassifiedEvent): Promise<Verdict | null> {
    const severity = (c.event.details?.['severity'] as Severity | undefined) ?? 'Info';
    if (severity === 'Info') return null;
    return {
      eventId: c.event.id,
      orgId: c.orgId,
      severity,
      riskScore: 75,
      reasons: [{ code: 'volume_anomaly', weight: 75, message: 'Unusual volume.' }],
      piiTypes: [],
      zScore: null,
    };
  },
});

const event = (user: string, severity: Severity, minutes: number) => ({
  id: crypto.randomUUID(),
  kind: 'export',
  operation: 'export',
  occurredAt: new Date(Date.parse('2026-11-30T10:00:00Z') + minutes * 60_000).toISOString(),
  actor: { userId: user, username: 'ops@acme-shop.example' },
  object: 'Contact',
  recordCount: 900,
  details: { severity },
});

/** A target that accepts everything after one refusal, so the log holds a failed attempt too. */
function flakyTarget(): NotificationTarget & { calls: number } {
  const t = {
    kind: 'webhook',
    name: 'siem',
    calls: 0,
    async deliver() {
      t.calls += 1;
      return t.calls === 1 ? ({ ok: false, retryable: true, error: 'HTTP 503' } as const) : ({ ok: true, remoteId: `r${t.calls}`, created: true } as const);
    },
  };
  return t;
}

const io = () => {
  let out = '';
  const sink = new Writable({ write: (c, _e, done) => ((out += String(c)), done()) });
  return { io: { stdout: sink, stderr: sink, stdin: process.stdin, env: {} } as never, out: () => out };
};

describe('the evidence log, fed by the pipeline', () => {
  let testStore: TestStore;
  let app: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    testStore = await openTestStore('pglite');
    const org = fakeOrg();
    app = await buildApp({
      store: testStore.store,
      classifier: createClassifier({ salt: 'evidence-test-salt-01' }),
      detector: bySeverity(),
      orgClientFor: () => org.client,
      orgSecrets: ORG_SECRETS,
      pollMs: 20,
      retryPolicy: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 20 },
      incidents: DEFAULT_INCIDENT_SETTINGS,
      notifyTargets: [{ target: flakyTarget(), orgs: [], minSeverity: 'High' }],
      evidenceKey: SIGNING_KEY,
      logger: false,
    });
    await app.ready();
    dir = mkdtempSync(join(tmpdir(), 'leakwatch-evidence-'));
  });
  afterAll(async () => {
    await app.close();
    await testStore.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records verdicts, incident revisions and delivery attempts in one chain, exported and verified per incident', async () => {
    const post = (events: unknown[]) =>
      app.inject({ method: 'POST', url: '/v1/events', headers: { 'content-type': 'application/json', ...AUTH }, payload: JSON.stringify(envelope(events)) });
    await post([event('0055g00000AlIcEAAZ', 'High', 0), event('0055g00000BoBbbAAZ', 'Critical', 1), event('0055g00000BoBbbAAZ', 'Medium', 2)]);
    await eventually(async () => (await app.inject({ method: 'GET', url: '/v1/status', headers: AUTH })).json().notifications.delivered === 2, 20_000);
    await post([event('0055g00000AlIcEAAZ', 'Critical', 30)]);
    await eventually(async () => (await app.inject({ method: 'GET', url: '/v1/status', headers: AUTH })).json().notifications.delivered === 3, 20_000);

    const entries = await readEvidence(testStore.store, ORG);
    expect(verifyChain(entries)).toMatchObject({ ok: true, head: { seq: entries.length } });
    const kinds = entries.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'verdict')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'incident-revision')).toHaveLength(3);
    // Three deliveries and one refused attempt.
    expect(kinds.filter((k) => k === 'notification-attempt')).toHaveLength(4);
    expect(JSON.stringify(entries)).not.toContain('ops@acme-shop.example');

    // Alice's incident: two revisions, their verdicts and their deliveries.
    const alice = entries.find((e) => e.kind === 'incident-revision' && (e.data as { revision: number }).revision === 2)!.subject;
    const reply = await app.inject({ method: 'GET', url: `/v1/evidence?incident=${alice}`, headers: AUTH });
    expect(reply.statusCode).toBe(200);
    const bundle = reply.json() as { lines: string; manifest: BundleManifest };
    expect(bundle.manifest.incidentKey).toBe(alice);
    // Her two verdicts, two revisions and every attempt to deliver them (one of which may have failed).
    const verdictIds = new Set(
      entries.filter((e) => e.subject === alice).flatMap((e) => (e.data as { verdicts: Array<{ eventId: string }> }).verdicts.map((v) => v.eventId)),
    );
    const about = entries.filter((e) => e.subject === alice || e.subject.startsWith(`${alice}:`) || verdictIds.has(e.subject));
    expect(verdictIds.size).toBe(2);
    expect(about.length).toBeGreaterThanOrEqual(6);
    expect(
      bundle.lines
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual(about.map((e) => e.seq));
    expect(verifyBundle(bundle.lines, bundle.manifest, { publicKey: PUBLIC_KEY })).toMatchObject({ ok: true, trustedKey: true });

    // The command writes the bundle and verifies it offline; a changed line fails verification.
    const prefix = join(dir, 'alice');
    writeFileSync(`${prefix}.jsonl`, bundle.lines);
    writeFileSync(`${prefix}.manifest.json`, JSON.stringify(bundle.manifest));
    writeFileSync(join(dir, 'key.pem'), PUBLIC_KEY);
    const good = io();
    expect(await evidenceCommand.run(['verify', prefix, '--public-key', join(dir, 'key.pem')], good.io)).toBe(0);
    expect(good.out()).toMatch(new RegExp(`^verified: ${about.length} entries`));
    writeFileSync(`${prefix}.jsonl`, readFileSync(`${prefix}.jsonl`, 'utf8').replace('"severity":"High"', '"severity":"Low"'));
    const bad = io();
    expect(await evidenceCommand.run(['verify', prefix], bad.io)).toBe(1);
    expect(bad.out()).toMatch(/^NOT VERIFIED: /);
  });

  it('answers 404 for an incident it holds no evidence about, and 409 without a key', async () => {
    expect((await app.inject({ method: 'GET', url: `/v1/evidence?incident=${crypto.randomUUID()}`, headers: AUTH })).statusCode).toBe(404);
    const keyless = await buildApp({
      store: testStore.store,
      classifier: createClassifier({ salt: 'evidence-test-salt-01' }),
      detector: bySeverity(),
      orgClientFor: () => undefined,
      orgSecrets: ORG_SECRETS,
      logger: false,
    });
    const reply = await keyless.inject({ method: 'GET', url: '/v1/evidence', headers: AUTH });
    expect(reply.statusCode).toBe(409);
    expect(reply.json().message).toMatch(/LEAKWATCH_EVIDENCE_KEY_FILE/);
    await keyless.close();
  });
});
