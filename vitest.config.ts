import { defineConfig } from 'vitest/config';

// One vitest run covers every Node-side suite; each project keeps its own settings.
export default defineConfig({
  test: {
    projects: ['sidecar', 'scripts'],
  },
});
