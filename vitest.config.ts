import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'test/support/dns-setup.ts', 'test/support/traffic-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Workers, labs and a Temporal server per run: a 2-core machine does best with few files at once.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
  },
});
