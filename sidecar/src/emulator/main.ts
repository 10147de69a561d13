import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startOrgEmulator } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8790' },
    host: { type: 'string', default: '127.0.0.1' },
    metadata: { type: 'string' },
    namespace: { type: 'string' },
    'org-id': { type: 'string' },
    'pubsub-port': { type: 'string', default: '7443' },
  },
});

const emulator = await startOrgEmulator({
  port: Number(values.port),
  host: values.host,
  ...(values.metadata ? { metadataDir: values.metadata } : {}),
  ...(values.namespace ? { namespace: values.namespace } : {}),
  ...(values['org-id'] ? { orgId: values['org-id'] } : {}),
  pubsub: { port: Number(values['pubsub-port']) },
});
const keyDir = await mkdtemp(join(tmpdir(), 'leakwatch-emulator-'));
const keyPath = join(keyDir, 'server.key');
await writeFile(keyPath, emulator.connectedApp.privateKey ?? '', { mode: 0o600 });

process.stdout.write(
  [
    `Org emulator listening on ${emulator.url}`,
    `  objects:      ${[...emulator.schema.keys()].join(', ') || '(none found)'}`,
    `  login URL:    ${emulator.url}`,
    `  consumer key: ${emulator.connectedApp.clientId}`,
    `  org id:       ${emulator.identity.orgId}`,
    `  username:     ${emulator.identity.username}`,
    `  private key:  ${keyPath}`,
    `  faults:       POST ${emulator.url}/__emulator/faults  {"unavailable":2,"requestLimit":1,"lockRows":3,"dropConnections":1,"loginUnavailable":1,"latencyMs":500,"expireSessions":true}`,
    `  records:      GET  ${emulator.url}/__emulator/records/<SObject>`,
    `  Pub/Sub API:  ${emulator.pubsubEndpoint} (plaintext gRPC: LEAKWATCH_PUBSUB_ENDPOINT=${emulator.pubsubEndpoint} LEAKWATCH_PUBSUB_TLS=off)`,
    `  events:       POST ${emulator.url}/__emulator/pubsub/<Topic>  {"events":[{"EventIdentifier":"…","EventDate":"…","UserId":"005…",…}]}`,
    '',
  ].join('\n'),
);

const shutdown = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
