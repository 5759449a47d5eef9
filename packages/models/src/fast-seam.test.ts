import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAST } from './fast-seam.js';
import { getRecurrenceKernel, setRecurrenceKernel } from './recurrence/select.js';
import { useCpu } from './test-helpers.js';

beforeAll(useCpu);

describe('FAST, the seam between the model code and fast/', () => {
  it('recurrence is the kernel the layers run by default', () => {
    setRecurrenceKernel('reference');
    expect(getRecurrenceKernel()).not.toBe(FAST.recurrence);
    setRecurrenceKernel('default');
    expect(getRecurrenceKernel()).toBe(FAST.recurrence);
  });

  it('transpose gives the transpose, row-major, for any shape', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (rows, cols) => {
        const src = Float32Array.from({ length: rows * cols }, (_, i) => i * 0.5 - 3);
        const out = FAST.transpose(src, rows, cols);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) expect(out[c * rows + r]).toBe(src[r * cols + c]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("matMul gives tf.matMul's values and gradients", () => {
    const a = tf.tensor2d([1, -2, 0.5, 3, 0, -1], [2, 3]);
    const b = tf.tensor2d([0.25, 2, -1, 1, 0, 4], [3, 2]);
    const before = tf.memory().numTensors;
    const grads = (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) =>
      tf.tidy(() => {
        const loss = (x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(tf.mul(f(x as tf.Tensor2D, y as tf.Tensor2D), tf.tensor2d([1, 2, 3, 4], [2, 2])));
        return [f(a, b), ...tf.grads(loss)([a, b])].map((t) => Array.from(t.dataSync()));
      });
    expect(grads(FAST.matMul)).toEqual(grads((x, y) => tf.matMul(x, y)));
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
