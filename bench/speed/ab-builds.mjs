#!/usr/bin/env node
// A/B of two builds on the same machine, one after the other: `bench/speed/run.mjs` of an older
// commit against this checkout's. Issue 20's bar for a restructure ("`pnpm bench:speed` figures
// within noise of before"); the restructure began after 33f1502.
//
//   node bench/speed/ab-builds.mjs <old-ref> [--keep] [workloads...]   # e.g. 33f1502 w1.lstm256 w2
//
// It checks the old ref out in a temporary git worktree (os.tmpdir()/rnnkit-ab-<commit>), installs
// it (`pnpm install --offline`) and builds its packages (turbo, packages/* only). Then, per round
// (BENCH_ROUNDS, default 3), alternating which build goes first (old first in odd rounds, new first
// in even ones, so that a change in the machine's load falls on both):
//   1. each build's run.mjs on the workloads (BENCH_ROUNDS=1; BENCH_TORCH=0: no PyTorch, which the
//      old run.mjs runs only where /usr/bin/python3 has it), this build with RNNKIT_NATIVE=0 so
//      that both run the wasm engine, the only one the old build has;
//   2. each build's api.mjs per workload (the user path, as in step 1), for its CPU time per step
//      (`cpuMsPerStep`, `cpuMsPerChar` for W3: process.cpuUsage, which moves far less with the
//      machine's load than wall time);
//   3. this build's api.mjs on the native engine where @rnnkit/native loads, printed beside.
// This build is used as it is built: run `pnpm build` first. BENCH_QUICK=1 passes through (shorter
// runs, rougher figures). Workload names as run.mjs takes them (exact, or a prefix: `w1`); none:
// all of run.mjs's Node workloads (not the Chromium page).
//
// Prints `BENCH ab.<name>.old`, `.new` (medians over rounds) and `BENCH ab.<name>.new_vs_old` (the
// median of each round's new/old) for every BENCH name both run.mjs print, then the same for
// `<workload>.api.cpu_ms_per_step` (lower is faster), then the native figures as
// `BENCH ab.<workload>.native.*`; a table on stderr. The stock tfjs-layers figures (`*.stock.*`)
// and the matmul peak run the same code in both builds: their new_vs_old is the run's noise.
// `--keep` keeps the old worktree for the next run (reused when its build is complete); without it
// the worktree is removed at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectWorkloads, WORKLOADS } from './suite.mjs';

