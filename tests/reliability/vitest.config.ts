import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // the fault tests spawn child processes that train: seconds each on a shared 2-core machine
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // one file at a time: the kill test's children need the cores
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
