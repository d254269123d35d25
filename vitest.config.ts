import { defineConfig } from 'vitest/config';

// Suites start real processes and servers on a 2-core machine: two files at a time at most.
// In CI a JSON report is written too, from which .ci/run prints its closing count.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'tmp/vitest-results.json' }]]
      : ['default'],
  },
});
