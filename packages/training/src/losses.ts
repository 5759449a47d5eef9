/**
 * Losses. Every function takes the model's raw output (logits for classification) and returns a
 * scalar mean.
 *
 * @example
 * ```ts
 * // uniform logits over 4 classes: loss = ln 4
 * sparseCategoricalCrossentropy(tf.zeros([1, 2, 4]), tf.tensor2d([[0, 3]], [1, 2], 'int32'))
 *   .dataSync(); // Float32Array [1.3862944]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean cross-entropy of integer labels under softmax(logits): the tutorial's `sequence_loss`.
 * logits [batch, time, classes] (or [batch, classes]), labels [batch, time] (or [batch]) int32,
 * mask like labels (1 = real step, 0 = padding): padded steps add nothing and the mean is over
 * real steps only.
 */
export function sparseCategoricalCrossentropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  mask?: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1]!;
    const flatLogits = tf.reshape(logits, [-1, classes]); // [n, classes]
    const flatLabels = tf.cast(tf.reshape(labels, [-1]), 'int32'); // [n]
    const logProbs = tf.logSoftmax(flatLogits); // stable: log softmax, never log(softmax)
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(flatLabels, classes)), 1); // [n]
    if (!mask) return tf.neg(tf.mean(picked)) as tf.Scalar;
    const m = tf.cast(tf.reshape(mask, [-1]), 'float32');
    return tf.div(tf.neg(tf.sum(tf.mul(picked, m))), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}

/** Mean squared error over every element. */
export function meanSquaredError(predictions: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(
    () =>
      tf.mean(
        tf.squaredDifference(predictions, tf.reshape(targets, predictions.shape)),
      ) as tf.Scalar,
  );
}

export type LossName = 'sparseCategoricalCrossentropy' | 'meanSquaredError';

export const LOSSES: Record<
  LossName,
  (output: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor) => tf.Scalar
> = {
  sparseCategoricalCrossentropy,
  meanSquaredError: (output, target) => meanSquaredError(output, target),
};
