/**
 * Losses. Every function takes the model's raw output (logits for classification) and returns a
 * scalar mean; an optional mask (1 = real step, 0 = padding) removes padded steps from the mean.
 *
 * @example
 * ```ts
 * // uniform logits over 4 classes: loss = ln 4
 * sparseCategoricalCrossentropy(tf.zeros([1, 2, 4]), tf.tensor2d([[0, 3]], [1, 2], 'int32'))
 *   .dataSync(); // Float32Array [1.3862944]
 * huber(tf.tensor1d([0, 3]), tf.tensor1d([0.5, 0])).dataSync(); // [(0.125 + 2.5) / 2] = [1.3125]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

/** A loss: model output and targets (and an optional mask) to a scalar mean. */
export type LossFn = (output: tf.Tensor, target: tf.Tensor, mask?: tf.Tensor) => tf.Scalar;

/** Mean of `values` [n] weighted by the mask [n] (mean over real steps), or the plain mean. */
function maskedMean(values: tf.Tensor, mask: tf.Tensor | undefined): tf.Scalar {
  if (!mask) return tf.mean(values) as tf.Scalar;
  const m = tf.cast(tf.reshape(mask, values.shape), 'float32');
  // max(count, 1): an all-padding batch has loss 0, not 0/0
  return tf.div(tf.sum(tf.mul(values, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
}

/**
 * Per-element values of an elementwise loss, averaged over the last axis when the mask has one
 * axis fewer than the output ([batch, time, features] output with a [batch, time] mask).
 */
function perStep(values: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor {
  if (mask && mask.rank === values.rank - 1) return tf.mean(values, -1);
  return values;
}

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

/**
 * Binary cross-entropy from logits z and 0/1 labels y, in the stable form
 * $\max(z, 0) - z y + \log(1 + e^{-|z|})$ (TensorFlow's `sigmoid_cross_entropy_with_logits`), so a
 * logit of +-100 gives a finite loss and gradient.
 */
export function binaryCrossentropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  mask?: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    const y = tf.cast(tf.reshape(labels, logits.shape), 'float32');
    const values = tf.add(
      tf.sub(tf.relu(logits), tf.mul(logits, y)),
      tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
    );
    return maskedMean(tf.reshape(perStep(values, mask), [-1]), mask && tf.reshape(mask, [-1]));
  });
}

/** Mean squared error over every element (over real steps with a mask). */
export function meanSquaredError(
  predictions: tf.Tensor,
  targets: tf.Tensor,
  mask?: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    const values = tf.squaredDifference(predictions, tf.reshape(targets, predictions.shape));
    if (!mask) return tf.mean(values) as tf.Scalar;
    return maskedMean(tf.reshape(perStep(values, mask), [-1]), tf.reshape(mask, [-1]));
  });
}

/** Mean absolute error over every element (over real steps with a mask). */
export function meanAbsoluteError(
  predictions: tf.Tensor,
  targets: tf.Tensor,
  mask?: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    const values = tf.abs(tf.sub(predictions, tf.reshape(targets, predictions.shape)));
    return maskedMean(tf.reshape(perStep(values, mask), [-1]), mask && tf.reshape(mask, [-1]));
  });
}

/** Keras's default Huber threshold. */
export const DEFAULT_HUBER_DELTA = 1;

/**
 * Huber loss (Huber 1964): 0.5 e^2 where |e| <= delta, delta (|e| - 0.5 delta) beyond; quadratic
 * near zero, linear for outliers. Same definition as Keras `Huber`.
 */
export function huber(
  predictions: tf.Tensor,
  targets: tf.Tensor,
  mask?: tf.Tensor,
  delta = DEFAULT_HUBER_DELTA,
): tf.Scalar {
  return tf.tidy(() => {
    const e = tf.abs(tf.sub(predictions, tf.reshape(targets, predictions.shape)));
    const quadratic = tf.minimum(e, delta); // the part of |e| inside the quadratic zone
    const linear = tf.sub(e, quadratic);
    const values = tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear));
    return maskedMean(tf.reshape(perStep(values, mask), [-1]), mask && tf.reshape(mask, [-1]));
  });
}

export type LossName =
  | 'sparseCategoricalCrossentropy'
  | 'binaryCrossentropy'
  | 'meanSquaredError'
  | 'meanAbsoluteError'
  | 'huber';

export const LOSSES: Record<LossName, LossFn> = {
  sparseCategoricalCrossentropy,
  binaryCrossentropy,
  meanSquaredError,
  meanAbsoluteError,
  huber: (output, target, mask) => huber(output, target, mask),
};
