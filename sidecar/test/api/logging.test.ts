import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, REDACTED_LOG_PATHS } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { logSink } from './build-test-app.js';
import { AUTH, dmlEvent, envelope, ORG_SECRETS, SECRET } from './envelopes.js';
import { everyEventScores, fakeOrg } from './fakes.js';

describe('logs', () => {
  let testStore: TestStore;
  const lines: string[] = [];
  const sink = logSink(lines);

  beforeAll(async () => {
    testStore = await openTestStore('postgres');
  });
  afterAll(() => testStore.dispose());

  it('never contain the bearer secret or a field value, even at trace level with bodies logged', async () => {
    const org = fakeOrg();
    const app = await buildApp({
      store: testStore.store,
      classifier: createClassifier({ salt: 'test-salt-0123456789' }),
      detector: everyEventScores(),
      orgClientFor: () => org.client,
      orgSecrets: ORG_SECRETS,
      logger: { level: 'trace', stream: sink, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
    });
    try {
      app.addHook('preHandler', async (request) => {
        request.log.trace({ request: { headers: request.headers, body: request.body } }, 'incoming');
      });
      await app.ready();
      const ok = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', ...AUTH },
        payload: JSON.stringify(envelope([dmlEvent()])),
      });
      expect(ok.statusCode).toBe(202);
      await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', ...AUTH },
        payload: '{"broken',
      });
    } finally {
      await app.close();
    }
    const log = lines.join('');
    expect(log).toContain('[redacted]');
    expect(log).toContain('request rejected');
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain('jane.doe@example.com');
    expect(log).not.toContain('4111 1111 1111 1111');
  });
});
