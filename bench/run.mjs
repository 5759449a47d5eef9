#!/usr/bin/env node
// `pnpm bench`: runs every package benchmark, bench/packages/*.bench.mjs, each in its own Node
// process (so peak-RSS figures are not polluted by the previous one), in name order. Each prints
// its figures as lines `BENCH <name> <value> [unit]`. `pnpm bench vocab` runs the files whose name
// contains "vocab". Exits non-zero if any benchmark failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('./packages/', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
let failed = 0;
for (const f of files) {
  console.error(`# ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`# ${f} failed with exit code ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
