import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipByGlobalNorm, clipByValue, globalNorm } from './clipping.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('clipping', () => {
  it('global norm spans all gradients; clipping keeps directions (PyTorch clip_grad_norm_)', () => {
    const grads = [
      { name: 'a', tensor: tf.tensor1d([3, 0]) },
      { name: 'b', tensor: tf.tensor2d([[0, 4]]) },
    ];
    const before = tf.memory().numTensors;
    const { grads: out, norm } = clipByGlobalNorm(grads, 1);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 6);
    const coef = 1 / (5 + 1e-6); // PyTorch: max_norm / (total_norm + 1e-6)
    expect(Array.from(out[0]!.tensor.dataSync())).toEqual([Math.fround(3 * coef), 0]);
    expect(out[1]!.tensor.shape).toEqual([1, 2]);
    expect(out[1]!.name).toBe('b');
    tf.dispose([norm, ...out.map((g) => g.tensor)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves gradients under the norm unchanged', () => {
    const g = [{ name: 'a', tensor: tf.tensor1d([0.3, 0.4]) }];
    const { grads } = clipByGlobalNorm(g, 1);
    expect(grads[0]!.tensor.dataSync()[1]).toBeCloseTo(0.4, 7);
    expect(globalNorm(g).dataSync()[0]).toBeCloseTo(0.5, 6);
  });

  it('clipByValue clamps every entry', () => {
    const [g] = clipByValue([{ name: 'a', tensor: tf.tensor1d([-3, 0.5, 9]) }], 1);
    expect(Array.from(g!.tensor.dataSync())).toEqual([-1, 0.5, 1]);
  });
});
