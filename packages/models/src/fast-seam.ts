/**
 * The one seam between the model code and the speed code of `fast/`, declared on the model's side.
 * The model code (`cells/`, `layers/`, `topologies/`, `generation/`, `recurrence/`, `artifact/`)
 * never imports `fast/`: it uses {@link FAST}, whose fields each say what they compute, so a
 * reader of the model can take them at their word. Until something is installed, `FAST` holds
 * plain implementations (the reference kernel, tfjs's matMul, a JS transpose, no SIMD gates, no
 * fused loss); `fast/install.ts` builds the fast ones and hands them to {@link installFast}, and
 * only the package's entries (`index.ts`, `kernels.ts`) import it (`structure.test.ts` fails if
 * another file imports `fast/`). The trainer reaches the fused losses through
 * {@link fusedHeadLoss}, the typed interface exported from the package root.
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
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { RecurrenceKernel } from './recurrence/contract.js';
import { referenceRecurrence } from './recurrence/reference.js';

/** The buffers of an LSTM step forward, in order (`lstmForwardStep`, `LstmGates.forward`). */
export type LstmForwardBuffers = [
  xp: Float32Array,
  m: Float32Array,
  hs: Float32Array,
  cs: Float32Array,
  gates: Float32Array,
];
/** The buffers of an LSTM step backward, in order (`lstmBackwardStep`, `LstmGates.backward`). */
export type LstmBackwardBuffers = [
  dh: Float32Array,
  dc: Float32Array,
  cs: Float32Array,
  gates: Float32Array,
  dZ: Float32Array,
];

/**
 * An LSTM step's gate math on f32x4 with sigmoid and tanh (`fast/gates-simd.ts` implements it on
 * WebAssembly SIMD; `fast/fast-gates.ts` holds the JS steps whose contract it keeps).
 */
export interface LstmGates {
  /**
   * Same contract as fast-gates.ts `lstmForwardStep` with recurrentActivation sigmoid, activation
   * tanh, keep === null: xp, gates [time*batch, 4u] (gates may be xp), m [batch, 4u], hs, cs
   * [(time+1)*batch, u]; writes step k's gates and slot k+1 of hs and cs. Requires
   * `units % 4 === 0` (throws a RangeError otherwise; the caller keeps JS for other sizes).
   */
  forward(batch: number, units: number, k: number, ...buffers: LstmForwardBuffers): void;
  /**
   * Same contract as `lstmBackwardStep` with sigmoid/tanh, keep === null: dh [batch, u] in, dc
   * [batch, u] in and out (becomes the gradient reaching c_{k-1}), tanh(c_k) recomputed from cs,
   * dZ [time*batch, 4u] written at step k (dZ may be gates). Requires `units % 4 === 0`.
   */
  backward(batch: number, units: number, k: number, ...buffers: LstmBackwardBuffers): void;
}

/**
 * The loss of a batch: x as the model reads it, targets, an optional mask ([batch, time] or
 * [batch], 1 = real step), whether in training. `unfused` gets the model output when the batch does
 * not fit the fused form (targets or mask of another size) and returns the loss computed the
 * ordinary way.
 */
export type FusedHeadLoss = (
  x: tf.Tensor,
  y: tf.Tensor,
  mask: tf.Tensor | undefined,
  training: boolean,
  unfused: (output: tf.Tensor) => tf.Scalar,
) => tf.Scalar;

/** What the model code uses of the speed code. */
export interface FastSeam {
  /**
   * The recurrence kernel `setRecurrenceKernel('default')` selects (`recurrence/select.ts`):
   * `recurrence/contract.ts`'s contract, the numbers of `recurrence/reference.ts` within 1e-5
   * (forward) and 1e-4 (gradients), with its own gradient through time.
   */
  readonly recurrence: RecurrenceKernel;
  /**
   * a [n, k] x b [k, m] -> [n, m]: `tf.matMul`'s values and gradients (the fast one multiplies no
   * transposed operand: wasm's matMul leaves its fast path for those). seq2seq's output `Dense`.
   */
  readonly matMul: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;
  /**
   * The transpose [cols, rows] of a row-major [rows, cols] matrix, row-major: the same bits
   * however it is computed. Dot attention's operands.
   */
  readonly transpose: (src: ArrayLike<number>, rows: number, cols: number) => Float32Array;
  /**
   * Faster gate math of an LSTM step for a layer's cell, activations and units, where there is
   * one; null elsewhere, where the cell's own step (`cells/`) runs. The js step engine
   * (`generation/step-js.ts`).
   */
  readonly lstmGates: (
    cell: string,
    activation: string,
    recurrentActivation: string,
    units: number,
  ) => LstmGates | null;
  /** {@link fusedHeadLoss}'s implementation. */
  readonly fusedHeadLoss: (model: tfl.LayersModel, loss: string) => FusedHeadLoss | null;
}

/** The transpose in plain JS (what `FAST.transpose` does before anything is installed). */
function transposeJs(src: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c] as number;
  }
  return out;
}

/** The plain implementations `FAST` holds until {@link installFast} runs. */
export const PLAIN: FastSeam = Object.freeze({
  recurrence: referenceRecurrence,
  matMul: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.matMul(a, b) as tf.Tensor2D,
  transpose: transposeJs,
  lstmGates: () => null,
  fusedHeadLoss: () => null,
});

const installed: { -readonly [K in keyof FastSeam]: FastSeam[K] } = { ...PLAIN };

/** The speed code, as the model code sees it: what {@link installFast} installed, else {@link PLAIN}. */
export const FAST: FastSeam = installed;

/**
 * Installs the implementations the model code runs from now on (process-wide); `fast/install.ts`
 * calls it once when the package is loaded. The recurrence kernel takes effect through
 * `setRecurrenceKernel('default')`, which the installer calls.
 */
export function installFast(parts: FastSeam): void {
  Object.assign(installed, parts);
}

/**
 * The fused loss of `model` under the named loss (`FUSED_LOSSES`): the head and the loss as one
 * op, the same values and gradients as `model.apply` + the loss. Null when the loss has no fused
 * form or the model's output is not a linear `Dense` (the caller then runs the model and the loss
 * as usual); `@rnnkit/training`'s trainer calls it.
 */
export function fusedHeadLoss(model: tfl.LayersModel, loss: string): FusedHeadLoss | null {
  return FAST.fusedHeadLoss(model, loss);
}
