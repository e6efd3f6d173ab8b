import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/bench/**', 'test/oracle/**', 'node_modules/**'],
    globalSetup: ['test/helpers/cache-home.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores on CI: keep workers low so TLS handshakes and tmux do not starve.
    maxWorkers: 2,
  },
});
