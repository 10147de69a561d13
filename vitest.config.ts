import { defineConfig } from 'vitest/config';
import sidecar from './sidecar/vitest.config.js';

/**
 * One vitest run covers every Node-side suite, in three groups run one after the other:
 * 1. the sidecar's suites, two files at a time (each file has its own stores and ports), the files of each worker in
 *    one process: the modules (Fastify, PGlite, the recognizers' tables) load once per worker instead of once per
 *    file, which took a third of this group's time; no suite mocks a module or changes process-wide settings;
 * 2. the package checks and the browser preview, one at a time (the Code Analyzer, Chromium);
 * 3. the crash tests, one at a time: each kills and restarts sidecar processes on a timetable,
 *    which is only meaningful with the cores to itself.
 */
const crash = ['test/crash/**/*.test.ts'];

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        extends: './sidecar/vitest.config.ts',
        test: { root: './sidecar', exclude: [...crash, '**/node_modules/**'], maxWorkers: 2, isolate: false, sequence: { groupOrder: 0 } },
      },
      { extends: './scripts/vitest.config.ts', test: { root: './scripts', maxWorkers: 1, sequence: { groupOrder: 1 } } },
      {
        test: { ...sidecar.test, name: 'sidecar-crash', root: './sidecar', include: crash, maxWorkers: 1, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
