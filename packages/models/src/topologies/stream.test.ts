import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelsError } from '../errors.js';
import { CELLS, useCpu } from '../test-helpers.js';
import { manyToMany } from './many-to-many.js';
import { manyToOne } from './many-to-one.js';
import { stream } from './stream.js';

beforeAll(useCpu);

const F = 3;

/** The full model's output at every prefix length: many-to-one on x[:, :t], many-to-many at t. */
function fullOutputs(
  model: ReturnType<typeof manyToOne>['model'],
  rows: number[][],
  perStep: boolean,
): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor3d([rows]);
    if (perStep) {
      const y = model.predict(x) as tf.Tensor; // [1, T, classes]
      return (y.arraySync() as number[][][])[0]!;
    }
    return rows.map((_, t) => {
      const y = model.predict(tf.slice(x, [0, 0, 0], [1, t + 1, F])) as tf.Tensor;
      return Array.from(y.dataSync());
    });
  });
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('stream(model)', () => {
  it('equals the full-sequence model within 1e-5 after any number of steps (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CELLS),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(), // many-to-many or many-to-one
        fc.array(
          fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: F, maxLength: F }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.integer({ min: 0, max: 1000 }),
        (cell, layers, perStep, rows, seed) => {
          const input = { type: 'features', features: F } as const;
          const { model } = perStep
            ? manyToMany({ cell, layers, units: 4, input, classes: 2, seed })
            : manyToOne({
                cell,
                layers,
                units: 4,
                input,
                head: { type: 'regression', outputs: 2 },
                seed,
              });
          const want = fullOutputs(model, rows, perStep);
          const s = stream(model);
          for (const [t, row] of rows.entries()) {
            expect(maxAbs(s.push(row), want[t]!)).toBeLessThan(1e-5);
          }
          s.dispose();
          model.dispose();
        },
      ),
      { numRuns: 25, seed: 24 },
    );
  });

  it('keeps tf.memory().numTensors flat over 1000 pushes, and equals the full model after them', () => {
    const { model } = manyToOne({
      cell: 'lstm',
      layers: 2,
      units: 8,
      input: { type: 'features', features: F },
      head: { type: 'regression' },
    });
    const s = stream(model);
    s.push([0, 0, 0]);
    const before = tf.memory().numTensors;
    const rows = [[0, 0, 0]];
    let last: Float32Array = new Float32Array(0);
    for (let i = 0; i < 1000; i++) {
      rows.push([Math.sin(i), Math.cos(i), 0.1]);
      last = s.push(rows[rows.length - 1]!);
    }
    expect(tf.memory().numTensors).toBe(before);
    // and still the full model's number after 1001 steps
    const full = tf.tidy(() => (model.predict(tf.tensor3d([rows])) as tf.Tensor).dataSync());
    expect(maxAbs(last, full)).toBeLessThan(1e-5);
    s.dispose();
    model.dispose();
  });

  it('gets, sets and resets the state', () => {
    const { model } = manyToOne({
      cell: 'lstm',
      units: 3,
      input: { type: 'features', features: F },
      head: { type: 'none' },
    });
    const s = stream(model);
    const fresh = s.push([1, 2, 3]);
    s.push([0.5, -1, 0]);
    const saved = s.getState();
    expect(saved.map((l) => l.map((v) => v.length))).toEqual([[3, 3]]); // lstm: [h, c]
    const after = s.push([0.1, 0.2, 0.3]);
    s.setState(saved);
    expect(Array.from(s.push([0.1, 0.2, 0.3]))).toEqual(Array.from(after));
    s.reset();
    expect(s.steps).toBe(0);
    expect(Array.from(s.push([1, 2, 3]))).toEqual(Array.from(fresh));
    expect(() => s.setState([[new Float32Array(3)]])).toThrow(
      expect.objectContaining({ code: 'BAD_STATE' }),
    );
    s.dispose();
    expect(() => s.push([1, 2, 3])).toThrow(ModelsError);
    model.dispose();
  });

  it('a masked step (maskValue) keeps the state, as the masked full model does', () => {
    const { model } = manyToOne({
      cell: 'gru',
      units: 4,
      input: { type: 'features', features: F, maskValue: 0 },
      head: { type: 'regression' },
    });
    const rows = [
      [1, 2, 3],
      [0, 0, 0],
      [0.5, 0.1, -1],
    ];
    const want = fullOutputs(model, rows, false);
    const s = stream(model);
    for (const [t, row] of rows.entries()) expect(maxAbs(s.push(row), want[t]!)).toBeLessThan(1e-5);
    s.dispose();
    model.dispose();
  });

  it('a row of the wrong width or with a non-number is a BAD_INPUT naming the expected width', () => {
    const { model } = manyToOne({
      units: 2,
      input: { type: 'features', features: F },
      head: { type: 'regression' },
    });
    const s = stream(model);
    expect(() => s.push([1, 2])).toThrow(/has 2 values, expected 3/);
    expect(() => s.push([1, 2, 3, 4])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => s.push([1, Number.NaN, 3])).toThrow(/not a finite number/);
    s.dispose();
    model.dispose();
  });

  it('a bidirectional model or an ids model cannot stream: UNSUPPORTED_MODEL saying why', () => {
    const bi = manyToOne({
      units: 2,
      bidirectional: true,
      input: { type: 'features', features: F },
      head: { type: 'regression' },
    });
    expect(() => stream(bi)).toThrow(/reads the sequence backwards \(a bidirectional model\)/);
    expect(() => stream(bi)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MODEL' }));
    const ids = manyToOne({
      units: 2,
      input: { type: 'embedding', vocabSize: 5, dims: 2 },
      head: { type: 'none' },
    });
    expect(() => stream(ids)).toThrow(/token ids/);
    bi.model.dispose();
    ids.model.dispose();
  });
});
