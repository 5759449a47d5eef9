/**
 * Sets every weight of a model to Keras's defaults from one seed: kernels glorot-uniform,
 * recurrent kernels orthogonal, biases zero, and an LSTM's forget-gate bias one
 * (Keras `unit_forget_bias=True`, Jozefowicz et al. 2015), embeddings uniform(-0.05, 0.05) (Keras
 * `Embedding`). Non-trainable weights (the identity table of a one-hot input) keep their values and
 * take no seed index, so adding a one-hot input layer does not change the other weights. The same
 * seed gives the same weights on every backend.
 *
 * Neighbours in `layers/`: `recurrent.ts` (the recurrent layers over the cells of `cells/`),
 * `recurrent-layer.ts` (their factory), `inputs.ts`, `attention.ts`, the initialisers, and
 * `custom-objects.ts` (what `load` needs to rebuild them).
 */

import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { subSeed } from '../random.js';
import { glorotUniform, orthogonal } from './initializers.js';
import { EMBEDDING_INIT_LIMIT } from './inputs.js';

/** U(-limit, limit) of the given size. */
function uniform(size: number, limit: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (2 * rand() - 1) * limit;
  return out;
}

function initialValue(
  name: string,
  shape: number[],
  className: string,
  seed: number,
): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const rows = shape[0] ?? 1;
  const cols = size / rows;
  if (name.endsWith('embeddings')) return uniform(size, EMBEDDING_INIT_LIMIT, seed);
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
      if (!layer.trainable || !w.trainable) return tf.clone(w.read());
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
