#!/usr/bin/env node
// `pnpm bench:speed`: the speed suite of issue 7. Each workload runs as
//   (a) rnnkit's fast path (fastRecurrence + a transpose-free dense, Adam through optimizer.minimize),
//   (b) stock tfjs-layers (model.trainOnBatch / fit / predict) on wasm, its fastest backend here,
//   (c) PyTorch (bench/reference/speed_*.py) with OpenBLAS on 1 and on 2 threads, when
//       /usr/bin/python3 has torch,
// each in its own process, each reporting the median of >= 3 timed runs after warm-up (BENCH_QUICK=1:
// fewer steps and 2 runs). Prints `BENCH <name> <value> [unit]` lines: raw figures, then ratios
// fast/stock and fast/PyTorch (against the faster of PyTorch's two configurations).
// `node bench/speed/run.mjs w1.lstm256 w3` runs only the named workloads.
// The machine is shared: timings are noisy; ratios come from the same run, seconds apart.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const here = new URL('.', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;
const filters = process.argv.slice(2);
const PY = '/usr/bin/python3';
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-pthread';

/** Workloads: name, node script + args, python script + args, unit. */
const WORKLOADS = [
  {
    name: 'w1.lstm256',
    node: ['w1.mjs', 'lstm', '256'],
    py: ['speed_w1.py', 'lstm', '256'],
    unit: 'tokens/s',
  },
  {
    name: 'w1.gru256',
    node: ['w1.mjs', 'gru', '256'],
    py: ['speed_w1.py', 'gru', '256'],
    unit: 'tokens/s',
  },
  {
    name: 'w1.rnn256',
    node: ['w1.mjs', 'rnn', '256'],
    py: ['speed_w1.py', 'rnn', '256'],
    unit: 'tokens/s',
  },
  {
    name: 'w1.lstm64',
    node: ['w1.mjs', 'lstm', '64'],
    py: ['speed_w1.py', 'lstm', '64'],
    unit: 'tokens/s',
  },
  { name: 'w2', node: ['w2.mjs'], py: ['speed_w2.py'], unit: 'epochs/s' },
  { name: 'w3', node: ['w3.mjs'], py: ['speed_w3.py'], unit: 'chars/s' },
];

function parseResult(out) {
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  return line ? JSON.parse(line.slice(7)) : null;
}

function runNode(script, args, variant) {
  const r = spawnSync(process.execPath, [`${here}${script}`, variant, ...args], {
    encoding: 'utf8',
    cwd: root,
    maxBuffer: 1 << 26,
  });
  const res = parseResult(r.stdout ?? '');
  if (!res) console.error(`# ${script} ${variant} ${args.join(' ')} failed:\n${r.stderr}`);
  return res;
}

let torchAvailable = existsSync(PY);
function runTorch(script, args, threads) {
  if (!torchAvailable) return null;
  const r = spawnSync(PY, [`${root}bench/reference/${script}`, ...args], {
    encoding: 'utf8',
    cwd: root,
    env: {
      ...process.env,
      OPENBLAS_NUM_THREADS: String(threads),
      LD_LIBRARY_PATH: [OPENBLAS, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    },
  });
  if ((r.stdout ?? '').includes('skipped: PyTorch not available')) {
    console.error('# PyTorch not available: skipping the PyTorch reference');
    torchAvailable = false;
    return null;
  }
  const res = parseResult(r.stdout ?? '');
  if (!res) console.error(`# ${script} failed:\n${r.stderr}`);
  return res;
}

const bench = (name, value, unit = '') => {
  const v = Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
  console.log(`BENCH ${name} ${v}${unit ? ` ${unit}` : ''}`);
};

console.error(
  `# bench:speed${process.env.BENCH_QUICK === '1' ? ' (quick)' : ''}: medians; shared 2-core machine, expect noise`,
);
for (const w of WORKLOADS) {
  if (filters.length > 0 && !filters.some((f) => w.name.startsWith(f))) continue;
  const [script, ...args] = w.node;
  const fast = runNode(script, args, 'fast');
  const stock = runNode(script, args, 'stock');
  const [pyScript, ...pyArgs] = w.py;
  const torch1 = runTorch(pyScript, pyArgs, 1);
  const torch2 = runTorch(pyScript, pyArgs, 2);
  const per = w.unit.split('/')[0];
  if (fast) bench(`${w.name}.${per}_per_s`, fast.median, w.unit);
  if (stock) bench(`${w.name}.stock.${per}_per_s`, stock.median, w.unit);
  if (torch1) bench(`${w.name}.torch_1thread.${per}_per_s`, torch1.median, w.unit);
  if (torch2) bench(`${w.name}.torch_2threads.${per}_per_s`, torch2.median, w.unit);
  if (fast && stock) bench(`${w.name}.ratio_vs_stock`, fast.median / stock.median, 'x');
  const best = Math.max(torch1?.median ?? 0, torch2?.median ?? 0);
  if (fast && best > 0) bench(`${w.name}.ratio_vs_torch`, fast.median / best, 'x');
  if (fast?.flopsPerStep) {
    // flops per token = flopsPerStep / (batch * seqLength), batch 32, seqLength 64
    bench(`${w.name}.gflops`, (fast.median * fast.flopsPerStep) / 2048 / 1e9, 'GFLOP/s');
  }
}
