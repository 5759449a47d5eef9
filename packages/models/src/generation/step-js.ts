/**
 * The `'js'` step engine: the cells on Float32Arrays, one layer at a time over all rows; no
 * tensor is made. A one-hot x_t is a row lookup into the kernel: no product for the first layer.
 * (A variant doing the products with tfjs matMul and the gates in JS measured 2-3x slower than
 * this on wasm at every batch size, so it is not kept.)
 *
 * Neighbours in `generation/`: `stateful.ts` picks a step engine (`step-js.ts`, `step-tfjs.ts`,
 * `step-fused.ts`, sharing `step-common.ts`) over the weights `lm-weights.ts` reads; `generate.ts`,
 * `sampling.ts`, `beam-search.ts` and `beam-decoders.ts` use them.
 */

import type { ArrayStep } from '../cells/cell.js';
import { cellOf } from '../cells/index.js';
import { FAST } from '../fast-seam.js';
import type { CellWeights, LmWeights } from './lm-weights.js';
import {
  addRowBias,
  arrayLM,
  gatesOf,
  restoreRows,
  type StatefulLM,
  splitRecurrent,
} from './step-common.js';

/** A weight matrix [rows, cols] row-major. */
interface Mat {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** a [n, m.rows] x m -> [n, m.cols] */
type Product = (a: Float32Array, n: number, m: Mat) => Float32Array;

/** out[o + k] += sum_j v[vo + j] m[j, k]: four rows of m per pass (about 2x a plain loop in V8). */
function matvec(
  v: Float32Array,
  vo: number,
  m: Float32Array,
  n: number,
  cols: number,
  out: Float32Array,
  o: number,
): void {
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const v0 = v[vo + j]!;
    const v1 = v[vo + j + 1]!;
    const v2 = v[vo + j + 2]!;
    const v3 = v[vo + j + 3]!;
    if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
    const b0 = j * cols;
    const b1 = b0 + cols;
    const b2 = b1 + cols;
    const b3 = b2 + cols;
    for (let k = 0; k < cols; k++) {
      out[o + k]! += v0 * m[b0 + k]! + v1 * m[b1 + k]! + v2 * m[b2 + k]! + v3 * m[b3 + k]!;
    }
  }
  for (; j < n; j++) {
    const vj = v[vo + j]!;
    const b = j * cols;
    for (let k = 0; k < cols; k++) out[o + k]! += vj * m[b + k]!;
  }
}

const jsProduct: Product = (a, n, m) => {
  const out = new Float32Array(n * m.cols);
  for (let b = 0; b < n; b++) matvec(a, b * m.rows, m.data, m.rows, m.cols, out, b * m.cols);
  return out;
};

/** Columns [c0, c1) of a row-major [rows, cols] matrix, as its own matrix. */
export function columns(
  m: Float32Array,
  rows: number,
  cols: number,
  c0: number,
  c1: number,
): Float32Array {
  const out = new Float32Array(rows * (c1 - c0));
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * cols + c0, r * cols + c1), r * (c1 - c0));
  return out;
}

interface Layer {
  w: CellWeights;
  kernel: Mat;
  recurrent: Mat;
  /** GRU resetAfter false: R[:, :2u] (z, r) and R[:, 2u:] (h), which multiplies r * h. */
  recurrentZR: Mat | null;
  recurrentH: Mat | null;
}

/** One layer, one step, all rows: updates h and c in place; x is [n, in] or one-hot ids. */
function layerStep(
  L: Layer,
  x: Float32Array | ArrayLike<number>,
  oneHot: boolean,
  n: number,
  h: Float32Array,
  c: Float32Array,
  product: Product,
): void {
  const { w } = L;
  const ku = gatesOf(w) * w.units;
  // z = x_t K   [n, k*units]
  let z: Float32Array;
  if (oneHot) {
    z = new Float32Array(n * ku);
    for (let b = 0; b < n; b++) {
      const t = x[b]!;
      z.set(w.kernel.subarray(t * ku, (t + 1) * ku), b * ku);
    }
  } else z = product(x as Float32Array, n, L.kernel);
  const split = splitRecurrent(w);
  const hz = product(h, n, split ? L.recurrentZR! : L.recurrent);
  cellStep(w, z, hz, n, h, c, split ? (rh) => product(rh, n, L.recurrentH!) : null);
}

