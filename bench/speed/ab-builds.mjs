#!/usr/bin/env node
// A/B of two builds on the same machine, one after the other: `bench/speed/run.mjs` of an older
// commit against this checkout's. Issue 20's bar for a restructure ("`pnpm bench:speed` figures
// within noise of before"); the restructure began after 33f1502.
//
//   node bench/speed/ab-builds.mjs <old-ref> [workloads...]   # e.g. 33f1502 w1.lstm256 w2 w3
//
// It checks the old ref out in a temporary git worktree (os.tmpdir()/rnnkit-ab-<commit>), installs
// it (`pnpm install --offline`) and builds its packages (turbo, packages/* only), then runs, per
// round (BENCH_ROUNDS, default 3), the old build's run.mjs and this build's run.mjs with
// `RNNKIT_NATIVE=0` (both on the wasm engine, the only one the old build has), alternating which
// goes first (ABBA, so drift in the machine's load falls on both), each with BENCH_ROUNDS=1 and
// without PyTorch (`BENCH_TORCH=0`; the old run.mjs runs PyTorch only where /usr/bin/python3 has
// it). Where @rnnkit/native loads, this build's user path runs once more per round on the native
// engine (`BENCH_API_ONLY=1`) and its figures are printed beside. This build is used as it is
// built: run `pnpm build` first. BENCH_QUICK=1 passes through (shorter runs, rougher figures).
//
// Prints, for every BENCH name both builds print: `BENCH ab.<name>.old`, `.new` (medians over
// rounds) and `BENCH ab.<name>.new_vs_old` (the median of each round's new/old), then the native
// figures as `BENCH ab.<name>.native`, and a table on stderr. The stock tfjs-layers figures
// (`*.stock.*`) run the same code in both builds: their new_vs_old is the noise of the run.
// `--keep` keeps the old worktree for the next run (reused when its build is complete); without
// it the worktree is removed at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const [oldRef, ...named] = args.filter((a) => a !== '--keep');
/** run.mjs's Node workloads (named, so that neither build also runs its Chromium page). */
const workloads =
  named.length > 0
    ? named
    : ['w1.lstm256', 'w1.gru256', 'w1.rnn256', 'w1.lstm256.embed', 'w1.lstm64', 'w2', 'w3'];
if (!oldRef || oldRef.startsWith('-')) {
  console.error('usage: node bench/speed/ab-builds.mjs <old-ref> [--keep] [workloads...]');
  process.exit(2);
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Runs a command; exits with its output when it fails. */
function sh(cmd, cmdArgs, cwd, env = {}) {
  const r = spawnSync(cmd, cmdArgs, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) {
    console.error(`ab-builds: \`${cmd} ${cmdArgs.join(' ')}\` in ${cwd} failed (${r.status}):`);
    console.error(`${r.stdout ?? ''}${r.stderr ?? ''}`.slice(-4000));
    process.exit(1);
  }
  return r.stdout;
}

const commit = sh('git', ['rev-parse', '--verify', `${oldRef}^{commit}`], root).trim();
const head = sh('git', ['rev-parse', 'HEAD'], root).trim();
const oldDir = join(tmpdir(), `rnnkit-ab-${commit.slice(0, 12)}`);
const built = join(oldDir, '.ab-built');

// The old build: a detached worktree of the old commit, installed offline and built.
if (!existsSync(built)) {
  if (existsSync(oldDir)) sh('git', ['worktree', 'remove', '--force', oldDir], root);
  console.error(`# ab-builds: checking out ${oldRef} (${commit.slice(0, 12)}) in ${oldDir}`);
  sh('git', ['worktree', 'add', '--detach', oldDir, commit], root);
  console.error('# ab-builds: pnpm install --offline, then building its packages');
  sh('pnpm', ['install', '--offline', '--frozen-lockfile'], oldDir);
  sh('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*'], oldDir);
  writeFileSync(built, `${commit}\n`);
}

