import { defineConfig } from 'vitest/config';

// The differential tests against Talos's own code (test/oracle), run by `npm run test:oracle` after
// scripts/oracle-build.mjs has built oracle/bin/talos-oracle.
export default defineConfig({
  test: {
    include: ['test/oracle/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
