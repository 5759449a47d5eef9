import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // setup.ts packs every library and runs `npm install` twice (the registry, a shared 2-core
    // machine): about a minute; the test files then share its projects
    globalSetup: ['src/setup.ts'],
    // one file at a time: they run npm, node and Chromium processes of their own
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
