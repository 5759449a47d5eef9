/**
 * The output layer of a fast training step: dense + softmax cross-entropy as one op with its own
 * gradient, and a matMul whose gradient has no transposed operand.
 *
 * tfjs's matMul gradient multiplies by transposed operands, which leaves XNNPACK's fast path on
 * wasm (13-34x slower: apps/docs/guide/performance.md); `tf.losses.softmaxCrossEntropy` dispatches
 * about fifteen small kernels forward and as many backward. Here softmax, loss and the logits
 * gradient are one JS loop over [rows, classes].
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
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
import { transposeData, transposed, weightGradT } from './fast-linalg.js';

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

/** Cody-Waite split of ln 2: k LN2_HI is exact for |k| < 2^11. */
const LN2_HI = 0.693145751953125;
const LN2_LO = 1.428606765330187e-6;
/** 2^(i - 128): the scale of {@link expNonPositive}. */
const POW2 = new Float64Array(130).map((_, i) => 2 ** (i - 128));

/**
 * exp(x) for x <= 0 (softmax's x - max) with relative error below 1e-8, about twice as fast as
 * Math.exp in V8: x = k ln 2 + r
 * with |r| <= ln 2 / 2, exp(r) by its degree-7 Taylor polynomial (error r^8 / 8! < 6e-9), times
 * 2^k from a table. Below -87 (exp < 1.7e-38, float32's smallest normal) it returns 0.
 */
export function expNonPositive(x: number): number {
  if (!(x >= -87)) return Number.isNaN(x) ? x : 0; // NaN stays NaN
  const k = Math.floor(x * Math.LOG2E + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  const p =
    1 +
    r *
      (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040)))))));
  return p * (POW2[k + 128] as number);
}

/** The values of a fresh intermediate tensor, owned by the caller (the tensor is disposed). */
function takeData(t: tf.Tensor): Float32Array {
  // dataSync copies out of wasm memory; on cpu it is the backing array, ours once t is gone
  const d = t.dataSync() as Float32Array;
  t.dispose();
  return d;
}

/**
 * A dense layer's loss as one differentiable op (w.r.t. h, w and b): h [rows, units], w [units,
 * outputs], b [outputs] against targets [rows, outputs] (not differentiated).
 */
export type DenseLoss = (
  h: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  targets: tf.Tensor2D,
) => tf.Scalar;

/**
 * Mean softmax cross-entropy of the dense layer h w + b against labels, as one differentiable op
 * (w.r.t. h, w and b). Same value and gradients as
 * `tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(h, w), b))`.
 * h: [rows, units]; w: [units, classes]; b: [classes]; labels: [rows, classes] (one-hot or
 * probabilities, not differentiated).
 */
export const denseSoftmaxCrossEntropy: DenseLoss = (h, w, b, labels) => {
  const [rows, units] = h.shape;
  const classes = w.shape[1];
  const op = tf.customGrad((hIn, wIn, bIn, save) => {
    (save as tf.GradSaveFunc)([hIn as tf.Tensor, wIn as tf.Tensor]);
    // [rows, classes]: logits, then exp(logit - row max), in place
    const e = takeData(tf.matMul(hIn as tf.Tensor2D, wIn as tf.Tensor2D));
    const bias = (bIn as tf.Tensor).dataSync();
    const y = labels.dataSync();
    const inv = new Float64Array(rows); // 1 / sum of the row's exps
    const ySum = new Float64Array(rows); // label mass of the row (1 for one-hot)
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * classes;
      let max = -Infinity;
      let yv = 0; // sum_j y_j logit_j
      let ys = 0;
      for (let j = 0; j < classes; j++) {
        const v = (e[o + j] as number) + (bias[j] as number);
        e[o + j] = v;
        if (v > max) max = v;
        const yj = y[o + j] as number;
        if (yj !== 0) {
          yv += yj * v;
          ys += yj;
        }
      }
      let sum = 0;
      for (let j = 0; j < classes; j++) {
        const x = expNonPositive((e[o + j] as number) - max);
        e[o + j] = x;
        sum += x;
      }
      // -sum_j y_j log p_j, log p_j = logit_j - (max + log sum)
      loss -= yv - ys * (max + Math.log(sum));
      inv[r] = 1 / sum;
      ySum[r] = ys;
    }
    return {
      value: tf.scalar(loss / rows),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sh, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        // dL/dlogits = (p * sum(y_row) - y) * dy / rows, bias gradient summed alongside
        const scale = (dy.dataSync()[0] as number) / rows;
        const d = new Float32Array(rows * classes);
        const db = new Float64Array(classes);
        for (let r = 0; r < rows; r++) {
          const o = r * classes;
          const pScale = (inv[r] as number) * (ySum[r] as number);
          for (let j = 0; j < classes; j++) {
            const v = ((e[o + j] as number) * pScale - (y[o + j] as number)) * scale;
            d[o + j] = v;
            db[j] = (db[j] as number) + v;
          }
        }
        const dLogits = tf.tensor2d(d, [rows, classes]);
        // dw = h^T d with h transposed in JS: no matMul operand is transposed, and the operand
        // XNNPACK packs is d [rows, classes], not h [rows, units] (whose packing cost 7 of the
        // 23 ms of W1's head gradient at 256 units; the same numbers)
        const hT = tf.tensor2d(transposeData(sh.dataSync(), rows, units), [units, rows]);
        return [
          tf.matMul(dLogits, transposed(sw)), // [rows, units]
          tf.matMul(hT, dLogits), // [units, classes]
          tf.tensor1d(Float32Array.from(db)),
        ];
      },
    };
  });
  return op(h, w, b) as tf.Scalar;
};

