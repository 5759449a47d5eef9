/**
 * The topologies on the wasm backend (the fast one in Node): the same outputs as on cpu, and a
 * one-hot input trains there (its identity table is frozen, so it needs no Embedding gradient;
 * an embedding input's gradient is `segment-sum.test.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../layers/test-backends.js';
import { manyToMany } from './many-to-many.js';
import { seq2seq } from './seq2seq.js';

afterAll(() => useBackend('cpu'));

const oneHot = (vocabSize: number, maskZero = false) =>
  ({ type: 'oneHot', vocabSize, maskZero }) as const;

/** Builds a seq2seq with attention and returns its logits on a fixed batch, on `backend`. */
async function logitsOn(backend: 'cpu' | 'wasm'): Promise<Float32Array> {
  await useBackend(backend);
  const net = seq2seq({
    cell: 'lstm',
    units: 4,
    classes: 5,
    attention: 'additive',
    bidirectional: true,
    source: oneHot(6, true),
    target: oneHot(5),
    seed: 3,
  });
  const src = tf.tensor2d([[1, 2, 3, 0]], [1, 4], 'int32');
  const tgt = tf.tensor2d([[1, 4, 2]], [1, 3], 'int32');
  const y = net.model.predict([src, tgt]) as tf.Tensor;
  const values = y.dataSync() as Float32Array;
  tf.dispose([src, tgt, y]);
  net.dispose();
  return values;
}

describe('topologies on wasm', () => {
  it('seq2seq with attention gives the cpu outputs within 1e-5', async () => {
    const cpu = await logitsOn('cpu');
    const wasm = await logitsOn('wasm');
    expect(Math.max(...cpu.map((v, i) => Math.abs(v - wasm[i]!)))).toBeLessThan(1e-5);
  });

  it('trains a one-hot manyToMany (no gradient into the frozen table)', async () => {
    await useBackend('wasm');
    const { model } = manyToMany({ cell: 'gru', units: 8, classes: 5, input: oneHot(5) });
    const x = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    const y = tf.oneHot(tf.tensor2d([[2, 3, 4, 1]], [1, 4], 'int32'), 5);
    const optimizer = tf.train.adam(0.05);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
        true,
        vars,
      )!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
    }
    expect(losses[19]!).toBeLessThan(losses[0]! / 2);
    const table = model.getLayer('tokens_one_hot').getWeights()[0]!;
    expect(table.arraySync()).toEqual(tf.tidy(() => tf.eye(5).arraySync()));
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});
