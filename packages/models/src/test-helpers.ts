/** Shared helpers of the topology tests (not part of the build: see tsconfig.build.json). */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { CellType } from './cells/index.js';
import type { InputSpec } from './layers/inputs.js';

export const CELLS: readonly CellType[] = ['rnn', 'lstm', 'gru'];

/** One small spec of each input kind, all with vocab (or features) `n`. */
export function inputKinds(n: number): InputSpec[] {
  return [
    { type: 'embedding', vocabSize: n, dims: 3, maskZero: true },
    { type: 'oneHot', vocabSize: n },
    { type: 'features', features: n },
  ];
}

/** A batch for an input spec: ids [batch, time] in 1..n-1, or features [batch, time, n]. */
export function batchFor(spec: InputSpec, batch: number, time: number, seed = 1): tf.Tensor {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  if (spec.type === 'features') {
    return tf.tensor3d(
      Float32Array.from({ length: batch * time * spec.features }, () => rand() * 2 - 1),
      [batch, time, spec.features],
    );
  }
  const n = spec.vocabSize;
  return tf.tensor2d(
    Int32Array.from({ length: batch * time }, () => 1 + Math.floor(rand() * (n - 1))),
    [batch, time],
    'int32',
  );
}

export async function useCpu(): Promise<void> {
  tf.env().set('PROD', true); // silence the "use tfjs-node" banner
  await tf.setBackend('cpu');
}

/** All weights as one flat array. */
export function flatWeights(model: tfl.LayersModel): number[] {
  return model.getWeights().flatMap((w) => Array.from(w.dataSync()));
}

/** max |a - b| over two same-shaped tensors. */
export function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
