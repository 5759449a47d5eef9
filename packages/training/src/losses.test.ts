import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients'; // tfjs-layers does this in real use
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryCrossentropy,
  huber,
  LOSSES,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './losses.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

const num = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

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

  it('is 0 (not NaN) for an all-padding batch', () => {
    const l = sparseCategoricalCrossentropy(
      tf.zeros([1, 2, 3]),
      tf.zeros([1, 2], 'int32'),
      tf.zeros([1, 2]),
    );
    expect(Math.abs(num(l))).toBe(0);
  });

  it('makes no tensors that outlive it', () => {
    const logits = tf.randomNormal([2, 3, 5]);
    const labels = tf.zeros([2, 3], 'int32');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) sparseCategoricalCrossentropy(logits, labels).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('binaryCrossentropy (from logits)', () => {
  it('matches -[y log s(z) + (1 - y) log(1 - s(z))]', () => {
    const z = [-2, 0.5, 3];
    const y = [0, 1, 1];
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const expected =
      z.reduce((a, v, i) => a - (y[i]! * Math.log(s(v)) + (1 - y[i]!) * Math.log(1 - s(v))), 0) / 3;
    expect(num(binaryCrossentropy(tf.tensor1d(z), tf.tensor1d(y)))).toBeCloseTo(expected, 6);
  });

  it('stays finite with a finite gradient at logits of +-100', () => {
    const z = tf.tensor1d([100, -100]);
    const y = tf.tensor1d([0, 1]); // both confidently wrong: loss 100 each
    expect(num(binaryCrossentropy(z, y))).toBeCloseTo(100, 3);
    const g = tf.grad((t: tf.Tensor) => binaryCrossentropy(t, y))(z);
    expect(Array.from(g.dataSync())).toEqual([0.5, -0.5]); // (s(z) - y) / n
    tf.dispose([z, y, g]);
  });

  it('averages over real steps with a [batch, time] mask', () => {
    const z = tf.tensor2d([[0, 50]]);
    const l = binaryCrossentropy(z, tf.tensor2d([[1, 0]]), tf.tensor2d([[1, 0]]));
    expect(num(l)).toBeCloseTo(Math.log(2), 6);
  });
});

describe('regression losses', () => {
  it('meanSquaredError is the mean of squared differences', () => {
    const loss = meanSquaredError(tf.tensor2d([[1], [2]]), tf.tensor1d([0, 4]));
    expect(loss.dataSync()[0]).toBeCloseTo((1 + 4) / 2, 6);
  });

  it('meanAbsoluteError is the mean of absolute differences', () => {
    expect(num(meanAbsoluteError(tf.tensor1d([1, -2, 3]), tf.tensor1d([0, 0, 0])))).toBeCloseTo(
      2,
      6,
    );
  });

  it('huber is quadratic inside delta and linear outside (Keras Huber)', () => {
    // e = 0.5 -> 0.125; e = 3 -> 1 * (3 - 0.5) = 2.5
    expect(num(huber(tf.tensor1d([0.5, 3]), tf.tensor1d([0, 0])))).toBeCloseTo(
      (0.125 + 2.5) / 2,
      6,
    );
    expect(num(huber(tf.tensor1d([3]), tf.tensor1d([0]), undefined, 2))).toBeCloseTo(
      2 * (3 - 1),
      6,
    );
  });

  it('masks [batch, time, features] values with a [batch, time] mask', () => {
    const p = tf.tensor3d([
      [
        [1, 1],
        [10, 10],
      ],
    ]); // step 2 is padding
    const t = tf.zeros([1, 2, 2]);
    const m = tf.tensor2d([[1, 0]]);
    expect(num(meanSquaredError(p, t, m))).toBeCloseTo(1, 6);
    expect(num(meanAbsoluteError(p, t, m))).toBeCloseTo(1, 6);
    expect(num(huber(p, t, m))).toBeCloseTo(0.5, 6);
  });

  it('every named loss is in LOSSES', () => {
    expect(Object.keys(LOSSES).sort()).toEqual([
      'binaryCrossentropy',
      'huber',
      'meanAbsoluteError',
      'meanSquaredError',
      'sparseCategoricalCrossentropy',
    ]);
  });
});
