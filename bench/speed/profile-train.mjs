// Profiles W2 through rnnkit's default user path: manyToOne (LSTM 32, regression head) trained by
// createTrainer().step (tfjs-layers apply, variableGrads, the MSE loss, fused Adam), on wasm;
// CPU ms per step by phase and kernel dispatches. Usage: node bench/speed/profile-train.mjs [steps]
import { manyToOne } from '@rnnkit/models';
import { createTrainer } from '@rnnkit/training';
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from './common.mjs';

const steps = Number(process.argv[2] ?? 300);
await useWasm();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const { model } = manyToOne({
  cell: 'lstm',
  units: 32,
  input: { type: 'features', features: 1 },
  seqLength: 5,
  head: { type: 'regression' },
  seed: 0,
});
const trainer = createTrainer(model, {
  loss: 'meanSquaredError',
  optimizer: { type: 'adam', learningRate: 1e-3, fused: process.env.FUSED !== '0' },
});
const rand = mulberry32(5);
// CPU time inside the optimizer update, to split the step
let optMs = 0;
const opt = trainer.optimizer;
const apply = opt.applyGradients.bind(opt);
opt.applyGradients = (g) => {
  const t = cpu();
  apply(g);
  optMs += cpu() - t;
};
const engine = tf.engine();
let kernels = 0;
const orig = engine.runKernelFunc.bind(engine);
engine.runKernelFunc = (p) => {
  kernels++;
  return orig(p);
};
const batch = () => ({
  x: tf.tensor3d(
    new Float32Array(32 * 5).map(() => rand()),
    [32, 5, 1],
  ),
  y: tf.tensor2d(
    new Float32Array(32).map(() => rand()),
    [32, 1],
  ),
});
for (let i = 0; i < 30; i++) {
  const b = batch();
  trainer.step(b);
  tf.dispose([b.x, b.y]);
}
kernels = 0;
optMs = 0;
const before = tf.memory().numTensors;
const t0 = cpu();
for (let i = 0; i < steps; i++) {
  const b = batch();
  trainer.step(b);
  tf.dispose([b.x, b.y]);
}
const ms = (cpu() - t0) / steps;
console.log(
  `trainer.step W2: ${ms.toFixed(3)} ms CPU/step (optimizer ${(optMs / steps).toFixed(3)}), ` +
    `${(kernels / steps).toFixed(1)} kernels/step, tensors ${before} -> ${tf.memory().numTensors}`,
);
trainer.dispose();
