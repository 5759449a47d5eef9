#!/usr/bin/env node
// The repository's one test command (README, CI): build, lint, type-check and test every package
// through turbo, two tasks at a time (a 2-core machine: suites time out when every package runs
// at once), then the README's quick start and the packaging tests again on each other supported
// Node (scripts/node-versions.mjs: 22, 24 and 26), then print one summary line over every vitest JSON
// report, in the plain form CI reads: "tests: N passed, N failed". Exits non-zero when anything
// failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { testNodeVersions } from './node-versions.mjs';

const root = new URL('..', import.meta.url).pathname;
// every workspace package (packages/*, apps/*, tests/*, bench) writes its vitest report to
// <pkg>/.vitest/
const reportDirs = ['packages', 'apps', 'tests']
  .flatMap((d) => readdirSync(join(root, d)).map((p) => join(d, p)))
  .concat('bench')
  .filter((p) => existsSync(join(root, p, 'package.json')))
  .map((p) => join(root, p, '.vitest'));
for (const dir of reportDirs) rmSync(dir, { recursive: true, force: true });

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const tasks = ['build', 'lint', 'lint:root', 'typecheck', 'test'];
// tests/browser needs /usr/bin/chromium: installed when missing (root on Debian), else they fail
spawnSync(process.execPath, [join(root, 'scripts', 'ensure-chromium.mjs')], { stdio: 'inherit' });
// packages/native (the N-API addon) needs g++, make and python3: installed when missing (root on
// Debian), so CI tests the native route; without them the addon is not built and the wasm one runs
spawnSync(process.execPath, [join(root, 'scripts', 'ensure-toolchain.mjs')], { stdio: 'inherit' });
const r = spawnSync(
  'turbo',
  ['run', ...tasks, '--continue', '--concurrency=2', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env,
    cwd: root,
  },
);
let status = r.status ?? 1;
// the other Node versions: after the turbo run, which built every package they pack and install
const nodeFailures = testNodeVersions();
if (nodeFailures.length > 0) {
  console.error(`\nnode versions failed: ${nodeFailures.join('; ')}`);
  status = status || 1;
}

let passed = 0;
let failed = 0;
let skipped = 0;
// report.json of each package, and report-node<major>.json of the packaging tests on other Nodes
const reports = reportDirs
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /^report.*\.json$/.test(f))
      .map((f) => join(dir, f)),
  );
for (const file of reports) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}
if (passed + failed === 0) status = status || 1; // a run that tested nothing is a failure
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status || (failed > 0 ? 1 : 0));
