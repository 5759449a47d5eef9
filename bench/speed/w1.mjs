// W1: char-level language model training, one-hot input -> RNN(units) -> dense softmax, Adam.
// Usage: node w1.mjs <fast|stock> <lstm|gru|rnn> <units> [threads 1|2|auto]; prints RESULT lines
// (tokens per second). fast uses rnnkit's default threads ('auto': at 256 units the kernel runs
// half of each batch in a worker thread) unless told otherwise.
import { setRecurrenceThreads } from '@rnnkit/models';
import { createOptimizer } from '@rnnkit/training';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  measure,
  QUICK,
  report,
  useWasm,
  W1_RUN_SECONDS,
  W1_WARMUP,
  W1_WARMUP_SECONDS,
  w1Fast,
} from './common.mjs';
import { w1Ids } from './workloads.mjs';

const [variant = 'fast', cell = 'lstm', unitsArg = '256', threads = 'auto'] = process.argv.slice(2);
setRecurrenceThreads(threads === 'auto' ? 'auto' : Number(threads));
const units = Number(unitsArg);
const vocab = 65;
const seqLength = 64;
const batch = 32;
const gates = { lstm: 4, gru: 3, rnn: 1 }[cell];

await useWasm();
// W1's fixed batches of random char ids (the user path's too), one-hot for these loops.
const batches = w1Ids().map(({ x, y }) => ({
  x: tf.oneHot(tf.tensor2d(x, [batch, seqLength], 'int32'), vocab), // [batch, time, vocab]
  y: tf.oneHot(tf.tensor1d(y, 'int32'), vocab), // [batch*time, vocab]
}));

let step;
if (variant === 'fast') {
  const { vars, loss: lossOf } = w1Fast({ cell, units, vocab, batch, seqLength });
  // rnnkit's Adam: tfjs's numbers, one JS pass per variable (training/src/fused-adam.ts)
  const opt = createOptimizer({ type: 'adam', learningRate: 2e-3 });
  let i = 0;
  step = () => {
    const { x, y } = batches[i++ % batches.length];
    const loss = opt.minimize(() => lossOf(x, y), true, vars);
    loss.dataSync();
    loss.dispose();
  };
} else {
  const common = {
    units,
    returnSequences: true,
    kernelInitializer: 'glorotUniform',
    recurrentInitializer: 'glorotUniform',
    inputShape: [seqLength, vocab],
  };
  const rec =
    cell === 'lstm'
      ? tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid' })
      : cell === 'gru'
        ? tfl.layers.gru({ ...common, recurrentActivation: 'sigmoid' }) // resetAfter false only
        : tfl.layers.simpleRNN(common);
  const model = tfl.sequential({
    layers: [rec, tfl.layers.dense({ units: vocab, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(2e-3), loss: 'categoricalCrossentropy' });
  const ys = batches.map((b) => tf.reshape(b.y, [batch, seqLength, vocab]));
  let i = 0;
  step = async () => {
    const k = i++ % batches.length;
    await model.trainOnBatch(batches[k].x, ys[k]);
  };
}

const slow = variant === 'stock';
const rates = await measure(step, {
  warmup: slow ? 1 : W1_WARMUP,
  warmupSeconds: W1_WARMUP_SECONDS,
  runs: QUICK ? (slow ? 1 : 2) : 3,
  steps: slow ? (QUICK ? 1 : 2) : QUICK ? 4 : 10,
  runSeconds: W1_RUN_SECONDS,
  work: batch * seqLength,
});
const flopsPerStep =
  3 * 2 * batch * seqLength * (vocab * gates * units + units * gates * units + units * vocab);
const cpu = process.cpuUsage();
report(`w1.${cell}${units}.${variant}`, rates, {
  flopsPerStep,
  tensors: tf.memory().numTensors,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
});
