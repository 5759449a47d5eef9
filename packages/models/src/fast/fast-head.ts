/**
 * A softmax cross-entropy head on plain arrays, for the rows of a batch that one thread holds.
 *
 * `denseSoftmaxCrossEntropy` computes the head of a whole batch on the calling thread. When the
 * fast recurrence runs half of a batch in a worker (`pool.ts`), the worker already holds its
 * rows' outputs: it computes their logits, softmax, loss and gradients here, while this thread
 * computes the other half's, and keeps the gradient of its outputs for its own backward pass (no
 * sequence crosses threads for the head). `fused-head.ts` hands the head to the recurrence as
 * a field of its inputs (`head`) when that is safe: sparse cross-entropy over every output of the last recurrent
 * layer, nothing else reading those outputs.
 *
 * Same arithmetic as `denseSoftmaxCrossEntropy` row by row (logits as one product plus bias, the
 * row max, float64 sums), except that logit - max is rounded to float32 and its exp is float32 on
 * WebAssembly SIMD where available (`simdExp`, 1.2e-7 relative), else `expNonPositive`. Labels are
 * class ids: an id outside [0, classes) is a row whose one-hot label is all zero (no loss, no
 * gradient), as `tf.oneHot` makes it. Products that carry {@link HeadKernels} (the native engine's,
 * `native.ts`) run the whole head in the addon, one call forward and one backward, each a pass of
 * its threads over their rows: the same numbers within float32 rounding.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * const head = new SoftmaxHead(
 *   { w: new Float32Array([1, 0, 0, 1]), b: null, classes: 2, labels: new Int32Array([0]) },
 *   new Float32Array([1, 0]), 1, 2, tfProducts); // one row h = [1, 0], w = identity
 * head.forward(); // 0.31326168751822286 = -log(e / (e + 1))
 * head.backward(1).db; // Float32Array [-0.2689..., 0.2689...] = softmax - one-hot
 * ```
 */

import type { NativeAddon } from '@rnnkit/native';
import type { HeadData, HeadGrads, HeadOffer } from '../recurrence/contract.js';
import { giveBuffer, takeBuffer } from './buffers.js';
import { expNonPositive } from './fast-dense.js';
import { transposeData } from './fast-linalg.js';

export type { HeadData, HeadGrads, HeadOffer, TakenHead } from '../recurrence/contract.js';

import type { Products } from './fast-wasm.js';
import { simdExp } from './gates-simd.js';

/**
 * The whole head in native code (`@rnnkit/native`'s addon): each call one pass over the rows on
 * the addon's threads, its products on a kernel sized for the class count (no padding to the GEMM's
 * panels, no packing).
 */
export interface HeadKernels {
  /**
   * e [rows, classes] becomes each row's softmax of h [rows, units] w [units, classes] + b, or
   * zeros for a row without a label; returns the sum of -log p(label) over the rows (float64).
   */
  forward: NativeAddon['headForward'];
  /**
   * e (forward's) becomes (p - onehot) scale in place; writes dh [rows, units] = e w^T,
   * dw [units, classes] = h^T e and db [classes] the column sums of e.
   */
  backward: NativeAddon['headBackward'];
}

/** Products, with the head's native kernels when the engine has them. */
export type HeadProducts = Products & { head?: HeadKernels };

/**
 * The head of `rows` rows of h [rows, units]. Without {@link HeadKernels}, h is read by `forward`
 * only (it keeps h's transpose for the weight gradient), so its buffer may be handed on (to another
 * thread) after it; with them, backward reads h itself.
 */
export class SoftmaxHead {
  private readonly d: HeadData;
  private h: Float32Array | null;
  /** h^T [units, rows], made by forward for backward's weight gradient */
  private hT: Float32Array | null = null;
  private readonly rows: number;
  private readonly units: number;
  private readonly mm: HeadProducts;
  /** exp(logit - row max), then (after backward) the logits' gradient */
  private e: Float32Array | null = null;
  /** 1 / the row's sum of exps */
  private inv: Float64Array | null = null;
  /** dL/dh of the last backward, [rows, units] */
  dh: Float32Array | null = null;

  constructor(d: HeadData, h: Float32Array, rows: number, units: number, mm: HeadProducts) {
    this.d = d;
    this.h = h;
    this.rows = rows;
    this.units = units;
    this.mm = mm;
  }

