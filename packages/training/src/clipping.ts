/**
 * Gradient clipping. By global norm: every gradient is scaled by
 * $\min(1, \mathrm{maxNorm} / (\lVert g \rVert + 10^{-6}))$, $\lVert g \rVert$ = the square root of the sum
 * of all squared entries, PyTorch's `clip_grad_norm_` (which keeps directions;
 * `clip by norm 5` is the classic fix for exploding RNN gradients, Pascanu et al. 2013). By value:
 * every entry is clamped to [-clipValue, clipValue] (Keras `clipvalue`).
 *
 * @example
 * ```ts
 * const { grads, norm } = clipByGlobalNorm([{ name: 'w', tensor: tf.tensor1d([3, 4]) }], 1);
 * norm.dataSync(); // [5]; grads[0].tensor is about [0.6, 0.8]
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

/** PyTorch's guard against a zero norm in `clip_grad_norm_`. */
const NORM_EPSILON = 1e-6;

/** A gradient (or any tensor) with the name of its variable, as `applyGradients` takes them. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** The global L2 norm of a list of gradients, as a scalar tensor. */
export function globalNorm(grads: readonly NamedTensor[]): tf.Scalar {
  return tf.tidy(
    () => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g.tensor))))) as tf.Scalar,
  );
}

/**
 * Scales gradients so that their global norm is at most `maxNorm`; returns new tensors (the caller
 * disposes them and the inputs) and the norm before clipping.
 */
export function clipByGlobalNorm(
  grads: readonly NamedTensor[],
  maxNorm: number,
): { grads: NamedTensor[]; norm: tf.Scalar } {
  const norm = globalNorm(grads);
  const clipped = tf.tidy(() => {
    const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, NORM_EPSILON)), 1); // [] <= 1
    return grads.map((g) => ({ name: g.name, tensor: tf.mul(g.tensor, coef) }));
  });
  return { grads: clipped, norm };
}

/** Clamps every gradient entry to [-clipValue, clipValue]; returns new tensors. */
export function clipByValue(grads: readonly NamedTensor[], clipValue: number): NamedTensor[] {
  return grads.map((g) => ({
    name: g.name,
    tensor: tf.clipByValue(g.tensor, -clipValue, clipValue),
  }));
}
