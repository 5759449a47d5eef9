/**
 * Optimizers by name, with Keras's default hyper-parameters.
 *
 * @example
 * ```ts
 * const opt = createOptimizer({ type: 'adam', learningRate: 0.1 });
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

export type OptimizerConfig =
  /** Adam (Kingma & Ba 2015); Keras defaults beta1 0.9, beta2 0.999, epsilon 1e-7. */
  | { type: 'adam'; learningRate?: number }
  /** Plain SGD. */
  | { type: 'sgd'; learningRate?: number };

/** Keras's default Adam learning rate. */
export const DEFAULT_LEARNING_RATE = 0.001;

export function createOptimizer(config: OptimizerConfig): tf.Optimizer {
  const lr = config.learningRate ?? DEFAULT_LEARNING_RATE;
  switch (config.type) {
    case 'adam':
      return tf.train.adam(lr, 0.9, 0.999, 1e-7);
    case 'sgd':
      return tf.train.sgd(lr);
  }
}
