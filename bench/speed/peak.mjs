// The machine's matrix-multiply peak as tfjs's wasm backend reaches it (XNNPACK, SIMD, one
// thread): a [1024, 1024] x [1024, 1024] product, median of 7 timed runs after 3 warm-up runs.
// run.mjs divides W1's GFLOP/s by it (x2 for the two threads the kernel uses at 256 units).
// Usage: node bench/speed/peak.mjs   (prints `RESULT {json}` with GFLOP/s per run)
import * as tf from '@tensorflow/tfjs-core';
import { measure, report, useWasm } from './common.mjs';

await useWasm();
const n = 1024;
const a = tf.randomNormal([n, n]);
const b = tf.randomNormal([n, n]);
const product = () => {
  const c = tf.matMul(a, b);
  c.dataSync();
  c.dispose();
};
// work = GFLOP per product: measure() then reports GFLOP/s
const rates = await measure(product, { warmup: 3, runs: 7, steps: 1, work: (2 * n ** 3) / 1e9 });
report('matmul.wasm', rates);
