import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxDiff, useCpu } from '../test-helpers.js';
import { seq2seqDense } from '../topologies/seq2seq-head.js';
import { DotAttention } from './attention.js';

beforeAll(useCpu);

const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/** The textbook dot attention with tfjs's transposed matMul (autodiff gradients). */
function plainContext(q: tf.Tensor, v: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const scores = tf.matMul(q as tf.Tensor3D, v as tf.Tensor3D, false, true); // [b, tgt, src]
  const m = tf.expandDims(mask, 1);
  const w = tf.mul(tf.softmax(tf.add(scores, tf.mul(tf.sub(1, m), -1e9)), -1), m);
  return tf.matMul(w as tf.Tensor3D, v as tf.Tensor3D);
}

describe('DotAttention (transpose-free op)', () => {
  it('gives the textbook context, weights and gradients (within 1e-5), padding weighted 0', () => {
    const q = rand([2, 3, 4], 1);
    const v = rand([2, 5, 4], 2);
    const mask = tf.tensor2d([
      [1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1],
    ]);
    const probe = rand([2, 3, 4], 3); // a loss sum(context * probe) reaches every path
    const layer = new DotAttention();
    const before = tf.memory().numTensors;
    const [context, weights] = layer.apply([q, v, mask]) as tf.Tensor[];
    const expected = tf.tidy(() => plainContext(q, v, mask));
    expect(maxDiff(context!, expected)).toBeLessThan(1e-5);
    const w = weights!.arraySync() as number[][][];
    expect(w[0]![1]![3]).toBe(0);
    expect(w[0]![1]!.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    const ours = tf.grads((a, b) => tf.sum(tf.mul(layer.call([a, b, mask])[0]!, probe)));
    const theirs = tf.grads((a, b) => tf.sum(tf.mul(plainContext(a, b, mask), probe)));
    const [dq, dv] = ours([q, v]);
    const [eq, ev] = theirs([q, v]);
    expect(maxDiff(dq!, eq!)).toBeLessThan(1e-5);
    expect(maxDiff(dv!, ev!)).toBeLessThan(1e-5);
    tf.dispose([context!, weights!, expected, dq!, dv!, eq!, ev!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([q, v, mask, probe]);
  });
});

describe('seq2seqDense', () => {
  it('matches stock Dense forward and gradients, and saves as Dense', () => {
    const x = rand([2, 3, 4], 4);
    const ours = seq2seqDense({ units: 5, activation: 'tanh', name: 'ours' });
    const stock = tfl.layers.dense({ units: 5, activation: 'tanh', name: 'stock' });
    ours.apply(x);
    stock.apply(x);
    stock.setWeights(ours.getWeights());
    expect(maxDiff(ours.apply(x) as tf.Tensor, stock.apply(x) as tf.Tensor)).toBeLessThan(1e-6);
    const loss = (layer: tfl.layers.Layer) => () =>
      tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar;
    const a = tf.variableGrads(
      loss(ours),
      ours.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    const b = tf.variableGrads(
      loss(stock),
      stock.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    const ga = Object.values(a.grads);
    const gb = Object.values(b.grads);
    expect(ga).toHaveLength(2);
    for (const [i, g] of ga.entries()) expect(maxDiff(g, gb[i]!)).toBeLessThan(1e-5);
    expect(ours.getClassName()).toBe('Dense');
    expect(ours.getConfig()).toEqual({ ...stock.getConfig(), name: 'ours' });
  });
});
