/**
 * The output layer of a fast training step: dense + softmax cross-entropy as one op with its own
 * gradient, and a matMul whose gradient has no transposed operand.
 *
 * tfjs's matMul gradient multiplies by transposed operands, which leaves XNNPACK's fast path on wasm
 * (13-34x slower, PERF-NOTES.md); `tf.losses.softmaxCrossEntropy` dispatches about fifteen small
 * kernels forward and as many backward. Here softmax, loss and the logits gradient are one JS loop
 * over [rows, classes].
 *
 * @example
 * ```ts
 * const h = tf.tensor2d([[1, 0]]); // [rows 1, units 2]
 * const w = tf.tensor2d([[1, 0], [0, 1]]); // [units, classes 2]
 * const loss = denseSoftmaxCrossEntropy(h, w, tf.zeros([2]), tf.tensor2d([[1, 0]]));
 * loss.dataSync(); // Float32Array [0.31326...] = -log(e / (e + 1))
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { colSum, transposeData, transposed, weightGradT } from './fast-linalg.js';

/** a [n, k] x b [k, m], differentiable, with transpose-free gradients. */
export const denseMatMul: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D = tf.customGrad(
  (a, b, save) => {
    const [ta, tb] = [a as tf.Tensor2D, b as tf.Tensor2D];
    (save as tf.GradSaveFunc)([ta, tb]);
    return {
      value: tf.matMul(ta, tb),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
        const [n, m] = dy.shape as [number, number];
        const k = sb.shape[0];
        return [
          tf.matMul(dy as tf.Tensor2D, transposed(sb)), // [n, m] x [m, k]
          tf.tensor2d(transposeData(weightGradT(sa, dy.dataSync() as Float32Array, n, m), m, k), [
            k,
            m,
          ]),
        ];
      },
    };
  },
) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * Mean softmax cross-entropy of the dense layer h w + b against labels, as one differentiable op
 * (w.r.t. h, w and b). Same value and gradients as
 * `tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(h, w), b))`.
 * h: [rows, units]; w: [units, classes]; b: [classes]; labels: [rows, classes] (one-hot or
 * probabilities, not differentiated).
 */
export function denseSoftmaxCrossEntropy(
  h: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  labels: tf.Tensor2D,
): tf.Scalar {
  const [rows, units] = h.shape;
  const classes = w.shape[1];
  const op = tf.customGrad((hIn, wIn, bIn, save) => {
    (save as tf.GradSaveFunc)([hIn as tf.Tensor, wIn as tf.Tensor]);
    // [rows, classes] logits -> probabilities, in place
    const p = (
      tf.matMul(hIn as tf.Tensor2D, wIn as tf.Tensor2D).dataSync() as Float32Array
    ).slice();
    const bias = (bIn as tf.Tensor).dataSync();
    const y = labels.dataSync();
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * classes;
      let max = -Infinity;
      for (let j = 0; j < classes; j++) {
        const v = (p[o + j] as number) + (bias[j] as number);
        p[o + j] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      for (let j = 0; j < classes; j++) sum += Math.exp((p[o + j] as number) - max);
      const logSum = max + Math.log(sum);
      for (let j = 0; j < classes; j++) {
        const logP = (p[o + j] as number) - logSum;
        loss -= (y[o + j] as number) * logP;
        p[o + j] = Math.exp(logP);
      }
    }
    return {
      value: tf.scalar(loss / rows),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sh, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        // dL/dlogits = (p * sum(y_row) - y) * dy / rows
        const scale = (dy.dataSync()[0] as number) / rows;
        const d = new Float32Array(rows * classes);
        for (let r = 0; r < rows; r++) {
          const o = r * classes;
          let ySum = 0;
          for (let j = 0; j < classes; j++) ySum += y[o + j] as number;
          for (let j = 0; j < classes; j++) {
            d[o + j] = ((p[o + j] as number) * ySum - (y[o + j] as number)) * scale;
          }
        }
        const dT = tf.tensor2d(d, [rows, classes]);
        return [
          tf.matMul(dT, transposed(sw)), // [rows, units]
          tf.tensor2d(transposeData(weightGradT(sh, d, rows, classes), classes, units), [
            units,
            classes,
          ]),
          tf.tensor1d(colSum(d, rows, classes)),
        ];
      },
    };
  });
  return op(h, w, b) as tf.Scalar;
}