  /** The sum over its rows of -log p(label) (float64; the caller divides by all rows). */
  forward(): number {
    const { rows, units } = this;
    const { w, b, classes, labels } = this.d;
    const h = this.h;
    if (h === null) throw new Error('SoftmaxHead: forward runs once');
    const native = this.mm.head;
    if (native !== undefined) {
      const e = takeBuffer(rows * classes, false);
      this.e = e;
      this.hT = h; // stored [rows, units]: the addon reads it as h^T in place
      this.h = null;
      return native.forward(h, w, b, labels, e, rows, units, classes);
    }
    const e = this.mm.mul(h, rows, units, w, classes);
    // h^T d in backward with h transposed here: XNNPACK packs d [rows, classes], the smaller operand
    this.hT = transposeData(h, rows, units, takeBuffer(rows * units, false));
    this.h = null;
    // logits + bias, each row's max and its label's logit; then t = logit - max (<= 0) in place
    const max = new Float64Array(rows);
    const yv = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const o = r * classes;
      let mr = -Infinity;
      for (let j = 0; j < classes; j++) {
        const v = (e[o + j] as number) + (b === null ? 0 : (b[j] as number));
        e[o + j] = v;
        if (v > mr) mr = v;
      }
      const y = labels[r] as number;
      yv[r] = y >= 0 && y < classes ? (e[o + y] as number) : Number.NaN;
      max[r] = mr;
      for (let j = 0; j < classes; j++) e[o + j] = (e[o + j] as number) - mr;
    }
    // exp(t), on SIMD where it runs (0.4 against 1.6 ms for W1's [2048, 65], measured)
    if (simdExp !== null) simdExp(e);
    else for (let i = 0; i < e.length; i++) e[i] = expNonPositive(e[i] as number);
    const inv = new Float64Array(rows);
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * classes;
      let sum = 0;
      for (let j = 0; j < classes; j++) sum += e[o + j] as number;
      const hit = !Number.isNaN(yv[r] as number);
      if (hit) loss -= (yv[r] as number) - ((max[r] as number) + Math.log(sum));
      inv[r] = hit ? 1 / sum : 0;
    }
    this.e = e;
    this.inv = inv;
    return loss;
  }

  /**
   * Gradients for an upstream scale (dLoss / rows of the whole batch): the weights' over these
   * rows (returned) and h's (kept in `dh`). Call once, after forward.
   */
  backward(scale: number): HeadGrads {
    const { rows, units } = this;
    const { w, classes, labels } = this.d;
    const { e, inv, hT } = this;
    const native = this.mm.head;
    const once = 'SoftmaxHead: backward runs once, after forward';
    if (e === null || hT === null) throw new Error(once);
    if (native !== undefined) return this.nativeBackward(native, scale, e, hT);
    if (inv === null) throw new Error(once);
    const db = new Float64Array(classes);
    // dL/dlogit = (p - onehot) * scale, in place over e (rows without a label: 0)
    for (let r = 0; r < rows; r++) {
      const o = r * classes;
      const p = inv[r] as number;
      const y = labels[r] as number;
      for (let j = 0; j < classes; j++) {
        const v = ((e[o + j] as number) * p - (j === y ? 1 : 0)) * scale;
        e[o + j] = v;
        db[j] = (db[j] as number) + v;
      }
    }
    this.e = null;
    this.hT = null;
    const wT = transposeData(w, units, classes);
    this.dh = this.mm.mul(e, rows, classes, wT, units, takeBuffer(rows * units, false));
    const dw = this.mm.mul(hT, units, rows, e, classes);
    giveBuffer(hT);
    return { w: dw, b: Float32Array.from(db) };
  }

  /** `backward` on the native kernels: e holds the softmax, hT is h itself ([rows, units]). */
  private nativeBackward(
    native: HeadKernels,
    scale: number,
    e: Float32Array,
    h: Float32Array,
  ): HeadGrads {
    const { rows, units } = this;
    const { w, classes, labels } = this.d;
    this.e = null;
    this.hT = null;
    const dw = new Float32Array(units * classes);
    const db = new Float32Array(classes);
    this.dh = takeBuffer(rows * units, false);
    native.backward(h, w, e, labels, this.dh, dw, db, rows, units, classes, scale);
    giveBuffer(e);
    return { w: dw, b: db };
  }

  /** Gives `dh` back for reuse (`buffers.ts`) once its reader is done with it. */
  releaseDh(): void {
    if (this.dh !== null) giveBuffer(this.dh);
    this.dh = null;
  }
}

/** The head a run may take: `inputs.head` when it is untaken and fits `rows` output rows of `units`. */
export function takeHead(
  offer: HeadOffer | undefined,
  rows: number,
  units: number,
): HeadOffer | null {
  if (offer === undefined || offer.taken !== null) return null;
  const { labels, w, classes } = offer.data;
  if (labels.length !== rows || w.length !== units * classes) return null;
  return offer;
}
