/**
 * The contract between recurrent layers and the kernels that run them over time.
 *
 * A layer hands its input and weights to `runRecurrence`; a kernel returns every step's output and
 * the final state. Kernels are interchangeable: `reference.ts` composes per-step tfjs ops (the
 * ground truth, differentiable by tfjs's autodiff), `fast.ts` is the optimised path with its own
 * gradient through time. Both must agree within 1e-5 (forward) and 1e-4 (gradients).
 *
 * Equations (weights in the standard Keras/tfjs layout, x_t [batch, features], h [batch, units]):
 * - rnn:  h_t = act(x_t K + h_{t-1} R + b)
 * - lstm: z = x_t K + h_{t-1} R + b, split [i, f, c, o]; c_t = rec(f) * c_{t-1} + rec(i) * act(c);
 *         h_t = rec(o) * act(c_t)
 * - gru (resetAfter false, tfjs/Keras 1 layout): z, r from x_t K + h R + b;
 *         hh = act(x_t K_h + (r * h_{t-1}) R_h + b_h); h_t = z * h_{t-1} + (1 - z) * hh
 * - gru (resetAfter true, Keras 2/3 default, cuDNN-compatible): bias [2, 3 units] = input and
 *         recurrent bias; hh = act(x_t K_h + b_in_h + r * (h_{t-1} R_h + b_rec_h))
 * Masked steps (mask 0) keep the previous state and repeat the previous output, as Keras does.
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
