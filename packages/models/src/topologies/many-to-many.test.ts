import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchFor, CELLS, inputKinds, maxDiff, useCpu } from '../test-helpers.js';
import { manyToMany } from './many-to-many.js';

beforeAll(useCpu);

describe('manyToMany shapes', () => {
  for (const cell of CELLS) {
    for (const input of inputKinds(6)) {
      for (const bidirectional of [false, true]) {
        it(`${cell}, ${input.type} input${bidirectional ? ', bidirectional' : ''} -> [batch, time, classes]`, () => {
          const net = manyToMany({ cell, units: 3, classes: 4, input, bidirectional, layers: 2 });
          const x = batchFor(input, 2, 5);
          const y = net.model.predict(x) as tf.Tensor;
          expect(y.shape).toEqual([2, 5, 4]);
          expect(net.recurrent.map((l) => l.length)).toEqual(bidirectional ? [2, 2] : [1, 1]);
          expect(net.logits.name).toBe('logits');
          tf.dispose([x, y]);
          net.model.dispose();
        });
      }
    }
  }
});

describe('manyToMany tagging with padding', () => {
  for (const cell of CELLS) {
    it(`${cell} bidirectional: the real steps' logits do not depend on padding, before or after`, () => {
      const { model } = manyToMany({
        cell,
        units: 4,
        classes: 3,
        layers: 2,
        bidirectional: true,
        input: { type: 'embedding', vocabSize: 8, dims: 3, maskZero: true },
        seed: 5,
      });
      const run = (row: number[]) => {
        const x = tf.tensor2d([row], [1, row.length], 'int32');
        const y = model.predict(x) as tf.Tensor;
        x.dispose();
        return y;
      };
      const plain = run([3, 1, 7, 2]);
      const post = run([3, 1, 7, 2, 0, 0]);
      const pre = run([0, 0, 3, 1, 7, 2]);
      const postReal = tf.slice(post, [0, 0, 0], [1, 4, 3]);
      const preReal = tf.slice(pre, [0, 2, 0], [1, 4, 3]);
      expect(maxDiff(postReal, plain)).toBeLessThan(1e-6);
      expect(maxDiff(preReal, plain)).toBeLessThan(1e-6);
      // the backward half really reads the future: changing the last token moves the first output
      const changed = run([3, 1, 7, 5]);
      const first = (t: tf.Tensor) => tf.slice(t, [0, 0, 0], [1, 1, 3]);
      expect(maxDiff(first(changed), first(plain))).toBeGreaterThan(1e-5);
      tf.dispose([plain, post, pre, postReal, preReal, changed]);
      model.dispose();
    });
  }

  it('a unidirectional model (language model) does not see the future', () => {
    const { model } = manyToMany({
      units: 4,
      classes: 3,
      input: { type: 'oneHot', vocabSize: 8 },
    });
    const a = tf.tensor2d([[3, 1, 7, 2]], [1, 4], 'int32');
    const b = tf.tensor2d([[3, 1, 7, 5]], [1, 4], 'int32');
    const [ya, yb] = [model.predict(a) as tf.Tensor, model.predict(b) as tf.Tensor];
    const head = (t: tf.Tensor) => tf.slice(t, [0, 0, 0], [1, 3, 3]);
    expect(maxDiff(head(ya), head(yb))).toBe(0);
    tf.dispose([a, b, ya, yb]);
    model.dispose();
  });
});
