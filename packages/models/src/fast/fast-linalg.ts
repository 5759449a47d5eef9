/**
 * Small linear-algebra helpers of the fast kernels, shaped by the wasm backend's costs: transposes
 * in JS (wasm's Transpose kernel takes seconds on [2048, 1024]), and products arranged so no matMul
 * operand is transposed (XNNPACK's fast path needs both operands plain:
 * apps/docs/guide/performance.md).
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * transposeData(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3); // Float32Array [1, 4, 2, 5, 3, 6]
 * colSum(new Float32Array([1, 2, 3, 4]), 2, 2); // Float32Array [4, 6]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { simdTranspose } from './gates-simd.js';

/**
 * Fewest values (rows cols) for which `transposeData` takes `simdTranspose`: its fixed cost (two
 * copies, the call) makes it break even with JS at about 256 values ([16, 16], [8, 32]: 1.0x),
 * 1.4-1.9x at 512 ([8, 64], [16, 32], [4, 128]), 2.5-4x from 4096 (bench/speed/transpose-simd.mjs).
 */
const SIMD_MIN = 512;

/**
 * [rows, cols] -> [cols, rows] into `out` (rows cols values; returned). A Float32Array with rows
 * and cols multiples of 4 and at least SIMD_MIN values goes to `simdTranspose` (WebAssembly SIMD,
 * where available: 1.9-3.2x the JS on the kernels' shapes in bench/speed/transpose-simd.mjs,
 * 0.6-1.9 ns per value against 1.6-3.6; in W1 LSTM 256's training step, one thread, 2.0-2.2
 * against 3.4-3.7), anything else to `transposeJs`. Both only move values, so the result is the same bits
 * either way. wasm's Transpose kernel is far slower than either (seconds against milliseconds).
 */
export function transposeData(
  src: ArrayLike<number>,
  rows: number,
  cols: number,
  out: Float32Array = new Float32Array(rows * cols),
): Float32Array {
  if (
    simdTranspose !== null &&
    src instanceof Float32Array &&
    rows % 4 === 0 &&
    cols % 4 === 0 &&
    rows * cols >= SIMD_MIN
  ) {
    simdTranspose(src, rows, cols, out);
    return out;
  }
  return transposeJs(src, rows, cols, out);
}

/**
 * [rows, cols] -> [cols, rows] in JS, in 64 x 64 blocks, four source rows at a time (four
 * contiguous reads, four adjacent writes: 1.7-1.8 ns per value here against 3-8 for a plain
 * blocked loop, measured on the [time*batch, k*units] shapes of the kernels; 1.7-4 in
 * bench/speed/transpose-simd.mjs, whose arrays are not in cache). Any shape, any array-like source.
 */
export function transposeJs(
  src: ArrayLike<number>,
  rows: number,
  cols: number,
  out: Float32Array = new Float32Array(rows * cols),
): Float32Array {
  const bs = 64;
  for (let i0 = 0; i0 < rows; i0 += bs) {
    const i1 = Math.min(i0 + bs, rows);
    for (let j0 = 0; j0 < cols; j0 += bs) {
      const j1 = Math.min(j0 + bs, cols);
      let i = i0;
      for (; i + 4 <= i1; i += 4) {
        const a = i * cols;
        const b = a + cols;
        const c = b + cols;
        const d = c + cols;
        for (let j = j0; j < j1; j++) {
          const o = j * rows + i;
          out[o] = src[a + j] as number;
          out[o + 1] = src[b + j] as number;
          out[o + 2] = src[c + j] as number;
          out[o + 3] = src[d + j] as number;
        }
      }
      for (; i < i1; i++) {
        for (let j = j0; j < j1; j++) out[j * rows + i] = src[i * cols + j] as number;
      }
    }
  }
  return out;
}

/** A 2D tensor's transpose, made in JS. */
export function transposed(t: tf.Tensor2D): tf.Tensor2D {
  const [r, c] = t.shape;
  return tf.tensor2d(transposeData(t.dataSync(), r, c), [c, r]);
}

