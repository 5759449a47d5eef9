// W2: window regression, the tutorial's many-to-one example scaled up: 2000 windows of 5 values ->
// LSTM(32) -> dense(1), MSE, Adam, batch 32. Usage: node w2.mjs <fast|stock>; epochs per second.
// fast: the dense head and MSE as one op (denseMeanSquaredError), rnnkit's fused Adam
// (createOptimizer: tfjs's Adam numbers in one JS pass per variable).
import { denseMeanSquaredError, fastRecurrence } from '@rnnkit/models/kernels';
import { createOptimizer } from '@rnnkit/training';
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { glorotVar, measure, QUICK, report, useWasm } from './common.mjs';
import { w2Windows } from './workloads.mjs';

const [variant = 'fast'] = process.argv.slice(2);
const windows = 2000;
const window = 5;
const units = 32;
const batch = 32;

await useWasm();
// The same noisy sine as bench/reference/speed_w2.py (and the user path's).
const { xs, ys } = w2Windows();
const rand = mulberry32(5);

let epoch;
if (variant === 'fast') {
  const kernel = glorotVar(1, 4 * units, 1);
  const recurrentKernel = glorotVar(units, 4 * units, 2);
  const bias = tf.variable(tf.zeros([4 * units]));
  const wd = glorotVar(units, 1, 3);
  const bd = tf.variable(tf.zeros([1]));
  const vars = [kernel, recurrentKernel, bias, wd, bd];
  const opt = createOptimizer({ type: 'adam', learningRate: 1e-3 });
  const order = Array.from({ length: windows }, (_, i) => i);
  const h0Full = tf.zeros([batch, units]);
  epoch = () => {
    for (let i = windows - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let s = 0; s < windows; s += batch) {
      const n = Math.min(batch, windows - s);
      const xb = new Float32Array(n * window);
      const yb = new Float32Array(n);
      for (let b = 0; b < n; b++) {
        const w = order[s + b];
        xb.set(xs.subarray(w * window, (w + 1) * window), b * window);
        yb[b] = ys[w];
      }
      const x = tf.tensor3d(xb, [n, window, 1]);
      const y = tf.tensor2d(yb, [n, 1]);
      const h0 = n === batch ? h0Full : tf.zeros([n, units]); // the last batch is smaller
      const loss = opt.minimize(
        () => {
          const out = fastRecurrence({
            cell: 'lstm',
            x,
            kernel,
            recurrentKernel,
            bias,
            h0,
            c0: h0,
          });
          return denseMeanSquaredError(out.h, wd, bd, y);
        },
        true,
        vars,
      );
      loss.dataSync();
      tf.dispose([x, y, loss, ...(h0 === h0Full ? [] : [h0])]);
    }
  };
} else {
  const model = tfl.sequential({
    layers: [
      tfl.layers.lstm({
        units,
        recurrentActivation: 'sigmoid',
        kernelInitializer: 'glorotUniform',
        recurrentInitializer: 'glorotUniform',
        inputShape: [window, 1],
      }),
      tfl.layers.dense({ units: 1 }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const x = tf.tensor3d(xs, [windows, window, 1]);
  const y = tf.tensor2d(ys, [windows, 1]);
  epoch = async () => {
    await model.fit(x, y, { batchSize: batch, epochs: 1, shuffle: true, verbose: 0 });
  };
}

// As api.mjs's W2 and speed_w2.py: 5 warm-up epochs, then 3 timed runs of 4 epochs (the first
// epochs of a fresh process run cold code).
const rates = await measure(epoch, {
  warmup: QUICK ? 1 : 5,
  runs: QUICK ? 2 : 3,
  steps: QUICK ? 1 : 4,
  work: 1,
});
report(`w2.${variant}`, rates, { tensors: tf.memory().numTensors });
