#!/usr/bin/env node
// `pnpm bench:speed`: the speed suite of issue 7. Each workload runs as
//   (a) rnnkit's user path (api.mjs: the topology builders + createTrainer / train, statefulLM /
//       generate), the headline figures and ratios; and the hand-wired fast path (w1/w2/w3.mjs
//       `fast`: fastRecurrence + a fused dense loss, Adam through optimizer.minimize) as `.kernel.*`,
//   (b) stock tfjs-layers (model.trainOnBatch / fit / predict) on wasm, its fastest backend here,
//   (c) PyTorch (bench/reference/speed_*.py) on 1 and on 2 torch threads, from the repository's
//       Python environment (scripts/python-env.mjs: PyTorch 2.13 from pip, with MKL and oneDNN,
//       what `pip install torch` gives a user; created when missing, skipped without python3),
// each in its own process reporting the median of 3 timed runs after warm-up; all configurations
// of a workload run once per round, 3 rounds (BENCH_ROUNDS), and every figure printed is the median
// over rounds (BENCH_QUICK=1: fewer steps, 2 runs, 1 round). Prints `BENCH <name> <value> [unit]` lines: raw figures, then ratios
// fast/stock and fast/PyTorch (against the faster of PyTorch's two configurations). The fast path
// is rnnkit's default, which for W1 runs half of each batch in a worker thread (both cores); for
// the LSTM (256 and 64) and GRU 256 it also runs the fast path on one thread as `<name>.threads1.*`.
// W1's achieved GFLOP/s are set against the machine's matrix-multiply peak, measured in the same
// run (peak.mjs: tfjs wasm's 1024^3 product on one thread; bench/reference/matmul_peak.py:
// PyTorch's on both cores). The run starts by printing what PyTorch runs on (its version, the
// CPU's vector capability as torch detects it, its BLAS) as `# machine:` and `BENCH torch.version`.
// `node bench/speed/run.mjs w1.lstm256 w3` runs only the named workloads; W1 LSTM 256 in Chromium
// (browser.mjs: rnnkit against stock tfjs-layers in one page) runs last, or alone with `browser`.
// BENCH_TORCH=0 skips the PyTorch columns (ab-builds.mjs, which compares two builds, sets it).
// The machine is shared: timings are noisy; ratios come from the same run, seconds apart.
import { spawnSync } from 'node:child_process';
import { ensurePythonEnv } from '../../scripts/python-env.mjs';
import { selectWorkloads } from './suite.mjs';

const here = new URL('.', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;
const filters = process.argv.slice(2);
/** The pinned environment's python (null: no python3 here or BENCH_TORCH=0, no PyTorch columns). */
const PY = process.env.BENCH_TORCH === '0' ? null : ensurePythonEnv();

function parseResult(out) {
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  return line ? JSON.parse(line.slice(7)) : null;
}

function runNode(script, args, variant, env = {}) {
  const r = spawnSync(process.execPath, [`${here}${script}`, variant, ...args], {
    encoding: 'utf8',
    cwd: root,
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
  });
  const res = parseResult(r.stdout ?? '');
  if (!res) console.error(`# ${script} ${variant} ${args.join(' ')} failed:\n${r.stderr}`);
  return res;
}

let torchAvailable = PY !== null;
if (!torchAvailable)
  console.error('# no python3 here or BENCH_TORCH=0: the PyTorch columns are skipped');
let machinePrinted = false;
function runTorch(script, args, threads) {
  if (!torchAvailable) return null;
  const r = spawnSync(PY, [`${root}bench/reference/${script}`, ...args], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, TORCH_THREADS: String(threads) },
  });
  if ((r.stdout ?? '').includes('skipped: PyTorch not available')) {
    console.error('# PyTorch not available: skipping the PyTorch reference');
    torchAvailable = false;
    return null;
  }
  const res = parseResult(r.stdout ?? '');
  if (!res) console.error(`# ${script} failed:\n${r.stderr}`);
  if (res?.machine && !machinePrinted) {
    machinePrinted = true;
    const m = res.machine;
    console.error(`# machine: PyTorch ${m.torch}, CPU capability ${m.capability}, BLAS ${m.blas}`);
    console.log(`BENCH torch.version ${m.torch.split('+')[0]}`);
  }
  return res;
}