/**
 * (a^T d)^T = d^T a as a [q, p] buffer, for a [n, p], d [n, q] (a JS buffer): the weight gradient
 * of a product over all n = time*batch rows, with no transposed matMul operand.
 */
export function weightGradT(a: tf.Tensor2D, d: Float32Array, n: number, q: number): Float32Array {
  const dT = tf.tensor2d(transposeData(d, n, q), [q, n]);
  const out = tf.matMul(dT, a);
  const data = (out.dataSync() as Float32Array).slice();
  dT.dispose();
  out.dispose();
  return data;
}

/**
 * dst[di .. di + n) += src[si .. si + n), four at a time with moving offsets (about 1.9x a plain
 * indexed loop in V8 here, measured on the one-hot kernel gradient's rows; same sums).
 */
export function addSpan(
  dst: Float32Array,
  di: number,
  src: Float32Array,
  si: number,
  n: number,
): void {
  const end = di + n - (n % 4);
  let i = di;
  let j = si;
  for (; i < end; i += 4, j += 4) {
    dst[i] = (dst[i] as number) + (src[j] as number);
    dst[i + 1] = (dst[i + 1] as number) + (src[j + 1] as number);
    dst[i + 2] = (dst[i + 2] as number) + (src[j + 2] as number);
    dst[i + 3] = (dst[i + 3] as number) + (src[j + 3] as number);
  }
  for (; i < di + n; i++, j++) dst[i] = (dst[i] as number) + (src[j] as number);
}

/**
 * a + b elementwise, a first (a fixed order: the same result every run), written into b: the sum
 * of two threads' halves of a weight gradient.
 */
export function addInto(a: Float32Array, b: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) b[i] = (a[i] as number) + (b[i] as number);
  return b;
}

/** Whether every value is zero. */
export function allZero(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

/** Columns [from, from + width) of a [rows, cols] buffer (into `out` when given). */
export function columns(
  d: Float32Array,
  rows: number,
  cols: number,
  from: number,
  width: number,
  out: Float32Array = new Float32Array(rows * width),
): Float32Array {
  for (let r = 0; r < rows; r++) {
    const o = r * cols + from;
    out.set(d.subarray(o, o + width), r * width);
  }
  return out;
}

/**
 * Column sums of a [rows, cols] buffer (a bias gradient: W2's is [160, 128] every step), each
 * column summed row after row with a float32 rounding after every add, as a Float32Array
 * accumulator rounds. Eight columns at a time in local accumulators, `Math.fround` for the
 * rounding (written out: V8 inlines it there): the same bits as a row-major loop through a
 * Float32Array, without a store and a load per value.
 */
export function colSum(d: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  const end = rows * cols;
  let j = 0;
  for (; j + 8 <= cols; j += 8) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    for (let o = j; o < end; o += cols) {
      a0 = Math.fround(a0 + (d[o] as number));
      a1 = Math.fround(a1 + (d[o + 1] as number));
      a2 = Math.fround(a2 + (d[o + 2] as number));
      a3 = Math.fround(a3 + (d[o + 3] as number));
      a4 = Math.fround(a4 + (d[o + 4] as number));
      a5 = Math.fround(a5 + (d[o + 5] as number));
      a6 = Math.fround(a6 + (d[o + 6] as number));
      a7 = Math.fround(a7 + (d[o + 7] as number));
    }
    out[j] = a0;
    out[j + 1] = a1;
    out[j + 2] = a2;
    out[j + 3] = a3;
    out[j + 4] = a4;
    out[j + 5] = a5;
    out[j + 6] = a6;
    out[j + 7] = a7;
  }
  for (; j < cols; j++) {
    let a = 0;
    for (let o = j; o < end; o += cols) a = Math.fround(a + (d[o] as number));
    out[j] = a;
  }
  return out;
}