/** Below this many multiply-adds a product is a JS loop (a tfjs dispatch costs more). */
const JS_MATMUL_MAX = 1 << 16;

/** a [n, k] x b [k, m] in JS (row-major buffers). */
function jsMatMul(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, m: number) {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p] as number;
      if (av === 0) continue;
      for (let j = 0; j < m; j++)
        out[i * m + j] = (out[i * m + j] as number) + av * (b[p * m + j] as number);
    }
  }
  return out;
}

/**
 * Mean squared error of the dense layer h w + b against targets, as one differentiable op (w.r.t.
 * h, w and b): the regression head of a many-to-one model. Same value and gradients as
 * `tf.losses.meanSquaredError(targets, tf.add(tf.matMul(h, w), b))`, in one dispatch instead of
 * about twenty; products below 65 536 multiply-adds run in JS.
 * h: [rows, units]; w: [units, outputs]; b: [outputs]; targets: [rows, outputs].
 */
export const denseMeanSquaredError: DenseLoss = (h, w, b, targets) => {
  const [rows, units] = h.shape;
  const outputs = w.shape[1];
  const small = rows * units * outputs <= JS_MATMUL_MAX;
  const op = tf.customGrad((hIn, wIn, bIn, save) => {
    const [ht, wt] = [hIn as tf.Tensor2D, wIn as tf.Tensor2D];
    // small: h and w are read once here and the backward pass reuses those arrays, so nothing
    // is saved (tfjs clones every saved tensor: a dispatch each, and a read each backward)
    const hData = small ? (ht.dataSync() as Float32Array) : undefined;
    const wData = small ? (wt.dataSync() as Float32Array) : undefined;
    if (!small) (save as tf.GradSaveFunc)([ht, wt]);
    // [rows, outputs]: predictions, then errors (prediction - target), in place
    const err =
      hData && wData ? jsMatMul(hData, wData, rows, units, outputs) : takeData(tf.matMul(ht, wt));
    const bias = (bIn as tf.Tensor).dataSync();
    const y = targets.dataSync();
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < outputs; j++) {
        const i = r * outputs + j;
        const e = (err[i] as number) + (bias[j] as number) - (y[i] as number);
        err[i] = e;
        sum += e * e;
      }
    }
    const n = rows * outputs;
    return {
      value: tf.scalar(sum / n),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        // dL/dprediction = 2 (prediction - target) dy / n, as [rows, outputs] and transposed
        const scale = (2 * (dy.dataSync()[0] as number)) / n;
        const d = new Float32Array(n);
        const dT = new Float32Array(n);
        const db = new Float64Array(outputs);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < outputs; j++) {
            const v = (err[r * outputs + j] as number) * scale;
            d[r * outputs + j] = v;
            dT[j * rows + r] = v;
            db[j] = (db[j] as number) + v;
          }
        }
        const bias = tf.tensor1d(Float32Array.from(db));
        if (hData && wData) {
          const wT = transposeData(wData, units, outputs); // [outputs, units]
          // (d^T h)^T: [outputs, units] -> [units, outputs]
          const dWT = jsMatMul(dT, hData, outputs, rows, units);
          return [
            tf.tensor2d(jsMatMul(d, wT, rows, outputs, units), [rows, units]),
            tf.tensor2d(transposeData(dWT, outputs, units), [units, outputs]),
            bias,
          ];
        }
        const [sh, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const wT = transposeData(sw.dataSync(), units, outputs); // [outputs, units]
        const dWT = takeData(tf.matMul(tf.tensor2d(dT, [outputs, rows]), sh));
        return [
          tf.matMul(tf.tensor2d(d, [rows, outputs]), tf.tensor2d(wT, [outputs, units])),
          tf.tensor2d(transposeData(dWT, outputs, units), [units, outputs]),
          bias,
        ];
      },
    };
  });
  return op(h, w, b) as tf.Scalar;
};