const bench = (name, value, unit = '') => {
  if (!Number.isFinite(value)) return; // a configuration that did not run
  const v = Number(value.toPrecision(4));
  console.log(`BENCH ${name} ${v}${unit ? ` ${unit}` : ''}`);
};

console.error(
  `# bench:speed${process.env.BENCH_QUICK === '1' ? ' (quick)' : ''}: medians; shared 2-core machine, expect noise`,
);
/** Rounds per workload: all configurations run once per round, seconds apart (BENCH_ROUNDS). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (process.env.BENCH_QUICK === '1' ? 1 : 3));
const med = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const selected = selectWorkloads(filters);

/** The matmul peaks (GFLOP/s), measured once before the W1 workloads; null without them. */
let peaks = null;
if (selected.some((w) => w.name.startsWith('w1.'))) {
  const wasm = med(Array.from({ length: ROUNDS }, () => runNode('peak.mjs', [], '')?.median));
  const torch = med(
    Array.from({ length: ROUNDS }, () => runTorch('matmul_peak.py', [], 2)?.median ?? Number.NaN),
  );
  peaks = { wasm, torch };
  bench('matmul.wasm_1thread.gflops', wasm, 'GFLOP/s');
  if (Number.isFinite(torch)) bench('matmul.torch_2threads.gflops', torch, 'GFLOP/s');
}

