// W3: generation, 1000 characters one at a time from the W1 model (LSTM(256), vocab 65), stateful,
// sampled from the softmax. Usage: node w3.mjs <fast|stock>; characters per second.
//
// fast: a stateful single-step cell loop on the model's weights: one matMul per character,
// h_{t-1} [1, units] x [R | W_dense] [units, 4 units + vocab], which gives both the recurrent part
// of step t and the logits of step t-1 (that pick the character fed to step t); the input
// projection of a one-hot character is a row of K, read in JS; gates and sampling in JS.
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { glorotVar, measure, QUICK, report, useWasm } from './common.mjs';

const [variant = 'fast'] = process.argv.slice(2);
const vocab = 65;
const units = 256;
const chars = QUICK ? 300 : 1000;
const rand = mulberry32(9);

await useWasm();

/** Samples an index from logits [vocab] with the softmax. */
function sample(logits, offset) {
  let max = -Infinity;
  for (let j = 0; j < vocab; j++) max = Math.max(max, logits[offset + j]);
  const p = new Float64Array(vocab);
  let sum = 0;
  for (let j = 0; j < vocab; j++) sum += p[j] = Math.exp(logits[offset + j] - max);
  let r = rand() * sum;
  for (let j = 0; j < vocab; j++) if ((r -= p[j]) <= 0) return j;
  return vocab - 1;
}

let generate;
const g = 4 * units;
const kernel = glorotVar(vocab, g, 2);
const recurrentKernel = glorotVar(units, g, 3);
const bias = tf.variable(tf.randomUniform([g], -0.1, 0.1));
const wd = glorotVar(units, vocab, 4);
const bd = tf.variable(tf.randomUniform([vocab], -0.1, 0.1));
if (variant === 'fast') {
  const kData = kernel.dataSync();
  const bData = bias.dataSync();
  const bdData = bd.dataSync();
  const rw = tf.concat([recurrentKernel, wd], 1); // [units, 4 units + vocab], made once
  const sig = (v) => 1 / (1 + Math.exp(-v));
  generate = () => {
    const h = new Float32Array(units);
    const c = new Float32Array(units);
    let ch = 0;
    const out = [];
    for (let i = 0; i < chars; i++) {
      const ht = tf.tensor2d(h, [1, units]);
      const mt = tf.matMul(ht, rw);
      const m = mt.dataSync();
      tf.dispose([ht, mt]);
      if (i > 0) {
        for (let j = 0; j < vocab; j++) m[g + j] += bdData[j];
        ch = sample(m, g);
        out.push(ch);
      }
      const k0 = ch * g;
      for (let j = 0; j < units; j++) {
        const ig = sig(kData[k0 + j] + bData[j] + m[j]);
        const fg = sig(kData[k0 + units + j] + bData[units + j] + m[units + j]);
        const cg = Math.tanh(kData[k0 + 2 * units + j] + bData[2 * units + j] + m[2 * units + j]);
        const og = sig(kData[k0 + 3 * units + j] + bData[3 * units + j] + m[3 * units + j]);
        c[j] = fg * c[j] + ig * cg;
        h[j] = og * Math.tanh(c[j]);
      }
    }
    return out;
  };
} else {
  const lstm = tfl.layers.lstm({
    units,
    stateful: true,
    recurrentActivation: 'sigmoid',
    kernelInitializer: 'zeros',
    recurrentInitializer: 'zeros',
    batchInputShape: [1, 1, vocab],
  });
  const dense = tfl.layers.dense({ units: vocab, activation: 'softmax' });
  const model = tfl.sequential({ layers: [lstm, dense] });
  lstm.setWeights([kernel, recurrentKernel, bias]);
  dense.setWeights([wd, bd]);
  const eye = Array.from({ length: vocab }, (_, i) =>
    tf.reshape(tf.oneHot(tf.tensor1d([i], 'int32'), vocab), [1, 1, vocab]),
  );
  generate = () => {
    lstm.resetStates();
    let ch = 0;
    for (let i = 0; i < chars; i++) {
      const p = tf.tidy(() => tf.log(model.predict(eye[ch])));
      ch = sample(p.dataSync(), 0);
      p.dispose();
    }
  };
}

const rates = await measure(generate, { warmup: 1, runs: QUICK ? 2 : 3, steps: 1, work: chars });
report(`w3.${variant}`, rates, { tensors: tf.memory().numTensors });
