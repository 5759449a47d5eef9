import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCharModel, DemoInputError } from './char-model.js';
import { DEFAULT_TEXT, formatStep } from './tutorial.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('createCharModel (program 1)', () => {
  it('learns the sentence step by step, the same for a seed, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const lines = (seed: number) => {
      const run = createCharModel({ text: DEFAULT_TEXT, seed });
      const out = Array.from({ length: 20 }, () => formatStep(run.step()));
      expect(run.target).toBe('My name is Ji Myung Hwa.');
      run.dispose();
      return out;
    };
    const a = lines(0);
    expect(a[0]).toMatch(/^0 {2}\d\.\d{4} {2}.{24}$/);
    expect(a[19]).toMatch(/^19 {2}\d\.\d{4} {2}My name is Ji Myung Hwa\.$/);
    expect(lines(0)).toEqual(a);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with another cell: its recurrent layer in Keras layout, h at every step and the right characters’ probabilities', () => {
    const before = tf.memory().numTensors;
    const run = createCharModel({ text: 'hihello', seed: 0, cell: 'gru', units: 3 });
    expect(run.input).toBe('hihell');
    const xs = run.oneHots();
    expect(xs).toHaveLength(6);
    for (const row of xs) expect(row.reduce((a, b) => a + b, 0)).toBe(1); // one-hot over h, i, e, l, o
    const w = run.recurrentWeights();
    expect([w.kernel.length, w.kernel[0]!.length]).toEqual([5, 9]); // [5 letters, 3 gates * units]
    expect([w.recurrentKernel.length, w.recurrentKernel[0]!.length]).toEqual([3, 9]);
    expect((w.bias as number[][]).map((r) => r.length)).toEqual([9, 9]); // reset-after: 2 rows
    const h = run.hSequence();
    expect(h.map((r) => r.length)).toEqual([3, 3, 3, 3, 3, 3]);
    const s = run.step();
    expect(s.targetProbs).toHaveLength(6);
    for (const p of s.targetProbs) expect(p > 0 && p < 1).toBe(true);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a sentence of fewer than 2 characters with a DemoInputError', () => {
    expect(() => createCharModel({ text: 'a', seed: 0 })).toThrow(DemoInputError);
    expect(() => createCharModel({ text: 'a', seed: 0 })).toThrow(
      'the sentence needs at least 2 characters to predict a next one, got "a": try "hihello"',
    );
  });
});
