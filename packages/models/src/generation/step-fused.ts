/**
 * The `'fused'` step engine: one backend matMul per layer and step, gates in JS. After layer l
 * updates h_l, the product h_l [R_l | N_l] gives both h_l R_l (the recurrent part of layer l's
 * next step, kept) and h_l N_l, where N_l is the next layer's kernel K_{l+1} (its input part now)
 * or, for the top layer, the dense kernel (the logits now). The concatenated weights are tensors
 * made once, so on wasm XNNPACK keeps their packing across calls (it caches by tensor). A one-hot
 * x_t is a row of K_0; an embedding x_t is a row of the table E K_0, multiplied once.
 * GRU with resetAfter false adds one product per step, (r * h) R_h, which needs r first.
 *
 * Same numbers as the `'js'` and `'tfjs'` engines within 1e-5 (stateful.test.ts); the fastest on
 * wasm (bench/speed/api.mjs w3).
 *
 * Neighbours in `generation/`: `stateful.ts` picks a step engine (`step-js.ts`, `step-tfjs.ts`,
 * `step-fused.ts`, sharing `step-common.ts`) over the weights `lm-weights.ts` reads; `generate.ts`,
 * `sampling.ts`, `beam-search.ts` and `beam-decoders.ts` use them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CellWeights, LmWeights } from './lm-weights.js';
import {
  addRowBias,
  arrayLM,
  gatesOf,
  type LmState,
  restoreRows,
  type StatefulLM,
  splitRecurrent,
} from './step-common.js';
import { cellStep, columns } from './step-js.js';

/** a [n, w.rows] x w -> [n, w.cols] on the backend; the result is a fresh array. */
function product(a: Float32Array, n: number, w: tf.Tensor2D): Float32Array {
  const at = tf.tensor2d(a, [n, w.shape[0]]);
  const out = tf.matMul(at, w);
  const values = out.dataSync() as Float32Array;
  tf.dispose([at, out]);
  return values;
}

/** [a | b]: row-major [rows, ca] and [rows, cb] side by side. */
function sideBySide(a: Float32Array, ca: number, b: Float32Array, cb: number, rows: number) {
  const out = new Float32Array(rows * (ca + cb));
  for (let r = 0; r < rows; r++) {
    out.set(a.subarray(r * ca, (r + 1) * ca), r * (ca + cb));
    out.set(b.subarray(r * cb, (r + 1) * cb), r * (ca + cb) + ca);
  }
  return out;
}

interface Layer {
  w: CellWeights;
  /** Columns of the recurrent part: k*units, or 2 units for GRU resetAfter false. */
  rCols: number;
  /** Columns of the next part: the next layer's k*units, or the classes. */
  nCols: number;
  /** [units, rCols + nCols] = [R_l | N_l] */
  fused: tf.Tensor2D;
  /** GRU resetAfter false: R[:, 2u:] [units, units]. */
  recurrentH: tf.Tensor2D | null;
}

export function fusedEngine(w: LmWeights, batchSize: number): StatefulLM {
  const L = w.cells.length;
  const layers: Layer[] = w.cells.map((cw, l) => {
    const u = cw.units;
    const ku = gatesOf(cw) * u;
    const split = splitRecurrent(cw);
    const r = split ? columns(cw.recurrentKernel, u, ku, 0, 2 * u) : cw.recurrentKernel;
    const rCols = split ? 2 * u : ku;
    const next = l + 1 < L ? w.cells[l + 1]! : null;
    const nData = next ? next.kernel : w.denseKernel;
    const nCols = next ? gatesOf(next) * next.units : w.classes;
    return {
      w: cw,
      rCols,
      nCols,
      fused: tf.tensor2d(sideBySide(r, rCols, nData, nCols, u), [u, rCols + nCols]),
      recurrentH: split ? tf.tensor2d(columns(cw.recurrentKernel, u, ku, 2 * u, ku), [u, u]) : null,
    };
  });
  const first = w.cells[0]!;
  const ku0 = gatesOf(first) * first.units;
  // x_t K_0 per token id: K_0's rows (one-hot), or E K_0 [vocab, k*units] made once (embedding)
  const inputTable =
    w.embedding === null
      ? first.kernel
      : tf.tidy(() => {
          const dims = w.embedding!.length / w.vocabSize;
          const e = tf.tensor2d(w.embedding!, [w.vocabSize, dims]);
          return tf.matMul(e, tf.tensor2d(first.kernel, [dims, ku0])).dataSync() as Float32Array;
        });
  // h_l R_l of the current state per layer, or null until computed (after setState)
  let hz: (Float32Array | null)[] = [];
  /** The recurrent part of [R_l | N_l] for the current h_l. */
  const recurrentPart = (state: LmState, l: number, n: number): Float32Array => {
    const ly = layers[l]!;
    const known = hz[l];
    if (known) return known;
    const p = product(state.h[l]!, n, ly.fused);
    return columns(p, n, ly.rCols + ly.nCols, 0, ly.rCols);
  };
  return arrayLM(w, batchSize, 'fused', {
    step(tokens, n, state, masked, before) {
      // z = x_t K_0 [n, k*units]
      let z: Float32Array = new Float32Array(n * ku0);
      for (let b = 0; b < n; b++) {
        const t = tokens[b]!;
        z.set(inputTable.subarray(t * ku0, (t + 1) * ku0), b * ku0);
      }
      let logits: Float32Array = new Float32Array(0);
      layers.forEach((ly, l) => {
        const h = state.h[l]!;
        const c = state.c[l]!;
        const rh = ly.recurrentH;
        cellStep(
          ly.w,
          z,
          recurrentPart(state, l, n),
          n,
          h,
          c,
          rh ? (v) => product(v, n, rh) : null,
        );
        if (before !== null) restoreRows(state, before, ly.w, l, masked);
        // h_l [R_l | N_l]: the next step's recurrent part, and the next layer's z or the logits
        const p = product(h, n, ly.fused);
        const cols = ly.rCols + ly.nCols;
        // one row: views of the fresh product, no copies
        hz[l] = n === 1 ? p.subarray(0, ly.rCols) : columns(p, n, cols, 0, ly.rCols);
        const rest = n === 1 ? p.subarray(ly.rCols) : columns(p, n, cols, ly.rCols, cols);
        if (l + 1 < L) z = rest;
        else logits = rest;
      });
      addRowBias(logits, w.denseBias, n, w.classes);
      return logits;
    },
    stateChanged(n, zero) {
      hz = layers.map((ly) => (zero ? new Float32Array(n * ly.rCols) : null));
    },
    dispose() {
      for (const ly of layers) tf.dispose([ly.fused, ...(ly.recurrentH ? [ly.recurrentH] : [])]);
    },
  });
}
