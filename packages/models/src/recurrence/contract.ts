/**
 * The contract between recurrent layers and the kernels that run them over time.
 *
 * A layer hands its input and weights to `runRecurrence`; a kernel returns every step's output and
 * the final state. Kernels are interchangeable: `reference.ts` composes per-step tfjs ops (the
 * ground truth, differentiable by tfjs's autodiff), `fast.ts` is the optimised path with its own
 * gradient through time. Both must agree within 1e-5 (forward) and 1e-4 (gradients).
 *
 * Equations (weights in the standard Keras/tfjs layout, $x_t$ [batch, features], $h$ [batch, units];
 * act and rec are the activation and the gate activation, $\odot$ multiplies elementwise):
 * - rnn: $h_t = \mathrm{act}(x_t K + h_{t-1} R + b)$
 * - lstm: $z = x_t K + h_{t-1} R + b$, split $[i, f, c, o]$;
 *   $c_t = \mathrm{rec}(f) \odot c_{t-1} + \mathrm{rec}(i) \odot \mathrm{act}(c)$,
 *   $h_t = \mathrm{rec}(o) \odot \mathrm{act}(c_t)$
 * - gru (resetAfter false, tfjs/Keras 1 layout): $z, r$ from $x_t K + h R + b$;
 *   $\tilde h = \mathrm{act}(x_t K_h + (r \odot h_{t-1}) R_h + b_h)$,
 *   $h_t = z \odot h_{t-1} + (1 - z) \odot \tilde h$
 * - gru (resetAfter true, Keras 2/3 default, cuDNN-compatible): bias [2, 3 units] = input and
 *   recurrent bias; $\tilde h = \mathrm{act}(x_t K_h + b_{in,h} + r \odot (h_{t-1} R_h + b_{rec,h}))$
 * Masked steps (mask 0) keep the previous state and repeat the previous output, as Keras does.
 * Per-gate dropout (Keras 3's implementation 1, used when recurrentDropout > 0): gate g reads
 * $x_t \odot \mathrm{inputDropout}_g$ in its input product and
 * $h_{t-1} \odot \mathrm{recurrentDropout}_g$ in its recurrent product; the state carried to the next step is not scaled.
 *
 * Neighbours in `recurrence/`: `contract.ts` (what a kernel takes and returns), `reference.ts` (the
 * ground truth), `select.ts` (the kernel in use); the fast kernel is in `fast/`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CellType } from '../cells/index.js';

/** A cell by name (`cells/index.ts`). */
export type Cell = CellType;

export interface RecurrenceInputs {
  cell: Cell;
  /** [batch, time, features] */
  x: tf.Tensor3D;
  /** [features, k * units], k = 1 (rnn), 4 (lstm, gates i f c o), 3 (gru, gates z r h) */
  kernel: tf.Tensor2D;
  /** [units, k * units] */
  recurrentKernel: tf.Tensor2D;
  /** [k * units]; for gru with resetAfter, [2, 3 * units] (input bias row, recurrent bias row) */
  bias: tf.Tensor | null;
  /** Initial hidden state [batch, units]. */
  h0: tf.Tensor2D;
  /** Initial cell state [batch, units] (lstm only). */
  c0?: tf.Tensor2D;
  /** [batch, time], 1 for real steps and 0 for padding. */
  mask?: tf.Tensor2D;
  /** gru only. Default true (Keras 2/3). */
  resetAfter?: boolean;
  /** Read the sequence from the last step to the first (backward half of a bidirectional layer). */
  goBackwards?: boolean;
  /** Default 'tanh'. */
  activation?: 'tanh' | 'relu' | 'linear';
  /** Default 'sigmoid' (Keras); 'hardSigmoid' is tfjs's old default. */
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
  /**
   * x is the one-hot of these ids ([batch * time], row-major [batch, time], all in [0,
   * features)): a kernel may read them instead of x's floats. Given by the fused loss
   * (`fast/fused-head.ts`) to a layer whose x is the output of a one-hot input layer.
   */
  ids?: Int32Array;
  /** A fused softmax head for this run's outputs (see {@link HeadOffer}); kernels may ignore it. */
  head?: HeadOffer;
  /**
   * Training only: Keras's per-gate input dropout masks [k, batch, features], one per gate, fixed
   * over the sequence (values 0 or 1 / (1 - rate)). A single mask shared by the gates is applied
   * to x by the layer instead.
   */
  inputDropout?: tf.Tensor3D;
  /** Training only: per-gate recurrent dropout masks [k, batch, units], fixed over the sequence. */
  recurrentDropout?: tf.Tensor3D;
}

/** The head's weights and a thread's labels (structured-clonable: sent to the worker). */
export interface HeadData {
  /** [units, classes] */
  w: Float32Array;
  /** [classes], or null for none */
  b: Float32Array | null;
  classes: number;
  /** [rows] class ids of this thread's rows, in the order of its output rows */
  labels: Int32Array;
}

/** Gradients of a head's weights over its rows. */
export interface HeadGrads {
  /** [units, classes] */
  w: Float32Array;
  /** [classes] */
  b: Float32Array;
}

/**
 * A softmax head offered to a run, with the labels of its rows (`fast/fused-head.ts` makes it, for
 * a model's last recurrent layer when only the head reads its outputs). A kernel that computes
 * the head with its run (the fast kernel, when it splits the batch across threads) sets `taken`;
 * any other kernel ignores it.
 */
export interface HeadOffer {
  /** The head, with every row's label: [batch * time], in the order of the run's output rows. */
  data: HeadData;
  /** Set by the run that took the offer. */
  taken: TakenHead | null;
}

/** An offered head as the run that took it computed it: this thread's half, and the worker's. */
export interface TakenHead {
  /** The loss sum of all rows. */
  loss: number;
  /**
   * The head's weight gradients over all rows for the loss-gradient scale `scale`: this thread's
   * rows' plus the worker's, in that order. Each half keeps (or already used) its rows' output
   * gradient for its own backward pass: the caller's gradient for the outputs is never read.
   */
  backward(scale: number): HeadGrads;
}

export interface RecurrenceOutputs {
  /**
   * [batch, time, units]: h_t for every step, in processing order: with goBackwards, index 0 is
   * the output after reading the LAST input step (as Keras and tfjs-layers return it).
   */
  sequence: tf.Tensor3D;
  /** Final hidden state [batch, units]. */
  h: tf.Tensor2D;
  /** Final cell state [batch, units] (lstm only). */
  c?: tf.Tensor2D;
}

/** A kernel: pure function of its inputs, differentiable w.r.t. x, the weights, h0 and c0. */
export type RecurrenceKernel = (inputs: RecurrenceInputs) => RecurrenceOutputs;
