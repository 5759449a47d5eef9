// A matMul whose gradient materialises the transposes: on wasm, matMul with a transposed operand
// leaves XNNPACK's fast path (13-34x slower, PERF-NOTES.md), and that is what tfjs's own matMul
// gradient uses.
import * as tf from '@tensorflow/tfjs-core';

/** a [n, k] x b [k, m], differentiable, with transpose-free gradients. */
export const denseMatMul = tf.customGrad((a, b, save) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy, [sa, sb]) => [
      tf.matMul(dy, tf.transpose(sb)), // [n, m] x [m, k]
      tf.transpose(tf.matMul(tf.transpose(dy), sa)), // ([m, n] x [n, k])^T = a^T dy
    ],
  };
});
