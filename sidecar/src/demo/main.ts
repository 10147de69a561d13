import { parseArgs } from 'node:util';
import { runDemo } from './run-demo.js';

const { values } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    port: { type: 'string', default: '8787' },
    'org-port': { type: 'string', default: '8790' },
    'data-dir': { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    'no-faults': { type: 'boolean', default: false },
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
  print('\nServing until Ctrl-C.');
  const stop = (): void => {
    void demo.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