/** One round of a build's run.mjs: its BENCH lines as name -> { value, unit }. */
function runBuild(dir, env) {
  const r = spawnSync(process.execPath, [join(dir, 'bench/speed/run.mjs'), ...workloads], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, BENCH_ROUNDS: '1', BENCH_TORCH: '0', ...env },
  });
  if (r.status !== 0) console.error(`# ab-builds: ${dir} run.mjs exited ${r.status}:\n${r.stderr}`);
  const figures = new Map();
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^BENCH (\S+) (\S+)(?: (.+))?$/.exec(line);
    if (m && Number.isFinite(Number(m[2]))) figures.set(m[1], { value: Number(m[2]), unit: m[3] });
  }
  return figures;
}

const med = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

console.error(
  `# ab-builds: old ${commit.slice(0, 12)} vs new ${head.slice(0, 12)} (this checkout, as built), ${ROUNDS} rounds, workloads: ${workloads.join(' ')}`,
);
const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  const runOld = () => runBuild(oldDir, {});
  const runNew = () => runBuild(root, { RNNKIT_NATIVE: '0' });
  const first = r % 2 === 0 ? 'old' : 'new';
  const a = first === 'old' ? runOld() : runNew();
  const b = first === 'old' ? runNew() : runOld();
  const [oldFig, newFig] = first === 'old' ? [a, b] : [b, a];
  // this build's user path on the native engine, where @rnnkit/native loads
  const native = runBuild(root, { BENCH_API_ONLY: '1' });
  rounds.push({ oldFig, newFig, native });
  const shared = [...newFig.keys()].filter((k) => oldFig.has(k) && /_per_s$/.test(k));
  const f = (v) => String(Number(v.toPrecision(4)));
  console.error(
    `# round ${r + 1} (${first} first): ${shared
      .map((k) => `${k} ${f(newFig.get(k).value / oldFig.get(k).value)}x`)
      .join(', ')}`,
  );
}

const bench = (name, value, unit) => {
  if (!Number.isFinite(value)) return;
  console.log(`BENCH ${name} ${Number(value.toPrecision(4))}${unit ? ` ${unit}` : ''}`);
};
const names = [
  ...new Set(
    rounds.flatMap(({ oldFig, newFig }) => [...newFig.keys()].filter((k) => oldFig.has(k))),
  ),
];
const table = [];
for (const name of names) {
  const of = (key) => rounds.map((x) => x[key].get(name)?.value ?? Number.NaN);
  const unit = rounds.find((x) => x.newFig.has(name)).newFig.get(name).unit;
  const oldV = med(of('oldFig'));
  const newV = med(of('newFig'));
  const ratio = med(
    rounds.map((x) => (x.newFig.get(name)?.value ?? NaN) / (x.oldFig.get(name)?.value ?? NaN)),
  );
  bench(`ab.${name}.old`, oldV, unit);
  bench(`ab.${name}.new`, newV, unit);
  bench(`ab.${name}.new_vs_old`, ratio, 'x');
  table.push({ name, unit, oldV, newV, ratio });
}
const nativeNames = [...new Set(rounds.flatMap((x) => [...x.native.keys()]))].filter((k) =>
  k.includes('.native.'),
);
for (const name of nativeNames) {
  const unit = rounds.find((x) => x.native.has(name)).native.get(name).unit;
  bench(`ab.${name}`, med(rounds.map((x) => x.native.get(name)?.value ?? Number.NaN)), unit);
}
if (nativeNames.length === 0)
  console.error('# ab-builds: @rnnkit/native did not load: no native figures');

const f = (v) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '-');
console.error(
  '\n| BENCH name | old | new | new/old (median of rounds) |\n| --- | --- | --- | --- |',
);
for (const t of table) {
  console.error(`| ${t.name} | ${f(t.oldV)} | ${f(t.newV)} | ${f(t.ratio)}x |`);
}

if (!keep) {
  sh('git', ['worktree', 'remove', '--force', oldDir], root);
  rmSync(oldDir, { recursive: true, force: true });
}
