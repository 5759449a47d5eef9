// The half-batch gradient of W1's fast path, shared by w1-parallel.mjs and its worker.
import { denseSoftmaxCrossEntropy, fastRecurrence } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';

const GATES = { lstm: 4, gru: 3, rnn: 1 };

/** [kernel, recurrentKernel, bias, dense kernel, dense bias] as variables. */
export function makeVars({ cell, units, vocab }, glorotVar) {
  const g = GATES[cell] * units;
  return [
    glorotVar(vocab, g, 2),
    glorotVar(units, g, 3),
    tf.variable(tf.zeros([g])),
    glorotVar(units, vocab, 4),
    tf.variable(tf.zeros([vocab])),
  ];
}

/** Gradients (Float32Arrays, in vars order) of the mean loss over rows of ids [rows, seqLength+1]. */
export function halfBatchGrads({ cell, units, vocab, seqLength, rows }, vars, ids) {
  const x = new Int32Array(rows * seqLength);
  const y = new Int32Array(rows * seqLength);
  for (let b = 0; b < rows; b++) {
    for (let t = 0; t < seqLength; t++) {
      x[b * seqLength + t] = ids[b * (seqLength + 1) + t];
      y[b * seqLength + t] = ids[b * (seqLength + 1) + t + 1];
    }
  }
  return tf.tidy(() => {
    const xs = tf.oneHot(tf.tensor2d(x, [rows, seqLength], 'int32'), vocab);
    const ys = tf.oneHot(tf.tensor1d(y, 'int32'), vocab);
    const h0 = tf.zeros([rows, units]);
    const [kernel, recurrentKernel, bias, wd, bd] = vars;
    const { grads } = tf.variableGrads(() => {
      const out = fastRecurrence({
        cell,
        x: xs,
        kernel,
        recurrentKernel,
        bias,
        h0,
        ...(cell === 'lstm' ? { c0: h0 } : {}),
        ...(cell === 'gru' ? { resetAfter: false } : {}),
      });
      return denseSoftmaxCrossEntropy(
        tf.reshape(out.sequence, [rows * seqLength, units]),
        wd,
        bd,
        ys,
      );
    }, vars);
    return vars.map((v) => grads[v.name].dataSync().slice());
  });
}
