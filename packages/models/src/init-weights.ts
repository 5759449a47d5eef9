/**
 * Sets every weight of a model to Keras's defaults from one seed: kernels glorot-uniform,
 * recurrent kernels orthogonal, biases zero, and an LSTM's forget-gate bias one
 * (Keras `unit_forget_bias=True`, Jozefowicz et al. 2015). The same seed gives the same weights
 * on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { glorotUniform, orthogonal } from './initializers.js';
import { subSeed } from './random.js';

function initialValue(
  name: string,
  shape: number[],
  className: string,
  seed: number,
): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const rows = shape[0] ?? 1;
  const cols = size / rows;
  if (name.endsWith('recurrent_kernel')) return orthogonal(rows, cols, seed);
  if (name.endsWith('kernel')) return glorotUniform(rows, cols, seed);
  const bias = new Float32Array(size);
  if (name.endsWith('bias') && className === 'LSTM') bias.fill(1, size / 4, size / 2); // [i, f, c, o]
  return bias;
}

/** Overwrites the model's weights in place with the seeded Keras defaults. */
export function initializeWeights(model: tfl.LayersModel, seed: number): void {
  let index = 0;
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const values = layer.weights.map((w) => {
      const shape = w.shape as number[]; // weights always have a concrete shape
      const value = initialValue(
        w.originalName,
        shape,
        layer.getClassName(),
        subSeed(seed, index++),
      );
      return tf.tensor(value, shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}
