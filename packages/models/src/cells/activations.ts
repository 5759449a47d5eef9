/**
 * The activations a recurrent cell may use, by the name tfjs-layers and Keras save in a config,
 * each on numbers (the `'js'` and `'fused'` step engines) and on tensors (the reference kernel,
 * the `'tfjs'` engine). tfjs's hardSigmoid is clip(0.2 x + 0.5, 0, 1). Neighbours: the cells
 * (`rnn.ts`, `lstm.ts`, `gru.ts`) that apply them.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ActivationFns {
  /** On one number. */
  js: (x: number) => number;
  /** On a tensor, elementwise. */
  tf: (x: tf.Tensor) => tf.Tensor;
}

export const ACTIVATIONS = {
  tanh: { js: Math.tanh, tf: (x) => tf.tanh(x) },
  sigmoid: { js: (x) => 1 / (1 + Math.exp(-x)), tf: (x) => tf.sigmoid(x) },
  hardSigmoid: {
    js: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
    tf: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
  },
  relu: { js: (x) => Math.max(x, 0), tf: (x) => tf.relu(x) },
  linear: { js: (x) => x, tf: (x) => x },
} as const satisfies Record<string, ActivationFns>;

export type ActivationName = keyof typeof ACTIVATIONS;

/** Output activations (h, the candidate) rnnkit's layers accept. */
export const OUTPUT_ACTIVATIONS = ['tanh', 'relu', 'linear'] as const;
/** Gate activations. Keras's default is sigmoid; tfjs-layers' own is hardSigmoid. */
export const GATE_ACTIVATIONS = ['sigmoid', 'hardSigmoid'] as const;

/** Keras's default gate activation; tfjs-layers defaults to `hardSigmoid`, which trains worse. */
export const DEFAULT_RECURRENT_ACTIVATION = 'sigmoid';
