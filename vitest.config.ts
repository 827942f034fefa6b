import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      // A few unit files start an in-memory PGlite in beforeAll: seconds on a busy machine (10 s, the default, ran out once).
      { test: { name: 'unit', include: ['src/**/*.test.ts'], environment: 'node', hookTimeout: 60_000, sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'integration', include: ['test/integration/**/*.test.ts'], environment: 'node',
          globalSetup: ['test/support/global-setup.ts'], testTimeout: 60_000, hookTimeout: 120_000,
          pool: 'forks', maxWorkers: 2, fileParallelism: true, sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'browser', include: ['test/browser/**/*.test.ts'], environment: 'node',
          globalSetup: ['test/support/global-setup.ts'], testTimeout: 90_000, hookTimeout: 120_000, fileParallelism: false, sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
