import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreSpec } from '../kernels/fast-core.js';
import { useBackend } from '../layers/test-backends.js';
import { getRecurrenceThreads, recurrencePlan, setRecurrenceThreads } from './pool.js';

const big: CoreSpec = {
  cell: 'lstm',
  batch: 32,
  time: 4,
  features: 8,
  units: 256,
  resetAfter: false,
  reverse: false,
  act: 'tanh',
  recAct: 'sigmoid',
};

describe('setRecurrenceThreads', () => {
  afterEach(() => setRecurrenceThreads('auto'));

  it("defaults to 'auto' and takes 1, 2 or 'auto'", () => {
    expect(getRecurrenceThreads()).toBe('auto');
    setRecurrenceThreads(1);
    expect(getRecurrenceThreads()).toBe(1);
    expect(() => setRecurrenceThreads(3 as 2)).toThrow(/must be 1, 2 or 'auto', got 3/);
  });

  it('keeps one thread when told to, off wasm, and for small runs', async () => {
    await tf.setBackend('cpu');
    const one = { halves: false, worker: null };
    setRecurrenceThreads(1);
    expect(recurrencePlan(big)).toEqual(one);
    setRecurrenceThreads(2);
    expect(recurrencePlan(big)).toEqual(one); // the cpu backend: the worker would compute on wasm
    setRecurrenceThreads('auto');
    expect(recurrencePlan({ ...big, units: 64 })).toEqual(one);
    expect(recurrencePlan({ ...big, batch: 1 })).toEqual(one);
  });

  it("'auto' halves runs of 16+ rows, 16+ steps and 32+ units on wasm (W1's shapes, not W2's)", async () => {
    await useBackend('wasm');
    try {
      const w1 = { ...big, time: 64, units: 64 };
      expect(recurrencePlan(w1).halves).toBe(true);
      expect(recurrencePlan({ ...w1, units: 32 }).halves).toBe(true);
      expect(recurrencePlan({ ...w1, units: 16 }).halves).toBe(false);
      expect(recurrencePlan({ ...w1, time: 5, units: 32 }).halves).toBe(false); // W2
      expect(recurrencePlan({ ...w1, batch: 8 }).halves).toBe(false);
    } finally {
      await useBackend('cpu');
    }
  });
});
