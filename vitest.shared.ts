/**
 * The test settings every package shares (each package's vitest.config.ts is this, or merges its
 * own extras into it with `mergeConfig`): its own tests under src/ and test/, a minute per test (a
 * busy 2-core CI machine), and a JSON report in `.vitest/` that scripts/test.mjs sums up.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
