import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { manyToMany } from './many-to-many.js';
import { manyToOne } from './many-to-one.js';
import { oneToMany } from './one-to-many.js';

beforeAll(async () => {
  tf.env().set('PROD', true); // silence the "use tfjs-node" banner
  await tf.setBackend('cpu');
});

describe('manyToMany', () => {
  it('maps [batch, time] one-hot ids to [batch, time, classes] logits', () => {
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      const { model } = manyToMany({
        cell,
        units: 8,
        classes: 5,
        input: { type: 'oneHot', vocabSize: 5 },
      });
      const y = model.predict(tf.zeros([2, 7], 'int32')) as tf.Tensor;
      expect(y.shape).toEqual([2, 7, 5]);
      tf.dispose(y);
      model.dispose();
    }
  });

  it('gives the same weights for the same seed and different ones for another', () => {
    const a = manyToMany({
      cell: 'rnn',
      units: 4,
      classes: 3,
      input: { type: 'oneHot', vocabSize: 3 },
      seed: 1,
    });
    const b = manyToMany({
      cell: 'rnn',
      units: 4,
      classes: 3,
      input: { type: 'oneHot', vocabSize: 3 },
      seed: 1,
    });
    const c = manyToMany({
      cell: 'rnn',
      units: 4,
      classes: 3,
      input: { type: 'oneHot', vocabSize: 3 },
      seed: 2,
    });
    const flat = (m: typeof a) => m.model.getWeights().flatMap((w) => Array.from(w.dataSync()));
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
    for (const m of [a, b, c]) m.model.dispose();
  });

  it('computes h_t = tanh(x_t W_x + h_{t-1} W_h + b) for the rnn cell', () => {
    const { model } = manyToMany({
      cell: 'rnn',
      units: 3,
      classes: 2,
      input: { type: 'features', features: 2 },
      seed: 5,
    });
    const rnn = model.getLayer('rnn_1');
    const [wx, wh, b] = rnn.getWeights().map((w) => w.arraySync() as number[][]);
    const x = [
      [0.5, -1],
      [2, 0.25],
    ]; // one sequence of two steps, 2 features
    let h = [0, 0, 0];
    for (const xt of x) {
      h = h.map((_, j) =>
        Math.tanh(
          xt[0]! * wx![0]![j]! +
            xt[1]! * wx![1]![j]! +
            h.reduce((s, hk, k) => s + hk * wh![k]![j]!, 0) +
            (b as unknown as number[])[j]!,
        ),
      );
    }
    const rnnOnly = rnn.apply(tf.tensor3d([x])) as tf.Tensor;
    const got = (rnnOnly.arraySync() as number[][][])[0]![1]!;
    for (const [j, v] of got.entries()) expect(v).toBeCloseTo(h[j]!, 5);
    tf.dispose(rnnOnly);
    model.dispose();
  });
});

describe('manyToOne', () => {
  it("builds the tutorial's bare LSTM(1) on windows of 5: [batch, 5, 1] -> [batch, 1]", () => {
    const { model } = manyToOne({
      cell: 'lstm',
      units: 1,
      input: { type: 'features', features: 1 },
      seqLength: 5,
      head: { type: 'none' },
    });
    const y = model.predict(tf.zeros([3, 5, 1])) as tf.Tensor;
    expect(y.shape).toEqual([3, 1]);
    // kernel 1*4 + recurrent 1*4 + bias 4 = 12 parameters, as Keras's summary of LSTM(1) shows
    expect(model.countParams()).toBe(12);
    tf.dispose(y);
    model.dispose();
  });

  it('adds a classes head and a regression head', () => {
    const c = manyToOne({
      units: 4,
      input: { type: 'features', features: 2 },
      head: { type: 'classes', classes: 3 },
    });
    const r = manyToOne({
      units: 4,
      input: { type: 'features', features: 2 },
      head: { type: 'regression', outputs: 2 },
    });
    const yc = c.model.predict(tf.zeros([1, 6, 2])) as tf.Tensor;
    const yr = r.model.predict(tf.zeros([1, 6, 2])) as tf.Tensor;
    expect([yc.shape, yr.shape]).toEqual([
      [1, 3],
      [1, 2],
    ]);
    tf.dispose([yc, yr]);
    c.model.dispose();
    r.model.dispose();
  });

  it('rejects bad options with a clear error', () => {
    expect(() =>
      manyToOne({ units: 0, input: { type: 'features', features: 1 }, head: { type: 'none' } }),
    ).toThrow(/units must be an integer >= 1, got 0/);
  });
});

describe('input names', () => {
  it("names the input by what it reads: 'tokens' for ids, 'features' for numbers", () => {
    const cases = [
      [{ type: 'embedding', vocabSize: 5, dims: 3 }, ['tokens']],
      [{ type: 'oneHot', vocabSize: 5 }, ['tokens']],
      [{ type: 'features', features: 1 }, ['features']],
      [{ type: 'features', features: 2, mask: true }, ['features', 'features_mask']],
    ] as const;
    for (const [input, names] of cases) {
      const one = manyToOne({ units: 2, input, head: { type: 'regression' } }).model;
      const many = manyToMany({ units: 2, input, classes: 3 }).model;
      expect(one.inputNames).toEqual(names);
      expect(many.inputNames).toEqual(names);
      one.dispose();
      many.dispose();
    }
    const net = oneToMany({
      units: 2,
      classes: 3,
      condition: { type: 'features', features: 2 },
      input: { type: 'features', features: 3 },
    });
    expect(net.model.inputNames).toEqual(['condition', 'features']);
    net.dispose();
  });
});
