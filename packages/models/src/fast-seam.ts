/**
 * The one seam between the model code and the speed code of `fast/`. The model code (`cells/`,
 * `layers/`, `topologies/`, `generation/`, `recurrence/`, `artifact/`) never imports `fast/`: what
 * it takes from there is {@link FAST}, whose fields each say what they compute, so a reader of
 * the model can take them at their word and ignore how they are made fast. Only this file and the
 * package's entries (`index.ts`, `kernels.ts`, which export the speed code's public parts) import
 * `fast/`; `structure.test.ts` fails if another file does. The fused losses reach the trainer
 * through the package's root export (`fusedHeadLoss`), not through here.
 *
 * Neighbours: the folders `cells/`, `layers/`, `topologies/`, `generation/`, `recurrence/`,
 * `artifact/` and `fast/` (see CONTRIBUTING.md).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { FAST } from './fast-seam.js';
 * FAST.transpose(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3); // Float32Array [1, 4, 2, 5, 3, 6]
 * FAST.matMul(tf.ones([2, 3]), tf.ones([3, 1])).dataSync(); // Float32Array [3, 3]
 * ```
 */
import type * as tf from '@tensorflow/tfjs-core';
import { fastRecurrence } from './fast/fast.js';
import { denseMatMul } from './fast/fast-dense.js';
import { transposeData } from './fast/fast-linalg.js';
import { type SimdLstm, simdLstmFor } from './fast/gates-simd.js';
import type { RecurrenceKernel } from './recurrence/contract.js';

/** An LSTM step's gate math on WebAssembly SIMD (`fast/gates-simd.ts` states its contract). */
export type LstmGates = SimdLstm;

/** What the model code uses of the speed code. */
export interface FastSeam {
  /**
   * The recurrence kernel the layers run unless `setRecurrenceKernel` selects another
   * (`recurrence/select.ts`): `recurrence/contract.ts`'s contract, the numbers of
   * `recurrence/reference.ts` within 1e-5 (forward) and 1e-4 (gradients), with its own gradient
   * through time.
   */
  readonly recurrence: RecurrenceKernel;
  /**
   * a [n, k] x b [k, m] -> [n, m]: `tf.matMul`'s values, with a gradient that multiplies no
   * transposed operand (wasm's matMul leaves its fast path for those). seq2seq's output `Dense`.
   */
  readonly matMul: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;
  /**
   * The transpose [cols, rows] of a row-major [rows, cols] matrix, row-major: the same bits
   * however it is computed. Dot attention's operands.
   */
  readonly transpose: (src: ArrayLike<number>, rows: number, cols: number) => Float32Array;
  /**
   * The SIMD gate math of an LSTM step for a layer's cell, activations and units, where it
   * applies (an LSTM with tanh and sigmoid, units a multiple of 4); null elsewhere, where the
   * cell's own step (`cells/`) runs. The js step engine (`generation/step-js.ts`).
   */
  readonly lstmGates: (
    cell: string,
    activation: string,
    recurrentActivation: string,
    units: number,
  ) => LstmGates | null;
}

/** The speed code, as the model code sees it. */
export const FAST: FastSeam = {
  recurrence: fastRecurrence,
  matMul: denseMatMul,
  transpose: transposeData,
  lstmGates: simdLstmFor,
};
