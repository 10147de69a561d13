import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedPreviewUser, startPreview } from '../../../scripts/preview/index.js';
import { createOrgClient } from '../writeback/index.js';
import { runDemo } from './run-demo.js';

const { values } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    port: { type: 'string', default: '8787' },
    'org-port': { type: 'string', default: '8790' },
    'data-dir': { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    'no-faults': { type: 'boolean', default: false },
    'preview-port': { type: 'string', default: '8788' },
    'no-preview': { type: 'boolean', default: false },
  },
});

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const demo = await runDemo({
  port: Number(values.port),
  orgPort: Number(values['org-port']),
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  logLevel: values['log-level'],
  faults: !values['no-faults'],
  drainTimeoutMs: 180_000,
  print,
}).catch((error: unknown) => {
  const inUse = error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
  process.stderr.write(
    inUse
      ? `leakwatch demo: a port is taken (${error.message}); choose others with --port and --org-port, or 0 for any free port.\n`
      : `leakwatch demo failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

if (values.once) {
  await demo.close();
} else {
  const closers: (() => Promise<void>)[] = [() => demo.close()];
  if (!values['no-preview']) {
    // The dashboards, compiled with LWC OSS and served over the emulated org's records.
    print('\nbuilding the dashboards preview (LWC OSS + lightning-base-components + SLDS, about a minute)...');
    const org = JSON.parse(await readFile(join(demo.dataDir, 'org.json'), 'utf8')) as Parameters<typeof createOrgClient>[0];
    // The preview's reviewer is a user of the org: review decisions name them.
    await seedPreviewUser(demo.orgUrl);
    const secret = (await readFile(join(demo.dataDir, 'org-secret'), 'utf8')).trim();
    const preview = await startPreview({ org: createOrgClient(org), sidecar: { url: demo.sidecarUrl, secret }, port: Number(values['preview-port']) });
    closers.unshift(() => preview.close());
    print(`dashboards        ${preview.url}  (overview, verdicts, permission reviews, incidents, data map, setup)`);
  }
  print('\nServing until Ctrl-C.');
  const stop = (): void => {
    void closers.reduce((done, closer) => done.then(closer), Promise.resolve()).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
