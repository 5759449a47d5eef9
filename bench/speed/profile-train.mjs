// Where a W2 training step's CPU time goes on rnnkit's user path (manyToOne, LSTM 32, regression
// head, MSE, Adam: what api.mjs's W2 trains with train()), part by part, each part timed in blocks
// of `steps` calls interleaved with the others in one process, `rounds` times, CPU us per call
// (process.cpuUsage: both engines' threads counted; it moves far less with the load than wall
// time) as the median block:
// - data: one batch of train()'s in-memory data plan (planEpochs: rows gathered, two tensors);
// - kernel / layer / trunk: forward only, no tape: the recurrence op alone (fastRecurrence), the
//   model's LSTM layer (tfjs-layers Layer.apply around it) and the model up to the head
//   (tfjs-layers' container executing the graph, what fusedHeadLoss runs);
// - hand-wired: a whole step as w2.mjs's fast loop writes it (fastRecurrence +
//   denseMeanSquaredError under optimizer.minimize, fused Adam, loss read);
// - step: createTrainer().step on the same batch (the user path without the data);
// - adam: the fused Adam update of W2's five variables alone.
// Usage: node bench/speed/profile-train.mjs [steps] [rounds]; RNNKIT_NATIVE=0: the wasm engine.
import { denseMeanSquaredError, fastRecurrence } from '@rnnkit/models/kernels';
import { createOptimizer, createTrainer, planEpochs } from '@rnnkit/training';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { median, useWasm } from './common.mjs';
import { W2, w2Model, w2Windows } from './workloads.mjs';

const steps = Number(process.argv[2] ?? 300);
const rounds = Number(process.argv[3] ?? 7);
await useWasm();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const { windows, window, batch, units } = W2;
const { xs, ys } = w2Windows();
const data = { x: tf.tensor3d(xs, [windows, window, 1]), y: tf.tensor2d(ys, [windows, 1]) };
const x = tf.slice(data.x, [0, 0, 0], [batch, window, 1]);
const y = tf.slice(data.y, [0, 0], [batch, 1]);

// data: batches of a shuffled plan, epoch after epoch
const plan = planEpochs(data, { batchSize: batch, shuffle: true, seed: 5 });
let epoch = 0;
let batches = plan.epoch(epoch, 0);
const nextBatch = () => {
  if (batches.next().done) batches = plan.epoch(++epoch, 0);
};

// forward only: the op, the layer, the trunk (the model's own weights)
const model = w2Model();
const lstm = model.layers.find((l) => l.getClassName() === 'LSTM');
const trunk = tfl.model({ inputs: model.inputs, outputs: lstm.output });
const [kernel, recurrentKernel, bias] = lstm.weights.map((w) => w.read());
const zeros = tf.zeros([batch, units]);
const run = (h0) => fastRecurrence({ cell: 'lstm', x, kernel, recurrentKernel, bias, h0, c0: h0 });

// the hand-wired step on variables of its own, and the trainer on a model of its own
const vars = [...lstm.weights, ...model.layers.at(-1).weights].map((w) =>
  tf.variable(w.read().clone()),
);
const [k, r, b, wd, bd] = vars;
const opt = createOptimizer({ type: 'adam', learningRate: 1e-3 });
const trainer = createTrainer(w2Model(), {
  loss: 'meanSquaredError',
  optimizer: { type: 'adam', learningRate: 1e-3 },
});
const adam = createOptimizer({ type: 'adam', learningRate: 1e-3 });
const adamVars = vars.map((v) => tf.variable(v.clone()));
const adamGrads = adamVars.map((v) => ({ name: v.name, tensor: tf.randomNormal(v.shape) }));

const parts = {
  data: nextBatch,
  // (each in a tidy that returns nothing: its outputs are freed)
  kernel: () =>
    tf.tidy(() => {
      run(tf.zeros([batch, units]));
    }),
  layer: () =>
    tf.tidy(() => {
      lstm.apply(x, { training: true });
    }),
  trunk: () =>
    tf.tidy(() => {
      trunk.apply(x, { training: true });
    }),
  'hand-wired': () => {
    const loss = opt.minimize(
      () => {
        const h = fastRecurrence({
          cell: 'lstm',
          x,
          kernel: k,
          recurrentKernel: r,
          bias: b,
          h0: zeros,
          c0: zeros,
        }).h;
        return denseMeanSquaredError(h, wd, bd, y);
      },
      true,
      vars,
    );
    loss.dataSync();
    loss.dispose();
  },
  step: () => trainer.step({ x, y }),
  adam: () => adam.applyGradients(adamGrads),
};
const names = Object.keys(parts);
const times = Object.fromEntries(names.map((n) => [n, []]));
for (const n of names) for (let i = 0; i < 50; i++) parts[n](); // warm-up
const before = tf.memory().numTensors;
for (let round = 0; round < rounds; round++) {
  for (const n of names) {
    const t0 = cpu();
    for (let i = 0; i < steps; i++) parts[n]();
    times[n].push(((cpu() - t0) / steps) * 1000);
  }
}
console.log(
  `W2 CPU us per call (median of ${rounds} blocks of ${steps}): ` +
    names.map((n) => `${n} ${median(times[n]).toFixed(0)}`).join(', ') +
    `; tensors ${before} -> ${tf.memory().numTensors}`,
);