for (const w of selected) {
  const [script, ...args] = w.node ?? [];
  if (w.stockNote) console.error(`# ${w.name}: no stock or hand-wired run: ${w.stockNote}`);
  const [pyScript, ...pyArgs] = w.py;
  // Per round: the median of each configuration's timed runs, and the ratios within the round.
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    // the user path (api.mjs: topology + trainer / generate): the figures the ratios are about
    const api = runNode('api.mjs', w.api.slice(1), w.api[0]);
    // with @rnnkit/native loaded, the user path again on the wasm engine (what browsers get)
    const native = api?.engine === 'native';
    const apiWasm = native
      ? runNode('api.mjs', w.api.slice(1), w.api[0], { RNNKIT_NATIVE: '0' })
      : api;
    if (r === 0 && api) {
      console.error(
        `# ${w.name}: rnnkit's engine ${native ? `native (${api.isa})` : `wasm (native: ${api.engineReason})`}; the headline figures and ratio_vs_torch are its`,
      );
    }
    const fast = script ? runNode(script, args, 'fast') : null;
    const stock = script ? runNode(script, args, 'stock') : null;
    const torch1 = runTorch(pyScript, pyArgs, 1);
    const torch2 = runTorch(pyScript, pyArgs, 2);
    // one thread: the wasm kernel's worker off, and the native engine's pool held to one thread
    const one = w.single
      ? runNode(w.single[0], w.single.slice(1), 'fast', { RNNKIT_NATIVE_THREADS: '1' })
      : null;
    const best = Math.max(torch1?.median ?? 0, torch2?.median ?? 0) || Number.NaN;
    rounds.push({
      api: api?.median,
      native: native ? api?.median : Number.NaN,
      wasm: apiWasm?.median,
      wasmVsTorch: (apiWasm?.median ?? Number.NaN) / best,
      nativeVsWasm: native
        ? (api?.median ?? Number.NaN) / (apiWasm?.median ?? Number.NaN)
        : Number.NaN,
      apiVsStock: (api?.median ?? Number.NaN) / (stock?.median ?? Number.NaN),
      apiVsTorch: (api?.median ?? Number.NaN) / best,
      apiVsFast: (api?.median ?? Number.NaN) / (fast?.median ?? Number.NaN),
      fast: fast?.median,
      flopsPerStep: fast?.flopsPerStep ?? api?.flopsPerStep,
      stock: stock?.median,
      torch1: torch1?.median,
      torch2: torch2?.median,
      one: one?.median,
      vsStock: (fast?.median ?? Number.NaN) / (stock?.median ?? Number.NaN),
      vsTorch: (fast?.median ?? Number.NaN) / best,
      oneVsTorch: (one?.median ?? Number.NaN) / best,
      oneVsStock: (one?.median ?? Number.NaN) / (stock?.median ?? Number.NaN),
    });
    // each round's figures, for reading a median ratio back (stderr: not BENCH lines)
    const x = rounds.at(-1);
    const f = (v) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '-');
    console.error(
      `# ${w.name} round ${r + 1}: api ${f(x.api)}, wasm ${f(x.wasm)}, stock ${f(x.stock)}, torch ${f(x.torch1)} / ${f(x.torch2)}, api/torch ${f(x.apiVsTorch)}`,
    );
  }
  const m = (key) => med(rounds.map((x) => x[key]));
  const per = w.unit.split('/')[0];
  const out = (name, key, unit) => {
    const v = m(key);
    if (Number.isFinite(v)) bench(`${w.name}${name}`, v, unit);
  };
  // The headline figures are the user path's (api.mjs); `.kernel.*` the hand-wired loop's.
  out(`.${per}_per_s`, 'api', w.unit);
  out(`.native.${per}_per_s`, 'native', w.unit);
  out(`.wasm.${per}_per_s`, 'wasm', w.unit);
  out('.wasm.ratio_vs_torch', 'wasmVsTorch', 'x');
  out('.native.ratio_vs_wasm', 'nativeVsWasm', 'x');
  out(`.kernel.${per}_per_s`, 'fast', w.unit);
  out(`.stock.${per}_per_s`, 'stock', w.unit);
  out(`.torch_1thread.${per}_per_s`, 'torch1', w.unit);
  out(`.torch_2threads.${per}_per_s`, 'torch2', w.unit);
  // Ratios: median over rounds of the ratio within each round.
  out('.ratio_vs_stock', 'apiVsStock', 'x');
  out('.ratio_vs_torch', 'apiVsTorch', 'x');
  out('.kernel.ratio_vs_stock', 'vsStock', 'x');
  out('.kernel.ratio_vs_torch', 'vsTorch', 'x');
  out('.api_vs_kernel', 'apiVsFast', 'x');
  if (w.single) {
    // The fast path held to one thread (setRecurrenceThreads(1)).
    out(`.threads1.${per}_per_s`, 'one', w.unit);
    out('.threads1.ratio_vs_stock', 'oneVsStock', 'x');
    out('.threads1.ratio_vs_torch', 'oneVsTorch', 'x');
  }
  const flops = rounds.find((x) => x.flopsPerStep)?.flopsPerStep;
  if (flops) {
    // tokens per step = batch 32 x seqLength 64
    bench(`${w.name}.gflops`, (m('api') * flops) / 2048 / 1e9, 'GFLOP/s');
    bench(`${w.name}.kernel.gflops`, (m('fast') * flops) / 2048 / 1e9, 'GFLOP/s');
    if (w.single) bench(`${w.name}.threads1.gflops`, (m('one') * flops) / 2048 / 1e9, 'GFLOP/s');
    // Against the matmul peaks: wasm's on both cores (the kernel's two threads at 256 units),
    // and the machine's best (PyTorch's, two threads).
    const gflops = (m('api') * flops) / 2048 / 1e9;
    if (peaks !== null) {
      bench(`${w.name}.gflops_vs_wasm_peak`, gflops / (2 * peaks.wasm), 'x');
      if (Number.isFinite(peaks.torch))
        bench(`${w.name}.gflops_vs_machine_peak`, gflops / peaks.torch, 'x');
    }
  }
}
if (filters.length === 0 || filters.includes('browser'))
  spawnSync(process.execPath, [`${here}browser.mjs`], { stdio: 'inherit', cwd: root });
