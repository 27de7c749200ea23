import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Simulators and CLI runs bind loopback ports and spawn processes; two cores in CI.
    pool: 'forks',
    maxWorkers: 2,
    env: { TZ: 'UTC' },
  },
});
