import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  denseMatMul,
  denseMeanSquaredError,
  denseSoftmaxCrossEntropy,
  expNonPositive,
} from './fast-dense.js';

tf.env().set('PROD', true);
const wasmDir = dirname(
  createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'),
);
setWasmPaths(`${wasmDir}/dist/`);

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = Array.from(a.dataSync());
  const y = Array.from(b.dataSync());
  expect(a.shape).toEqual(b.shape);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - (y[i] as number))), 0);
}

/**
 * The fused dense loss against tfjs's dense + loss on random h [rows, units], w [units, out],
 * b [out]: value within 1e-5, gradients w.r.t. h, w and b within 1e-5.
 */
function sameAsStock([rows, units, out]: number[], y: tf.Tensor2D, loss: 'softmax' | 'mse'): void {
  const h = tf.randomNormal([rows!, units!], 0, 1, 'float32', 4) as tf.Tensor2D;
  const w = tf.randomNormal([units!, out!], 0, 0.5, 'float32', 5) as tf.Tensor2D;
  const b = tf.randomNormal([out!], 0, 1, 'float32', 6) as tf.Tensor1D;
  const stockLoss = loss === 'softmax' ? tf.losses.softmaxCrossEntropy : tf.losses.meanSquaredError;
  const fastLoss = loss === 'softmax' ? denseSoftmaxCrossEntropy : denseMeanSquaredError;
  const stock = (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
    stockLoss(y, tf.add(tf.matMul(hh as tf.Tensor2D, ww as tf.Tensor2D), bb));
  const fast = (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
    fastLoss(hh as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, y);
  expect(maxDiff(fast(h, w, b), stock(h, w, b))).toBeLessThan(1e-5);
  const want = tf.grads(stock)([h, w, b]);
  const got = tf.grads(fast)([h, w, b]);
  for (let i = 0; i < 3; i++) {
    expect(maxDiff(got[i] as tf.Tensor, want[i] as tf.Tensor)).toBeLessThan(1e-5);
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fast dense ops on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    it('denseMatMul matches tf.matMul in value and gradients', () => {
      tf.tidy(() => {
        const a = tf.randomNormal([7, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
        const b = tf.randomNormal([5, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
        const w = tf.randomNormal([7, 3], 0, 1, 'float32', 3);
        const f = (mm: typeof denseMatMul) => (x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(tf.mul(mm(x as tf.Tensor2D, y as tf.Tensor2D), w));
        expect(maxDiff(denseMatMul(a, b), tf.matMul(a, b))).toBeLessThan(1e-5);
        const want = tf.grads(f(tf.matMul))([a, b]);
        const got = tf.grads(f(denseMatMul))([a, b]);
        for (let i = 0; i < 2; i++) {
          expect(maxDiff(got[i] as tf.Tensor, want[i] as tf.Tensor)).toBeLessThan(1e-4);
        }
      });
    });

    it('denseSoftmaxCrossEntropy matches tf.losses.softmaxCrossEntropy', () => {
      tf.tidy(() => {
        const ids = tf.tensor1d([0, 5, 2, 2, 1, 3, 4, 0, 5], 'int32');
        sameAsStock([9, 4, 6], tf.oneHot(ids, 6) as tf.Tensor2D, 'softmax');
      });
    });

    it('denseSoftmaxCrossEntropy matches it with soft labels (probability rows)', () => {
      tf.tidy(() => {
        // tfjs's gradient is p - y, right only for rows summing to 1
        const y = tf.softmax(tf.randomNormal([6, 5], 0, 1, 'float32', 10)) as tf.Tensor2D;
        sameAsStock([6, 3, 5], y, 'softmax');
      });
    });

    // [rows, units, outputs]: the JS path (W2's 32 x 32 x 1) and the matMul path (> 65 536)
    it.each([
      [32, 32, 1],
      [5, 3, 4],
      [300, 64, 8],
    ])('denseMeanSquaredError [%i, %i] x [., %i] matches tf.losses.meanSquaredError', (...s) => {
      tf.tidy(() => {
        sameAsStock(s, tf.randomNormal([s[0], s[2]], 0, 1, 'float32', 14) as tf.Tensor2D, 'mse');
      });
    });

    it('denseMeanSquaredError keeps no clones of h and w on the JS path (none dispatched)', async () => {
      const h = tf.randomNormal([6, 4], 0, 1, 'float32', 20) as tf.Tensor2D;
      const w = tf.randomNormal([4, 1], 0, 1, 'float32', 21) as tf.Tensor2D;
      const b = tf.zeros([1]) as tf.Tensor1D;
      const y = tf.randomNormal([6, 1], 0, 1, 'float32', 22) as tf.Tensor2D;
      const { kernels } = await tf.profile(() =>
        tf.tidy(() => {
          tf.grads((a: tf.Tensor, c: tf.Tensor) =>
            denseMeanSquaredError(a as tf.Tensor2D, c as tf.Tensor2D, b, y),
          )([h, w]);
        }),
      );
      expect(kernels.map((k) => k.name).filter((k) => k === 'Identity')).toEqual([]);
      tf.dispose([h, w, b, y]);
    });

    it('leaves no tensors behind', () => {
      const h = tf.randomNormal([3, 2]) as tf.Tensor2D;
      const w = tf.randomNormal([2, 4]) as tf.Tensor2D;
      const b = tf.zeros([4]) as tf.Tensor1D;
      const y = tf.oneHot(tf.tensor1d([1, 2, 3], 'int32'), 4) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        tf.grads((a: tf.Tensor) => denseSoftmaxCrossEntropy(a as tf.Tensor2D, w, b, y))([h]);
        tf.grads((a: tf.Tensor) => denseMeanSquaredError(a as tf.Tensor2D, w, b, y))([h]);
      });
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([h, w, b, y]);
    });
  });
}

describe('expNonPositive', () => {
  it('is Math.exp within 1e-8 relative on [-87, 0], 0 below, NaN for NaN', () => {
    let worst = 0;
    for (let i = 0; i <= 100_000; i++) {
      const x = -87 * (i / 100_000) ** 2; // dense near 0, where softmax mass is
      const want = Math.exp(x);
      worst = Math.max(worst, Math.abs(expNonPositive(x) - want) / want);
    }
    expect(worst).toBeLessThan(1e-8);
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-1000)).toBe(0);
    expect(expNonPositive(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(expNonPositive(Number.NaN)).toBeNaN();
  });
});
