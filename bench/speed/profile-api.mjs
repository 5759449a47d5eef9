// A/B of rnnkit's user path against the hand-wired loop, in CPU time per training step
// (process.cpuUsage: far steadier than wall time on the loaded machine), interleaved in one
// process: blocks of `steps` steps of each path in turn, `rounds` times; prints the median block
// of each, their ratio, and the kernel dispatches per step of the user path.
// - user path: manyToMany / manyToOne + createTrainer().step (what api.mjs times); FUSE=0 turns
//   the fused head off (trainer option fuseHead: false) to see what it saves.
// - hand-wired: the loops of w1.mjs / w2.mjs (fastRecurrence + denseSoftmaxCrossEntropy /
//   denseMeanSquaredError + createOptimizer on raw variables).
// Usage: node bench/speed/profile-api.mjs w1 <lstm|gru|rnn> <units> [steps] [rounds]
//        node bench/speed/profile-api.mjs w2 [steps] [rounds]
// (threads held to 1, so both paths use one core.)
import { setRecurrenceThreads } from '@rnnkit/models';
import { denseMeanSquaredError, fastRecurrence } from '@rnnkit/models/kernels';
import { createOptimizer, createTrainer } from '@rnnkit/training';
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { glorotVar, median, useWasm, w1Fast } from './common.mjs';
import { W1, W2, w1Ids, w1Trainer, w2Model } from './workloads.mjs';

const [which = 'w1', ...rest] = process.argv.slice(2);
setRecurrenceThreads(1);
await useWasm();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const fuseHead = process.env.FUSE !== '0';

let userStep;
let wiredStep;
let stepsArg;
let roundsArg;
if (which === 'w1') {
  const [cell = 'lstm', unitsArg = '64'] = rest;
  [stepsArg = '6', roundsArg = '5'] = rest.slice(2);
  const units = Number(unitsArg);
  const { vocab, seqLength, batch } = W1;
  const batches = w1Ids().map(({ x, y }) => ({
    ids: {
      x: tf.tensor2d(x, [batch, seqLength], 'int32'),
      y: tf.tensor2d(y, [batch, seqLength], 'int32'),
    },
    oneHot: {
      x: tf.oneHot(tf.tensor2d(x, [batch, seqLength], 'int32'), vocab),
      y: tf.oneHot(tf.tensor1d(y, 'int32'), vocab),
    },
  }));
  const { trainer } = w1Trainer(cell, units, { fuseHead });
  let i = 0;
  userStep = () => trainer.step(batches[i++ % 4].ids);
  const { vars, loss } = w1Fast({ cell, units, vocab, batch, seqLength });
  const opt = createOptimizer({ type: 'adam', learningRate: 2e-3 });
  let j = 0;
  wiredStep = () => {
    const { x, y } = batches[j++ % 4].oneHot;
    const l = opt.minimize(() => loss(x, y), true, vars);
    l.dataSync();
    l.dispose();
  };
} else {
  [stepsArg = '60', roundsArg = '5'] = rest;
  const { units, batch, window } = W2;
  const rand = mulberry32(5);
  const makeBatch = () => ({
    x: tf.tensor3d(
      new Float32Array(batch * window).map(() => rand()),
      [batch, window, 1],
    ),
    y: tf.tensor2d(
      new Float32Array(batch).map(() => rand()),
      [batch, 1],
    ),
  });
  const trainer = createTrainer(w2Model(), {
    loss: 'meanSquaredError',
    optimizer: { type: 'adam', learningRate: 1e-3 },
    fuseHead,
  });
  userStep = () => {
    const b = makeBatch();
    trainer.step(b);
    tf.dispose([b.x, b.y]);
  };
  const vars = [
    glorotVar(1, 4 * units, 1),
    glorotVar(units, 4 * units, 2),
    tf.variable(tf.zeros([4 * units])),
    glorotVar(units, 1, 3),
    tf.variable(tf.zeros([1])),
  ];
  const [kernel, recurrentKernel, bias, wd, bd] = vars;
  const opt = createOptimizer({ type: 'adam', learningRate: 1e-3 });
  const h0 = tf.zeros([batch, units]);
  wiredStep = () => {
    const { x, y } = makeBatch();
    const l = opt.minimize(
      () => {
        const out = fastRecurrence({ cell: 'lstm', x, kernel, recurrentKernel, bias, h0, c0: h0 });
        return denseMeanSquaredError(out.h, wd, bd, y);
      },
      true,
      vars,
    );
    l.dataSync();
    tf.dispose([x, y, l]);
  };
}

const steps = Number(stepsArg);
const rounds = Number(roundsArg);
const block = (f) => {
  const t0 = cpu();
  for (let k = 0; k < steps; k++) f();
  return (cpu() - t0) / steps;
};
for (let k = 0; k < 3; k++) {
  userStep();
  wiredStep();
}
const user = [];
const wired = [];
for (let r = 0; r < rounds; r++) {
  user.push(block(userStep));
  wired.push(block(wiredStep));
}
// dispatches per step of the user path
const engine = tf.engine();
const counts = new Map();
const orig = engine.runKernelFunc.bind(engine);
engine.runKernelFunc = (p) => {
  const n = p.kernelName ?? 'custom';
  counts.set(n, (counts.get(n) ?? 0) + 1);
  return orig(p);
};
for (let k = 0; k < steps; k++) userStep();
engine.runKernelFunc = orig;
const u = median(user);
const w = median(wired);
const name = which === 'w1' ? `w1.${rest[0] ?? 'lstm'}${rest[1] ?? '64'}` : 'w2';
console.log(
  `${name}${fuseHead ? '' : ' (fuseHead off)'}: user path ${u.toFixed(2)} ms CPU/step, hand-wired ${w.toFixed(2)} ms, user/hand-wired ${(u / w).toFixed(3)}`,
);
console.log(
  `  blocks user [${user.map((v) => v.toFixed(1)).join(' ')}] hand-wired [${wired.map((v) => v.toFixed(1)).join(' ')}]`,
);
console.log(
  `  user kernels/step: ${[...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}:${(v / steps).toFixed(1)}`)
    .join(' ')}`,
);
console.log(`  tensors ${tf.memory().numTensors}`);
