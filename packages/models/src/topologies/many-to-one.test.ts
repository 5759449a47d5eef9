import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelsError } from '../errors.js';
import { batchFor, CELLS, flatWeights, inputKinds, maxDiff, useCpu } from '../test-helpers.js';
import { type Head, manyToOne } from './many-to-one.js';

beforeAll(useCpu);

const heads: [Head, number][] = [
  [{ type: 'classes', classes: 3 }, 3],
  [{ type: 'binary' }, 1],
  [{ type: 'regression', outputs: 2 }, 2],
  [{ type: 'none' }, 4],
];

describe('manyToOne shapes', () => {
  for (const cell of CELLS) {
    for (const input of inputKinds(5)) {
      it(`${cell}, ${input.type} input: every head gives [batch, k]`, () => {
        const x = batchFor(input, 2, 6);
        for (const [head, k] of heads) {
          const { model } = manyToOne({ cell, units: 4, input, head });
          const y = model.predict(x) as tf.Tensor;
          expect(y.shape).toEqual([2, k]);
          y.dispose();
          model.dispose();
        }
        x.dispose();
      });
    }
  }

  it('doubles the width of the last state when bidirectional (head none)', () => {
    const { model } = manyToOne({
      units: 4,
      bidirectional: true,
      layers: 2,
      input: { type: 'features', features: 2 },
      head: { type: 'none' },
    });
    expect(model.outputs[0]!.shape).toEqual([null, 8]);
    model.dispose();
  });
});

describe('manyToOne masking', () => {
  const configs = [
    { cell: 'rnn', layers: 1, bidirectional: false },
    { cell: 'lstm', layers: 2, bidirectional: true },
    { cell: 'gru', layers: 2, bidirectional: false },
    { cell: 'gru', layers: 1, bidirectional: true },
  ] as const;
  for (const c of configs) {
    for (const type of ['embedding', 'oneHot'] as const) {
      it(`${c.cell} x${c.layers}${c.bidirectional ? ' bidirectional' : ''}, ${type}: padding before or after gives the unpadded output`, () => {
        const input =
          type === 'embedding'
            ? ({ type, vocabSize: 9, dims: 3, maskZero: true } as const)
            : ({ type, vocabSize: 9, maskZero: true } as const);
        const { model } = manyToOne({
          ...c,
          units: 5,
          input,
          head: { type: 'classes', classes: 3 },
          dropout: 0.5, // inactive in predict
          seed: 9,
        });
        const run = (rows: number[][]) => {
          const x = tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');
          const y = model.predict(x) as tf.Tensor;
          x.dispose();
          return y;
        };
        const plain = run([
          [4, 7, 1, 8],
          [2, 2, 5, 3],
        ]);
        const padded = [
          run([
            [4, 7, 1, 8, 0, 0, 0],
            [2, 2, 5, 3, 0, 0, 0],
          ]),
          run([
            [0, 0, 0, 4, 7, 1, 8],
            [0, 0, 0, 2, 2, 5, 3],
          ]),
          run([
            [4, 7, 1, 8, 0, 0, 0],
            [0, 0, 0, 2, 2, 5, 3],
          ]), // mixed in one batch
        ];
        for (const y of padded) expect(maxDiff(y, plain)).toBeLessThan(1e-6);
        // and padding is not ignored without the mask: the check above is not vacuous
        const other = run([
          [4, 7, 1, 8, 6, 6, 6],
          [2, 2, 5, 3, 6, 6, 6],
        ]);
        expect(maxDiff(other, plain)).toBeGreaterThan(1e-4);
        tf.dispose([plain, other, ...padded]);
        model.dispose();
      });
    }
  }

  it('keeps the result under model.apply (the training path) too', () => {
    const { model } = manyToOne({
      cell: 'lstm',
      units: 4,
      bidirectional: true,
      input: { type: 'embedding', vocabSize: 6, dims: 2, maskZero: true },
      head: { type: 'binary' },
    });
    const a = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    const b = tf.tensor2d([[0, 1, 2, 3, 0]], [1, 5], 'int32');
    const ya = model.apply(a) as tf.Tensor;
    const yb = model.apply(b) as tf.Tensor;
    expect(maxDiff(ya, yb)).toBeLessThan(1e-6);
    tf.dispose([a, b, ya, yb]);
    model.dispose();
  });
});

