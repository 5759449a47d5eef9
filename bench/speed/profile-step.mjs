// engine.runKernel goes through runKernelFunc, so counting the latter counts every dispatch once.
// Profiles one training step of W2 (LSTM 32) or W1 LSTM 64 on wasm: kernel dispatches, tensors
// made and readbacks per step, and CPU time per phase (process.cpuUsage, so a busy machine adds
// less noise than wall-clock time). Usage: node bench/speed/profile-step.mjs <w2|w1> [steps]
// [adam|adamw]; FUSED=0 runs the op-by-op Adam, LOSS=stock W2's head as separate tfjs ops.

import {
  denseMatMul,
  denseMeanSquaredError,
  denseSoftmaxCrossEntropy,
  fastRecurrence,
} from '@rnnkit/models/kernels';
import { createOptimizer } from '@rnnkit/training';
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { glorotVar, useWasm } from './common.mjs';

const [which = 'w2', stepsArg = '200', optArg = 'adam'] = process.argv.slice(2);
const steps = Number(stepsArg);
await useWasm();
const engine = tf.engine();
const counts = new Map();
let made = 0;
let reads = 0;
const origFunc = engine.runKernelFunc.bind(engine);
engine.runKernelFunc = (p) => {
  const n = p.kernelName ?? 'runKernelFunc(custom)';
  counts.set(n, (counts.get(n) ?? 0) + 1);
  return origFunc(p);
};
const origMake = engine.makeTensor.bind(engine);
engine.makeTensor = (...a) => {
  made++;
  return origMake(...a);
};
const backend = tf.backend();
const origRead = backend.readSync.bind(backend);
backend.readSync = (id) => {
  reads++;
  return origRead(id);
};

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const phases = new Map();
const timed = (name, f) => {
  const t0 = cpu();
  const r = f();
  phases.set(name, (phases.get(name) ?? 0) + cpu() - t0);
  return r;
};

let makeBatch;
let lossOf;
let vars;
if (which === 'w2') {
  const units = 32;
  const batch = 32;
  const rand = mulberry32(5);
  vars = [
    glorotVar(1, 128, 1),
    glorotVar(units, 128, 2),
    tf.variable(tf.zeros([128])),
    glorotVar(units, 1, 3),
    tf.variable(tf.zeros([1])),
  ];
  makeBatch = () => {
    const xb = new Float32Array(batch * 5).map(() => rand());
    const yb = new Float32Array(batch).map(() => rand());
    return {
      x: tf.tensor3d(xb, [batch, 5, 1]),
      y: tf.tensor2d(yb, [batch, 1]),
      h0: tf.zeros([batch, units]),
    };
  };
  lossOf = ({ x, y, h0 }) => {
    const [kernel, recurrentKernel, bias, wd, bd] = vars;
    const out = fastRecurrence({ cell: 'lstm', x, kernel, recurrentKernel, bias, h0, c0: h0 });
    // LOSS=stock: the head as separate tfjs ops (what W2 ran before denseMeanSquaredError)
    if (process.env.LOSS === 'stock') {
      return tf.losses.meanSquaredError(y, tf.add(denseMatMul(out.h, wd), bd));
    }
    return denseMeanSquaredError(out.h, wd, bd, y);
  };
} else {
  const units = 64;
  const batch = 32;
  const T = 64;
  const rand = mulberry32(1);
  vars = [
    glorotVar(65, 256, 2),
    glorotVar(units, 256, 3),
    tf.variable(tf.zeros([256])),
    glorotVar(units, 65, 4),
    tf.variable(tf.zeros([65])),
  ];
  const h0 = tf.zeros([batch, units]);
  const bs = Array.from({ length: 4 }, () => {
    const ids = new Int32Array(batch * T).map(() => Math.floor(rand() * 65));
    const ys = new Int32Array(batch * T).map(() => Math.floor(rand() * 65));
    return {
      x: tf.oneHot(tf.tensor2d(ids, [batch, T], 'int32'), 65),
      y: tf.oneHot(tf.tensor1d(ys, 'int32'), 65),
    };
  });
  let i = 0;
  makeBatch = () => ({ ...bs[i++ % 4], h0, keep: true });
  lossOf = ({ x, y, h0: h }) => {
    const [kernel, recurrentKernel, bias, wd, bd] = vars;
    const out = fastRecurrence({ cell: 'lstm', x, kernel, recurrentKernel, bias, h0: h, c0: h });
    return denseSoftmaxCrossEntropy(tf.reshape(out.sequence, [batch * T, units]), wd, bd, y);
  };
}
const opt = createOptimizer({ type: optArg, learningRate: 1e-3, fused: process.env.FUSED !== '0' });
const step = () => {
  const b = timed('batch', makeBatch);
  const { value, grads } = timed('forward+backward', () => tf.variableGrads(() => lossOf(b), vars));
  timed('optimizer', () =>
    opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] }))),
  );
  timed('loss read', () => value.dataSync());
  timed('dispose', () => {
    tf.dispose([value, ...Object.values(grads)]);
    if (!b.keep) tf.dispose([b.x, b.y, b.h0]);
  });
};
for (let i = 0; i < 20; i++) step();
counts.clear();
phases.clear();
made = 0;
reads = 0;
const before = tf.memory().numTensors;
const t0 = cpu();
const w0 = performance.now();
for (let i = 0; i < steps; i++) step();
const total = cpu() - t0;
const wall = performance.now() - w0;
console.log(
  `${which} ${optArg}: ${(total / steps).toFixed(3)} ms CPU/step (${(wall / steps).toFixed(3)} wall), tensors ${before} -> ${tf.memory().numTensors}`,
);
for (const [k, v] of phases) console.log(`  ${k.padEnd(18)} ${(v / steps).toFixed(3)} ms`);
const total2 = [...counts.values()].reduce((a, b) => a + b, 0);
console.log(
  `  kernels/step ${(total2 / steps).toFixed(1)}, tensors made/step ${(made / steps).toFixed(1)}, readbacks/step ${(reads / steps).toFixed(1)}`,
);
console.log(
  `  ${[...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}:${(v / steps).toFixed(1)}`)
    .join(' ')}`,
);
