// W1: char-level language model training, one-hot input -> RNN(units) -> dense softmax, Adam.
// Usage: node w1.mjs <fast|stock> <lstm|gru|rnn> <units>; prints RESULT lines (tokens per second).
import { denseSoftmaxCrossEntropy, fastRecurrence } from '@rnnkit/models';
import { createOptimizer } from '@rnnkit/training';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { glorotVar, measure, prng, QUICK, report, useWasm } from './common.mjs';

const [variant = 'fast', cell = 'lstm', unitsArg = '256'] = process.argv.slice(2);
const units = Number(unitsArg);
const vocab = 65;
const seqLength = 64;
const batch = 32;
const gates = { lstm: 4, gru: 3, rnn: 1 }[cell];

await useWasm();
const rand = prng(1);
// A few fixed batches of random char ids (speed only: the values do not matter).
const batches = Array.from({ length: 4 }, () => {
  const ids = new Int32Array(batch * (seqLength + 1)).map(() => Math.floor(rand() * vocab));
  const x = new Int32Array(batch * seqLength);
  const y = new Int32Array(batch * seqLength);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seqLength; t++) {
      x[b * seqLength + t] = ids[b * (seqLength + 1) + t];
      y[b * seqLength + t] = ids[b * (seqLength + 1) + t + 1];
    }
  }
  return {
    x: tf.oneHot(tf.tensor2d(x, [batch, seqLength], 'int32'), vocab), // [batch, time, vocab]
    y: tf.oneHot(tf.tensor1d(y, 'int32'), vocab), // [batch*time, vocab]
  };
});

let step;
if (variant === 'fast') {
  const kernel = glorotVar(vocab, gates * units, 2);
  const recurrentKernel = glorotVar(units, gates * units, 3);
  // GRU with resetAfter false (tfjs/Keras 1), the only mode stock tfjs-layers builds, so the two
  // run the same model; bias [3 units].
  const bias = tf.variable(tf.zeros([gates * units]));
  const wd = glorotVar(units, vocab, 4);
  const bd = tf.variable(tf.zeros([vocab]));
  const vars = [kernel, recurrentKernel, bias, wd, bd];
  const h0 = tf.zeros([batch, units]);
  // rnnkit's Adam: tfjs's numbers, one JS pass per variable (training/src/fused-adam.ts)
  const opt = createOptimizer({ type: 'adam', learningRate: 2e-3 });
  let i = 0;
  step = () => {
    const { x, y } = batches[i++ % batches.length];
    const loss = opt.minimize(
      () => {
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
        // dense softmax + cross-entropy as one op (models/src/kernels/fast-dense.ts)
        const hs = tf.reshape(out.sequence, [batch * seqLength, units]);
        return denseSoftmaxCrossEntropy(hs, wd, bd, y);
      },
      true,
      vars,
    );
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
  warmup: slow ? 1 : 3,
  runs: QUICK ? (slow ? 1 : 2) : 3,
  steps: slow ? (QUICK ? 1 : 2) : QUICK ? 4 : 10,
  work: batch * seqLength,
});
const flopsPerStep =
  3 * 2 * batch * seqLength * (vocab * gates * units + units * gates * units + units * vocab);
report(`w1.${cell}${units}.${variant}`, rates, { flopsPerStep, tensors: tf.memory().numTensors });
