import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fastRecurrence } from './fast/fast.js';
import { fusedHeadLoss as fastFusedHeadLoss } from './fast/fused-head.js';
import { FAST, type FastSeam, fusedHeadLoss, PLAIN } from './fast-seam.js';
import { referenceRecurrence } from './recurrence/reference.js';
import { getRecurrenceKernel, setRecurrenceKernel } from './recurrence/select.js';
import { useCpu } from './test-helpers.js';
import { manyToMany } from './topologies/many-to-many.js';

beforeAll(useCpu);

describe('FAST, the seam between the model code and fast/', () => {
  it('recurrence is the kernel the layers run by default', () => {
    setRecurrenceKernel('reference');
    expect(getRecurrenceKernel()).not.toBe(FAST.recurrence);
    setRecurrenceKernel('default');
    expect(getRecurrenceKernel()).toBe(FAST.recurrence);
  });

  it('holds fast/ once installed (the set-up file installs it as the package entries do)', () => {
    expect(FAST.recurrence).toBe(fastRecurrence);
    expect(FAST.fusedHeadLoss).toBe(fastFusedHeadLoss);
    expect(FAST).not.toEqual(PLAIN);
  });

  it('holds PLAIN and runs the reference kernel where nothing installed fast/ (a fresh module graph)', async () => {
    vi.resetModules();
    const seam = await import('./fast-seam.js');
    const select = await import('./recurrence/select.js');
    expect(seam.FAST).not.toBe(FAST);
    expect(seam.FAST).toEqual(seam.PLAIN);
    expect(select.getRecurrenceKernel()).toBe(seam.PLAIN.recurrence);
    expect(select.getRecurrenceKernel().name).toBe('referenceRecurrence');
    vi.resetModules();
  });

  it('PLAIN, what it holds before, is the reference kernel with no SIMD gates and no fused loss', () => {
    expect(PLAIN.recurrence).toBe(referenceRecurrence);
    expect(PLAIN.lstmGates('lstm', 'tanh', 'sigmoid', 8)).toBeNull();
    const { model } = manyToMany({
      cell: 'lstm',
      units: 4,
      classes: 5,
      input: { type: 'oneHot', vocabSize: 5 },
    });
    expect(PLAIN.fusedHeadLoss(model, 'sparseCategoricalCrossentropy')).toBeNull();
    // the root export's fusedHeadLoss is the installed one
    expect(fusedHeadLoss(model, 'sparseCategoricalCrossentropy')).not.toBeNull();
    expect(fusedHeadLoss(model, 'binaryCrossentropy')).toBeNull();
    model.dispose();
  });

  it.each<[string, FastSeam]>([
    ['FAST', FAST],
    ['PLAIN', PLAIN],
  ])('%s.transpose gives the transpose, row-major, for any shape', (_, seam) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (rows, cols) => {
        const src = Float32Array.from({ length: rows * cols }, (_, i) => i * 0.5 - 3);
        const out = seam.transpose(src, rows, cols);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) expect(out[c * rows + r]).toBe(src[r * cols + c]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it.each<[string, FastSeam]>([
    ['FAST', FAST],
    ['PLAIN', PLAIN],
  ])("%s.matMul gives tf.matMul's values and gradients", (_, seam) => {
    const a = tf.tensor2d([1, -2, 0.5, 3, 0, -1], [2, 3]);
    const b = tf.tensor2d([0.25, 2, -1, 1, 0, 4], [3, 2]);
    const before = tf.memory().numTensors;
    const grads = (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) =>
      tf.tidy(() => {
        const loss = (x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(tf.mul(f(x as tf.Tensor2D, y as tf.Tensor2D), tf.tensor2d([1, 2, 3, 4], [2, 2])));
        return [f(a, b), ...tf.grads(loss)([a, b])].map((t) => Array.from(t.dataSync()));
      });
    expect(grads(seam.matMul)).toEqual(grads((x, y) => tf.matMul(x, y)));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it('lstmGates applies to an LSTM with tanh and sigmoid and units a multiple of 4 only', () => {
    // null everywhere without WebAssembly SIMD; where it is available, for that case alone
    const simd = FAST.lstmGates('lstm', 'tanh', 'sigmoid', 8);
    expect(FAST.lstmGates('lstm', 'tanh', 'sigmoid', 6)).toBeNull();
    expect(FAST.lstmGates('gru', 'tanh', 'sigmoid', 8)).toBeNull();
    expect(FAST.lstmGates('lstm', 'relu', 'sigmoid', 8)).toBeNull();
    expect(FAST.lstmGates('lstm', 'tanh', 'hardSigmoid', 8)).toBeNull();
    expect(simd === null || typeof simd.forward === 'function').toBe(true);
  });
});
