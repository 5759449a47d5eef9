import * as tf from '@tensorflow/tfjs-core';
import { useWasm, median } from './common.mjs';
import { fastRecurrence } from '@rnnkit/models/kernels';
import { setRecurrenceThreads } from '@rnnkit/models';
await useWasm();
setRecurrenceThreads(1);
const u = 256, b = 32, T = 64, F = 65, k = 4;
const v = (s) => tf.variable(tf.randomUniform(s, -0.1, 0.1));
const kernel = v([F, k * u]), R = v([u, k * u]), bias = v([k * u]);
const ids = Int32Array.from({ length: b * T }, (_, i) => (i * 7) % F);
const x = tf.cast(tf.oneHot(tf.tensor2d(ids, [b, T], 'int32'), F), 'float32');
const h0 = tf.zeros([b, u]), c0 = tf.zeros([b, u]);
const mask = (w, rate) => tf.tensor3d(Float32Array.from({ length: k * b * w }, () => (Math.random() >= rate ? 1 / (1 - rate) : 0)), [k, b, w]);
const cfgs = {
  none: {},
  rec: { recurrentDropout: mask(u, 0.2) },
  both: { recurrentDropout: mask(u, 0.2), inputDropout: mask(F, 0.2) },
};
const res = Object.fromEntries(Object.keys(cfgs).map((c) => [c, []]));
for (let r = 0; r < 6; r++) {
  for (const [name, extra] of Object.entries(cfgs)) {
    const t0 = performance.now();
    for (let i = 0; i < 2; i++) {
      tf.tidy(() => { const { value, grads } = tf.variableGrads(() => tf.sum(fastRecurrence({ cell: 'lstm', x, kernel, recurrentKernel: R, bias, h0, c0, ids, ...extra }).sequence), [kernel, R, bias]); value.dataSync(); });
    }
    if (r > 0) res[name].push((performance.now() - t0) / 2);
  }
}
for (const [n, xs] of Object.entries(res)) console.log(n, median(xs).toFixed(0), 'ms', xs.map((x) => x.toFixed(0)).join(' '));