const root = new URL('../../', import.meta.url).pathname;
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const [oldRef, ...named] = args.filter((a) => a !== '--keep');
if (!oldRef || oldRef.startsWith('-')) {
  console.error('usage: node bench/speed/ab-builds.mjs <old-ref> [--keep] [workloads...]');
  process.exit(2);
}
const selected = selectWorkloads(named);
if (selected.length === 0) {
  console.error(
    `ab-builds: no workload matches ${named.join(' ')}: the workloads are ${WORKLOADS.map((w) => w.name).join(', ')}`,
  );
  process.exit(2);
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Runs a command; exits with its output when it fails. */
function sh(cmd, cmdArgs, cwd) {
  const r = spawnSync(cmd, cmdArgs, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
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

/** Runs a build's script; its stdout ('' when it failed, said on stderr). */
function runScript(dir, script, scriptArgs, env) {
  const r = spawnSync(process.execPath, [join(dir, 'bench/speed', script), ...scriptArgs], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
  });
  if (r.status !== 0)
    console.error(`# ab-builds: ${dir} ${script} exited ${r.status}:\n${r.stderr}`);
  return r.stdout ?? '';
}

/** One round of a build's run.mjs: its BENCH lines as name -> { value, unit }. */
function runSuite(dir, env) {
  const out = runScript(
    dir,
    'run.mjs',
    selected.map((w) => w.name),
    {
      BENCH_ROUNDS: '1',
      BENCH_TORCH: '0',
      ...env,
    },
  );
  const figures = new Map();
  for (const line of out.split('\n')) {
    const m = /^BENCH (\S+) (\S+)(?: (.+))?$/.exec(line);
    if (m && Number.isFinite(Number(m[2]))) figures.set(m[1], { value: Number(m[2]), unit: m[3] });
  }
  return figures;
}

/** A build's api.mjs on workload `w`: its throughput and CPU ms per step (per char for W3). */
function runApi(dir, w, env) {
  const line = runScript(dir, 'api.mjs', w.api, env)
    .split('\n')
    .find((l) => l.startsWith('RESULT '));
  const res = line ? JSON.parse(line.slice(7)) : null;
  return {
    rate: res?.median ?? Number.NaN,
    cpu: res?.cpuMsPerStep ?? res?.cpuMsPerChar,
    engine: res?.engine,
  };
}

const med = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (v) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '-');

console.error(
  `# ab-builds: old ${commit.slice(0, 12)} vs new ${head.slice(0, 12)} (this checkout, as built), ${ROUNDS} rounds, workloads: ${selected.map((w) => w.name).join(' ')}`,
);
const OLD = { dir: oldDir, env: {} };
const NEW = { dir: root, env: { RNNKIT_NATIVE: '0' } };
/** Per round: name -> { old, new, unit } for every figure both builds gave; native: name -> value. */
const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? [OLD, NEW] : [NEW, OLD];
  const figures = new Map();
  const put = (name, build, value, unit) => {
    const row = figures.get(name) ?? { unit };
    row[build === OLD ? 'old' : 'new'] = value;
    figures.set(name, row);
  };
  for (const b of order) {
    for (const [name, { value, unit }] of runSuite(b.dir, b.env)) put(name, b, value, unit);
  }
  const native = new Map();
  for (const w of selected) {
    const per = w.unit.split('/')[0];
    const cpuName = `${w.name}.api.cpu_ms_per_${w.name === 'w3' ? 'char' : 'step'}`;
    for (const b of order) put(cpuName, b, runApi(b.dir, w, b.env).cpu, 'ms');
    const nat = runApi(root, w, {});
    if (nat.engine !== 'native') continue; // @rnnkit/native did not load: no native figures
    native.set(`${w.name}.native.${per}_per_s`, { value: nat.rate, unit: w.unit });
    native.set(`${cpuName.replace('.api.', '.native.')}`, { value: nat.cpu, unit: 'ms' });
  }
  rounds.push({ figures, native });
  const headline = [...figures].filter(([k, v]) => /_per_s$|cpu_ms/.test(k) && v.old && v.new);
  console.error(
    `# round ${r + 1} (${order[0] === OLD ? 'old' : 'new'} first), new/old: ${headline
      .map(([k, v]) => `${k} ${f(v.new / v.old)}`)
      .join(', ')}`,
  );
}

const bench = (name, value, unit) => {
  if (Number.isFinite(value)) console.log(`BENCH ${name} ${f(value)}${unit ? ` ${unit}` : ''}`);
};
const names = [...new Set(rounds.flatMap((x) => [...x.figures.keys()]))];
const table = [];
for (const name of names) {
  const rows = rounds.map((x) => x.figures.get(name) ?? {});
  const unit = rows.find((x) => x.unit)?.unit;
  const both = rows.filter((x) => Number.isFinite(x.old) && Number.isFinite(x.new));
  if (both.length === 0) continue; // a figure one build does not print
  const t = {
    name,
    unit,
    old: med(both.map((x) => x.old)),
    new: med(both.map((x) => x.new)),
    ratio: med(both.map((x) => x.new / x.old)),
  };
  bench(`ab.${name}.old`, t.old, unit);
  bench(`ab.${name}.new`, t.new, unit);
  bench(`ab.${name}.new_vs_old`, t.ratio, 'x');
  table.push(t);
}
const nativeNames = [...new Set(rounds.flatMap((x) => [...x.native.keys()]))];
const natives = nativeNames.map((name) => {
  const unit = rounds.find((x) => x.native.has(name)).native.get(name).unit;
  return { name, unit, value: med(rounds.map((x) => x.native.get(name)?.value ?? Number.NaN)) };
});
for (const n of natives) bench(`ab.${n.name}`, n.value, n.unit);

console.error(
  '\n| BENCH name | old | new | new/old (median of rounds) |\n| --- | --- | --- | --- |',
);
for (const t of table) console.error(`| ${t.name} | ${f(t.old)} | ${f(t.new)} | ${f(t.ratio)}x |`);
console.error('\n| this build, native engine (where it loads) | figure |\n| --- | --- |');
for (const n of natives) console.error(`| ${n.name} | ${f(n.value)} ${n.unit} |`);

if (!keep) {
  sh('git', ['worktree', 'remove', '--force', oldDir], root);
  rmSync(oldDir, { recursive: true, force: true });
}