/**
 * The cell update of one layer for one step over n rows, given the products: z = x_t K
 * [n, k*units] (without the bias, which is added here in place) and hz = h_{t-1} R [n, k*units]
 * (GRU resetAfter false: h_{t-1} R[:, :2u], [n, 2u], with `rhProduct` giving (r * h) R[:, 2u:]).
 * Updates h and c [n * units] in place: the cell's own step (`cells/`), or the SIMD LSTM step.
 */
export function cellStep(
  w: CellWeights,
  z: Float32Array,
  hz: Float32Array,
  n: number,
  h: Float32Array,
  c: Float32Array,
  rhProduct: ((rh: Float32Array) => Float32Array) | null,
): void {
  addRowBias(z, w.bias, n, gatesOf(w) * w.units);
  const act = w.activation;
  const rec = w.recurrentActivation;
  const { units, recurrentBias } = w;
  const s: ArrayStep = { units, n, z, hz, h, c, act, rec, recurrentBias, rhProduct };
  if (!simdLstmStep(w, s)) cellOf(w.cell).stepArrays(s);
}

/** [c_{t-1}; c_t] and [unused; h_t] of `simdLstmStep`, per size. */
const simdStates = new Map<number, { cs: Float32Array; hs: Float32Array }>();

/**
 * An LSTM step with Keras's activations on WebAssembly SIMD (`fast/gates-simd.ts`, the
 * training kernel's gate math: sigmoid and tanh within 1e-7 of exact), when it applies (units a
 * multiple of 4): about 3 us against 25-30 for the JS loop at 256 units, one row. Returns false
 * when it does not apply.
 */
function simdLstmStep(w: CellWeights, { z, hz, n, h, c }: ArrayStep): boolean {
  const u = w.units;
  const simd = FAST.lstmGates(w.cell, w.activationName, w.recurrentActivationName, u);
  if (simd === null) return false;
  const nu = n * u;
  let st = simdStates.get(nu);
  if (st === undefined) {
    st = { cs: new Float32Array(2 * nu), hs: new Float32Array(2 * nu) };
    simdStates.set(nu, st);
  }
  st.cs.set(c.subarray(0, nu));
  simd.forward(n, u, 0, z, hz, st.hs, st.cs, z); // gates over z (not read again)
  c.set(st.cs.subarray(nu, 2 * nu));
  h.set(st.hs.subarray(nu, 2 * nu));
  return true;
}

/** The js engine. */
export function jsEngine(w: LmWeights, batchSize: number): StatefulLM {
  const mat = (data: Float32Array, rows: number, cols: number): Mat => ({ data, rows, cols });
  const layers: Layer[] = w.cells.map((cw) => {
    const u = cw.units;
    const ku = gatesOf(cw) * u;
    const split = splitRecurrent(cw);
    return {
      w: cw,
      kernel: mat(cw.kernel, cw.inputSize, ku),
      recurrent: mat(cw.recurrentKernel, u, ku),
      recurrentZR: split ? mat(columns(cw.recurrentKernel, u, ku, 0, 2 * u), u, 2 * u) : null,
      recurrentH: split ? mat(columns(cw.recurrentKernel, u, ku, 2 * u, ku), u, u) : null,
    };
  });
  const dense = mat(w.denseKernel, w.denseKernel.length / w.classes, w.classes);
  const product = jsProduct;
  const emb = w.embedding;
  const embDim = emb === null ? 0 : emb.length / w.vocabSize;
  return arrayLM(w, batchSize, 'js', {
    step(tokens, n, state, masked, before) {
      let x: Float32Array | ArrayLike<number> = tokens;
      if (emb !== null) {
        const e = new Float32Array(n * embDim); // [n, dims]
        for (let b = 0; b < n; b++) {
          const t = tokens[b]!;
          e.set(emb.subarray(t * embDim, (t + 1) * embDim), b * embDim);
        }
        x = e;
      }
      layers.forEach((L, l) => {
        layerStep(L, x, l === 0 && emb === null, n, state.h[l]!, state.c[l]!, product);
        x = state.h[l]!;
      });
      if (before !== null) {
        layers.forEach((L, l) => {
          restoreRows(state, before, L.w, l, masked);
        });
      }
      // logits = h W + b   [n, classes]
      const logits = product(state.h[layers.length - 1]!, n, dense);
      addRowBias(logits, w.denseBias, n, w.classes);
      return logits;
    },
  });
}
