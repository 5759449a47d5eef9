#!/usr/bin/env node
// `pnpm bench:quality [task ...]`: runs each quality script (text, words, classify, forecast,
// global, names, seq2seq) in its own Node process, in that order; each prints
// `BENCH quality.<task>.<metric>` lines on stdout and its progress on stderr. Env:
// RNNKIT_QUALITY_BUDGET_S (training seconds per task, default 900), RNNKIT_QUALITY_BACKEND
// (default wasm). Exits non-zero if a script failed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const ALL = ['text', 'words', 'classify', 'forecast', 'global', 'names', 'seq2seq'];
const asked = process.argv.slice(2);
const unknown = asked.filter((t) => !ALL.includes(t));
if (unknown.length > 0) {
  console.error(`unknown quality task ${unknown.join(', ')}: expected one of ${ALL.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const task of asked.length > 0 ? asked : ALL) {
  console.error(`# ${task}`);
  const r = spawnSync(process.execPath, [join(dir, `${task}.mjs`)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`# ${task} failed with exit code ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
