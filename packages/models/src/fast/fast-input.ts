/**
 * Sparse inputs (one-hot characters, multi-hot features) in the fast recurrence kernel.
 *
 * A one-hot x [time*batch, features] has one nonzero per row, so its projection x K is a sum of K
 * rows and the kernel gradient x^T dZ a scatter-add of dZ rows: time*batch*k*units additions in JS
 * instead of a dense matMul plus the transposes it needs (for W1, vocab 65, units 256: 2M adds
 * against a [2048, 65] x [65, 1024] matMul and a [2048, 1024] transpose). Also the reordering of
 * dense x (and its gradient) between input order and processing order, shared with `native-core.ts`.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * const x = new Float32Array(32); // [2 rows, 16 features], one-hot rows: feature 1, feature 0
 * x[1] = 1;
 * x[16] = 1;
 * const k = new Float32Array(32).map((_, i) => i); // [16 features, 2]: row f = [2f, 2f + 1]
 * sparseProject(toSparseRows(x, 2, 16)!, k, 2, null); // Float32Array [2, 3, 0, 1]
 * toSparseRows(x, 2, 16)!.oneHot; // true
 * ```
 */

import { addSpan, colSum } from './fast-linalg.js';

/** Compressed sparse rows: row r's entries are idx/val[start[r] .. start[r+1]). */
export interface SparseRows {
  rows: number;
  start: Int32Array;
  idx: Int32Array;
  val: Float32Array;
  /** Every row has exactly one nonzero, equal to 1 (one-hot): row r is feature idx[r]. */
  oneHot: boolean;
}

/**
 * Rows of n values from input order [batch, time, n] to the kernel's processing order
 * [time*batch, n] (row k * batch + b is step k of sequence b, read backwards when `reverse`), or
 * back to input order when `back`.
 */
export function processingOrder(
  src: Float32Array,
  batch: number,
  time: number,
  n: number,
  reverse: boolean,
  back = false,
): Float32Array {
  const out = new Float32Array(batch * time * n);
  for (let k = 0; k < time; k++) {
    const t = reverse ? time - 1 - k : k;
    for (let b = 0; b < batch; b++) {
      const p = (k * batch + b) * n;
      const q = (b * time + t) * n;
      if (back) out.set(src.subarray(p, p + n), q);
      else out.set(src.subarray(q, q + n), p);
    }
  }
  return out;
}

/**
 * The one-hot rows of ids [batch, time] (input order, all in [0, features)) in the kernel's
 * processing order: row k * batch + b is step k of sequence b (read backwards when `reverse`).
 */
export function oneHotRows(
  ids: Int32Array,
  batch: number,
  time: number,
  reverse: boolean,
): SparseRows {
  const rows = batch * time;
  const start = new Int32Array(rows + 1).map((_, r) => r);
  const idx = new Int32Array(rows);
  for (let k = 0; k < time; k++) {
    const t = reverse ? time - 1 - k : k;
    for (let b = 0; b < batch; b++) idx[k * batch + b] = ids[b * time + t] as number;
  }
  return { rows, start, idx, val: new Float32Array(rows).fill(1), oneHot: true };
}

/** Below this fraction of nonzeros the sparse path is used (a dense matMul wins above it). */
export const SPARSE_MAX_DENSITY = 1 / 16;

/** The CSR form of x [rows, features] when it is sparse enough, else null. */
export function toSparseRows(x: Float32Array, rows: number, features: number): SparseRows | null {
  let nnz = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) nnz++;
  if (nnz > x.length * SPARSE_MAX_DENSITY) return null;
  const start = new Int32Array(rows + 1);
  const idx = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    start[r] = n;
    const o = r * features;
    for (let f = 0; f < features; f++) {
      const v = x[o + f] as number;
      if (v !== 0) {
        idx[n] = f;
        val[n++] = v;
      }
    }
  }
  start[rows] = n;
  let oneHot = n === rows;
  for (let r = 0; r < rows && oneHot; r++) oneHot = start[r] === r && val[r] === 1;
  return { rows, start, idx, val, oneHot };
}

/** x K (+ bias) for sparse x: [rows, g] from k [features, g]. */
export function sparseProject(
  x: SparseRows,
  k: Float32Array,
  g: number,
  bias: Float32Array | null,
  out: Float32Array = new Float32Array(x.rows * g),
): Float32Array {
  if (x.oneHot) {
    // Row r = K[idx[r]] + bias: copies of the rows of K + bias, made once per feature.
    const features = k.length / g;
    let kb = k;
    if (bias !== null) {
      kb = new Float32Array(features * g);
      for (let f = 0; f < features; f++) {
        const o = f * g;
        for (let j = 0; j < g; j++) kb[o + j] = (k[o + j] as number) + (bias[j] as number);
      }
    }
    for (let r = 0; r < x.rows; r++) {
      const ko = (x.idx[r] as number) * g;
      out.set(kb.subarray(ko, ko + g), r * g);
    }
    return out;
  }
  for (let r = 0; r < x.rows; r++) {
    const o = r * g;
    if (bias !== null) out.set(bias.subarray(0, g), o);
    else out.fill(0, o, o + g);
    for (let n = x.start[r] as number; n < (x.start[r + 1] as number); n++) {
      const ko = (x.idx[n] as number) * g;
      const v = x.val[n] as number;
      for (let j = 0; j < g; j++) out[o + j] = (out[o + j] as number) + v * (k[ko + j] as number);
    }
  }
  return out;
}

/**
 * Column sums of dZ [rows, g] when x is one-hot: the rows of x^T dZ [features, g] summed (every
 * row of dZ went to exactly one of them), features x g additions instead of rows x g.
 */
export function oneHotColSum(dK: Float32Array, features: number, g: number): Float32Array {
  return colSum(dK, features, g);
}

/** x^T dZ for sparse x: [features, g] from dZ [rows, g]. */
export function sparseWeightGrad(
  x: SparseRows,
  dZ: Float32Array,
  g: number,
  features: number,
): Float32Array {
  const out = new Float32Array(features * g);
  if (x.oneHot) {
    for (let r = 0; r < x.rows; r++) addSpan(out, (x.idx[r] as number) * g, dZ, r * g, g);
    return out;
  }
  for (let r = 0; r < x.rows; r++) {
    const o = r * g;
    for (let n = x.start[r] as number; n < (x.start[r + 1] as number); n++) {
      const ko = (x.idx[n] as number) * g;
      const v = x.val[n] as number;
      for (let j = 0; j < g; j++) out[ko + j] = (out[ko + j] as number) + v * (dZ[o + j] as number);
    }
  }
  return out;
}
