import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runDemo } from '../../sidecar/src/demo/run-demo.js';
import { createOrgClient } from '../../sidecar/src/writeback/index.js';
import { seedPreviewUser } from './build.js';
import { seedPreviewDataMap } from './data-map.js';
import { seedPreviewIncidents } from './incidents.js';
import { startPreview } from './server.js';

// Runs the sidecar's demo scenario into the org emulator, then serves the dashboards and the setup tab over it and the demo's sidecar.
const { values } = parseArgs({ options: { port: { type: 'string', default: '8788' } } });
const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const demo = await runDemo({ port: 0, orgPort: 0, logLevel: 'warn', faults: false, drainTimeoutMs: 180_000, print });
const org = JSON.parse(await readFile(join(demo.dataDir, 'org.json'), 'utf8')) as {
  loginUrl: string;
  clientId: string;
  username: string;
  privateKeyPath: string;
};
await seedPreviewUser(demo.orgUrl);
await seedPreviewIncidents(createOrgClient(org));
await seedPreviewDataMap(createOrgClient(org));
print('\nbuilding the dashboards (LWC OSS + lightning-base-components + SLDS)...');
const secret = (await readFile(join(demo.dataDir, 'org-secret'), 'utf8')).trim();
const preview = await startPreview({ org: createOrgClient(org), sidecar: { url: demo.sidecarUrl, secret }, port: Number(values.port) });
print(`dashboards preview ${preview.url}`);

const stop = (): void => {
  void preview
    .close()
    .then(() => demo.close())
    .then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
