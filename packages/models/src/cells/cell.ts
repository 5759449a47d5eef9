/**
 * What a cell is: the contract each file of `cells/` (`rnn.ts`, `lstm.ts`, `gru.ts`) fills in
 * once, and that every engine reads (the layers in `layers/`, the reference kernel in
 * `recurrence/`, the step engines in `generation/`, the format converters through `layouts.ts`).
 * `index.ts` is the table of cells.
 *
 * Weights are in the Keras/tfjs layout: kernel K [features, k*units], recurrent kernel R
 * [units, k*units], bias b [k*units] (GRU resetAfter: [2, k*units], input row then recurrent
 * row), the k gate blocks side by side in `layout.keras` order.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RNNCell } from '@tensorflow/tfjs-layers/dist/layers/recurrent.js';

/** A gate by its Keras letter (the candidate is c for lstm and h for gru and rnn). */
export type GateName = 'i' | 'f' | 'c' | 'o' | 'z' | 'r' | 'h';

/** What every cell's layout gives. */
export interface BaseLayout {
  /** Gate blocks k: kernel [features, k*units], recurrent_kernel [units, k*units]. */
  gates: number;
  /** State tensors carried between steps, in the order layers return them. */
  states: readonly ('h' | 'c')[];
  /** rnnkit's (= Keras's and tfjs's) order of the gate blocks. */
  keras: readonly GateName[];
}

/** The layout of a cell that PyTorch and ONNX have too (the built-in ones), with their orders. */
export interface CellLayout extends BaseLayout {
  /** PyTorch's module and its order of the same blocks. */
  torch: readonly GateName[];
  torchModule: 'RNN' | 'LSTM' | 'GRU';
  /**
   * How PyTorch's two biases (`bias_ih`, `bias_hh`) map: 'sum', they add to rnnkit's one bias
   * (export writes it as bias_ih with a zero bias_hh, import adds them); 'rows', rnnkit's bias
   * [2, k*units] holds them as its two rows (the reset-after GRU, where they do not commute).
   */
  torchBias: 'sum' | 'rows';
  /** ONNX's operator and its order of the blocks. */
  onnx: { op: 'RNN' | 'LSTM' | 'GRU'; gates: readonly GateName[] };
}

/**
 * One step on Float32Arrays over n rows (row-major). h and c are updated in place; z may be
 * overwritten.
 */
export interface ArrayStep {
  units: number;
  n: number;
  /** x_t K + b   [n, k*units] */
  z: Float32Array;
  /** h_{t-1} R   [n, k*units] (gru resetAfter false: h_{t-1} R[:, :2u], [n, 2u]) */
  hz: Float32Array;
  /** h_{t-1} -> h_t   [n, units] */
  h: Float32Array;
  /** c_{t-1} -> c_t   [n, units] (cells with a c state; empty otherwise) */
  c: Float32Array;
  act: (x: number) => number;
  rec: (x: number) => number;
  /** gru resetAfter: the recurrent bias [k*units], added inside the reset gate's product. */
  recurrentBias: Float32Array | null;
  /** gru resetAfter false: (r * h_{t-1}) R[:, 2u:]   [n, units] */
  rhProduct: ((rh: Float32Array) => Float32Array) | null;
}

/** One step on tensors (inside the caller's tidy). */
export interface TensorStep {
  units: number;
  /** x_t K + b (the input bias)   [batch, k*units] */
  xz: tf.Tensor2D;
  h: tf.Tensor2D;
  /** [batch, units] for cells with a c state; anything otherwise (returned unchanged). */
  c: tf.Tensor2D;
  /** R   [units, k*units] */
  recurrentKernel: tf.Tensor2D;
  /** gru resetAfter: the recurrent bias, [k*units] or [1, k*units]; null without a bias. */
  recurrentBias: tf.Tensor | null;
  resetAfter: boolean;
  /**
   * Recurrent dropout (training): one [batch, units] mask per gate block of R, applied to h_{t-1}
   * in that gate's recurrent product only (Keras 3). Absent: h_{t-1} R unscaled.
   */
  recurrentMasks?: tf.Tensor2D[];
  act: (x: tf.Tensor) => tf.Tensor;
  rec: (x: tf.Tensor) => tf.Tensor;
}

export interface CellDefinition<
  Name extends string = string,
  Layout extends BaseLayout = CellLayout,
> {
  /** rnnkit's name (`cell: 'lstm'`). */
  name: Name;
  /** The class name its layer is saved under in model.json (Keras's and tfjs's). */
  className: string;
  layout: Layout;
  /** Whether it has gates, and so a gate (recurrent) activation. */
  gated: boolean;
  /** Whether its bias may be [2, k*units] (resetAfter: a recurrent bias inside the gate). */
  resetAfter: boolean;
  /**
   * The tfjs-layers cell that builds and holds its weights and config (its per-step `call` is
   * not used: rnnkit's layers run the sequence through the recurrence kernel).
   */
  stockCell(args: Record<string, unknown>): RNNCell;
  /** One step on arrays. */
  stepArrays(s: ArrayStep): void;
  /** One step on tensors: [h_t, c_t]. */
  stepTensors(s: TensorStep): [tf.Tensor2D, tf.Tensor2D];
}

/**
 * h R [batch, k*units] for gate blocks `R` [units, k*units], gate g's block reading h * masks[g]
 * when recurrent dropout masks are given (Keras 3's per-gate recurrent dropout).
 */
export function recurrentProduct(
  h: tf.Tensor2D,
  R: tf.Tensor2D,
  masks: readonly tf.Tensor2D[] | undefined,
): tf.Tensor2D {
  if (masks === undefined) return tf.matMul(h, R);
  // slices, not tf.split: tfjs's split gradient fails when a block gets no gradient
  const [units, width] = R.shape;
  const n = width / masks.length;
  return tf.concat(
    masks.map((m, g) =>
      tf.matMul(tf.mul(h, m) as tf.Tensor2D, tf.slice(R, [0, g * n], [units, n])),
    ),
    1,
  ) as tf.Tensor2D;
}