describe('manyToOne weights and memory', () => {
  it('is a function of the seed', () => {
    const make = (seed: number) =>
      manyToOne({
        units: 3,
        layers: 2,
        bidirectional: true,
        input: { type: 'embedding', vocabSize: 5, dims: 2 },
        head: { type: 'binary' },
        seed,
      });
    const [a, b, c] = [make(3), make(3), make(4)];
    expect(flatWeights(a.model)).toEqual(flatWeights(b.model));
    expect(flatWeights(a.model)).not.toEqual(flatWeights(c.model));
    for (const m of [a, b, c]) m.model.dispose();
  });

  it('initialises embeddings in (-0.05, 0.05) like Keras', () => {
    const { model } = manyToOne({
      units: 3,
      input: { type: 'embedding', vocabSize: 50, dims: 8 },
      head: { type: 'none' },
    });
    const table = model.getLayer('tokens_embedding').getWeights()[0]!.dataSync();
    expect(Math.max(...Array.from(table, Math.abs))).toBeLessThan(0.05);
    expect(new Set(table).size).toBe(400);
    model.dispose();
  });

  it('keeps the one-hot table the identity and out of the trainable weights', () => {
    const { model } = manyToOne({
      units: 3,
      input: { type: 'oneHot', vocabSize: 4 },
      head: { type: 'none' },
    });
    const table = model.getLayer('tokens_one_hot').getWeights()[0]!.arraySync();
    expect(table).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
    expect(model.trainableWeights.map((w) => w.name)).not.toContain('embeddings');
    model.dispose();
  });

  it('leaves no tensor behind when building, predicting and disposing', () => {
    const before = tf.memory().numTensors;
    const { model } = manyToOne({
      cell: 'gru',
      units: 4,
      layers: 2,
      bidirectional: true,
      input: { type: 'oneHot', vocabSize: 5, maskZero: true },
      head: { type: 'classes', classes: 2 },
    });
    const x = tf.tensor2d([[1, 2, 0]], [1, 3], 'int32');
    for (let i = 0; i < 3; i++) tf.dispose(model.predict(x) as tf.Tensor);
    x.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('manyToOne errors', () => {
  const base = {
    units: 4,
    input: { type: 'features', features: 1 },
    head: { type: 'none' },
  } as const;
  const cases: [string, object, RegExp][] = [
    ['negative units', { units: -1 }, /units must be an integer >= 1, got -1/],
    ['dropout of 1', { dropout: 1 }, /dropout must be in \[0, 1\), got 1/],
    ['negative dropout', { dropout: -0.1 }, /dropout must be in \[0, 1\), got -0.1/],
    [
      'unknown cell',
      { cell: 'transformer' },
      /cell must be one of 'rnn', 'lstm', 'gru', got "transformer"/,
    ],
    ['zero layers', { layers: 0 }, /layers must be an integer >= 1, got 0/],
    [
      'unknown head',
      { head: { type: 'softmax' } },
      /head.type must be one of 'classes', 'binary', 'regression', 'none', got "softmax"/,
    ],
    [
      'one class',
      { head: { type: 'classes', classes: 1 } },
      /head.classes must be an integer >= 2, got 1/,
    ],
    [
      'unknown input',
      { input: { type: 'text' } },
      /input.type must be one of 'embedding', 'oneHot', 'features', got "text"/,
    ],
    [
      'embedding without dims',
      { input: { type: 'embedding', vocabSize: 5 } },
      /input.dims must be an integer >= 1, got undefined/,
    ],
    ['fractional seed', { seed: 1.5 }, /seed must be an integer >= 0, got 1.5/],
  ];
  for (const [name, patch, message] of cases) {
    it(`rejects ${name} with a BAD_OPTION that says what to do`, () => {
      let error: unknown;
      try {
        manyToOne({ ...base, ...patch } as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ModelsError);
      expect((error as ModelsError).code).toBe('BAD_OPTION');
      expect((error as ModelsError).message).toMatch(message);
      expect((error as ModelsError).message).toMatch(/: ./); // a hint follows the colon
    });
  }
});
