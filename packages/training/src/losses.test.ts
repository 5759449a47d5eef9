import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { meanSquaredError, sparseCategoricalCrossentropy } from './losses.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('sparseCategoricalCrossentropy', () => {
  it('is ln(classes) for uniform logits', () => {
    const loss = sparseCategoricalCrossentropy(
      tf.zeros([1, 2, 4]),
      tf.tensor2d([[0, 3]], [1, 2], 'int32'),
    );
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(4), 6);
  });

  it('matches -log softmax computed by hand', () => {
    // logits [1, 2, 3] for label 2: -log(e^3 / (e^1 + e^2 + e^3)) = 0.40760596
    const loss = sparseCategoricalCrossentropy(tf.tensor2d([[1, 2, 3]]), tf.tensor1d([2], 'int32'));
    expect(loss.dataSync()[0]).toBeCloseTo(0.40760596, 6);
  });

  it('ignores masked steps and averages over real ones', () => {
    const logits = tf.tensor3d([
      [
        [1, 2, 3],
        [9, -9, 0],
      ],
    ]); // step 2 would be a huge loss for label 1
    const labels = tf.tensor2d([[2, 1]], [1, 2], 'int32');
    const masked = sparseCategoricalCrossentropy(logits, labels, tf.tensor2d([[1, 0]]));
    expect(masked.dataSync()[0]).toBeCloseTo(0.40760596, 6);
  });

  it('makes no tensors that outlive it', () => {
    const logits = tf.randomNormal([2, 3, 5]);
    const labels = tf.zeros([2, 3], 'int32');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) sparseCategoricalCrossentropy(logits, labels).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('meanSquaredError', () => {
  it('is the mean of squared differences', () => {
    const loss = meanSquaredError(tf.tensor2d([[1], [2]]), tf.tensor1d([0, 4]));
    expect(loss.dataSync()[0]).toBeCloseTo((1 + 4) / 2, 6);
  });
});
