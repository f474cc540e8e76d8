import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'test/support/dns-setup.ts', 'test/support/traffic-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Most files wait on processes (Temporal, workers, the lab) more than they compute: on 2 cores
    // three at once took the suite from 859 s to 687 s, every test passing (README: the test command).
    maxWorkers: 3,
    minWorkers: 1,
    reporters: ['default'],
  },
});
