// Shared helpers of the speed suite: backend setup, seeded data, timing, result lines.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { denseSoftmaxCrossEntropy, fastRecurrence } from '@rnnkit/models/kernels';
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Quick mode (BENCH_QUICK=1): fewer steps and runs, for iterating; figures are rougher. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Selects the wasm backend (XNNPACK + SIMD; tfjs runs it on one thread under Node). */
export async function useWasm() {
  tf.env().set('PROD', true);
  const dir = dirname(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'),
  );
  setWasmPaths(`${dir}/dist/`);
  await tf.setBackend('wasm');
  await tf.ready();
}

/** Glorot-uniform [rows, cols] as a tf.Variable (fast to make, unlike tfjs's orthogonal). */
export function glorotVar(rows, cols, seed) {
  const r = mulberry32(seed);
  const lim = Math.sqrt(6 / (rows + cols));
  const v = new Float32Array(rows * cols).map(() => (r() * 2 - 1) * lim);
  return tf.variable(tf.tensor2d(v, [rows, cols]));
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * W1's warm-up and timed runs, the same for every engine (rnnkit's paths, stock tfjs-layers and
 * PyTorch's script, which copies these numbers): warm up for at least `W1_WARMUP` steps and at
 * least `W1_WARMUP_SECONDS`, then time runs of at least `steps` steps and `W1_RUN_SECONDS` each.
 * Step counts alone were too short for the JIT'd paths: rnnkit's LSTM 64 step (25-30 ms) ran
 * 59 000, 70 000, 70 000, 78 000 and then 80 000-98 000 tokens/s in successive runs of 10 steps
 * after the first 10 (bench/speed/trajectory.mjs prints this curve), so 10 warm-up steps and
 * three runs of 10 timed the warm-up, not the steady state; and runs of 0.3 s moved by 20% with
 * the VM's jitter. PyTorch's C++ path has no such ramp (its runs of 10 steps were flat, 58 000-
 * 89 000 from the first). Time-based limits leave the slow paths (stock: seconds a step) as
 * they were.
 */
const quick = process.env.BENCH_QUICK === '1';
export const W1_WARMUP = quick ? 3 : 10;
export const W1_WARMUP_SECONDS = quick ? 1 : 5;
export const W1_RUN_SECONDS = quick ? 0.5 : 2;

/**
 * Runs `step` at least `warmup` times and for at least `warmupSeconds`, then `runs` timed runs of
 * at least `steps` steps and `runSeconds` each; returns the throughput of every run (units of work
 * per second, `work` units per step).
 */
export async function measure(
  step,
  { warmup, runs, steps, work, warmupSeconds = 0, runSeconds = 0 },
) {
  const w0 = performance.now();
  for (let i = 0; i < warmup || performance.now() - w0 < warmupSeconds * 1000; i++) await step();
  const rates = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    let done = 0;
    while (done < steps || performance.now() - t0 < runSeconds * 1000) {
      await step();
      done++;
    }
    rates.push((work * done) / ((performance.now() - t0) / 1000));
  }
  return rates;
}

/** The one line a worker prints for run.mjs: `RESULT {json}`. */
export function report(name, rates, extra = {}) {
  console.log(`RESULT ${JSON.stringify({ name, rates, median: median(rates), ...extra })}`);
}

/**
 * W1's fast path: the variables of one-hot -> RNN(units) -> dense softmax, and the loss of a batch
 * (x [batch, seqLength, vocab] one-hot, y [batch*seqLength, vocab]) through fastRecurrence and
 * denseSoftmaxCrossEntropy. GRU with resetAfter false (tfjs/Keras 1), the only mode stock
 * tfjs-layers builds, so both run the same model; bias [k units].
 */
export function w1Fast({ cell, units, vocab, batch, seqLength }) {
  const gates = { lstm: 4, gru: 3, rnn: 1 }[cell];
  const kernel = glorotVar(vocab, gates * units, 2);
  const recurrentKernel = glorotVar(units, gates * units, 3);
  const bias = tf.variable(tf.zeros([gates * units]));
  const wd = glorotVar(units, vocab, 4);
  const bd = tf.variable(tf.zeros([vocab]));
  const h0 = tf.zeros([batch, units]);
  const loss = (x, y) => {
    const out = fastRecurrence({
      cell,
      x,
      kernel,
      recurrentKernel,
      bias,
      h0,
      ...(cell === 'lstm' ? { c0: h0 } : {}),
      ...(cell === 'gru' ? { resetAfter: false } : {}),
    });
    // dense softmax + cross-entropy as one op (models/src/fast/fast-dense.ts)
    const hs = tf.reshape(out.sequence, [batch * seqLength, units]);
    return denseSoftmaxCrossEntropy(hs, wd, bd, y);
  };
  return { vars: [kernel, recurrentKernel, bias, wd, bd], loss };
}
