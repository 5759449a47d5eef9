/**
 * Keras's default initialisers, computed on Float32Arrays from a seed.
 *
 * Why not tfjs's own: its `orthogonal` needs the chained tensor methods registered (it throws
 * `rMat.flatten is not a function` with tfjs-core + tfjs-layers alone) and takes minutes for an
 * LSTM(256) on the cpu backend; these take milliseconds and give the same numbers on every backend.
 *
 * Neighbours in `layers/`: `recurrent.ts` (the recurrent layers over the cells of `cells/`),
 * `recurrent-layer.ts` (their factory), `inputs.ts`, `attention.ts`, the initialisers, and
 * `custom-objects.ts` (what `load` needs to rebuild them).
 *
 * @example
 * ```ts
 * const q = orthogonal(2, 2, 0); // rows are orthonormal: q q^T = I
 * ```
 */
import { mulberry32 } from '@rnnkit/windowing';
import { normal } from '../random.js';

/** Glorot (Xavier) uniform: U(-a, a), a = sqrt(6 / (fanIn + fanOut)); shape [fanIn, fanOut]. */
export function glorotUniform(fanIn: number, fanOut: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const a = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rand() - 1) * a;
  return out;
}

/**
 * Orthogonal [rows, cols] (Saxe et al. 2014, as Keras): a Gaussian matrix made orthonormal by
 * Gram-Schmidt (QR with the sign of R's diagonal folded in), so that rows (if rows <= cols) or
 * columns (otherwise) are orthonormal.
 */
export function orthogonal(rows: number, cols: number, seed: number, gain = 1): Float32Array {
  const randn = normal(mulberry32(seed));
  const tall = rows >= cols; // orthonormalise the shorter side's vectors
  const n = tall ? cols : rows; // number of vectors
  const d = tall ? rows : cols; // their length
  const v = new Float64Array(n * d); // [n, d], vector k = v[k*d .. (k+1)*d)
  for (let i = 0; i < v.length; i++) v[i] = randn();
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += v[k * d + t]! * v[j * d + t]!;
      for (let t = 0; t < d; t++) v[k * d + t]! -= dot * v[j * d + t]!;
    }
    let norm = 0;
    for (let t = 0; t < d; t++) norm += v[k * d + t]! ** 2;
    norm = Math.sqrt(norm);
    for (let t = 0; t < d; t++) v[k * d + t]! /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = gain * (tall ? v[c * d + r]! : v[r * d + c]!);
    }
  }
  return out;
}
