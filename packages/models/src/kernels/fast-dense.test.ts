import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { denseMatMul, denseSoftmaxCrossEntropy } from './fast-dense.js';

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
        const h = tf.randomNormal([9, 4], 0, 1, 'float32', 4) as tf.Tensor2D;
        const w = tf.randomNormal([4, 6], 0, 1, 'float32', 5) as tf.Tensor2D;
        const b = tf.randomNormal([6], 0, 1, 'float32', 6) as tf.Tensor1D;
        const ids = tf.tensor1d([0, 5, 2, 2, 1, 3, 4, 0, 5], 'int32');
        const y = tf.oneHot(ids, 6) as tf.Tensor2D;
        const stock = (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
          tf.losses.softmaxCrossEntropy(
            y,
            tf.add(tf.matMul(hh as tf.Tensor2D, ww as tf.Tensor2D), bb),
          );
        const fast = (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
          denseSoftmaxCrossEntropy(hh as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, y);
        expect(maxDiff(fast(h, w, b), stock(h, w, b))).toBeLessThan(1e-5);
        const want = tf.grads(stock)([h, w, b]);
        const got = tf.grads(fast)([h, w, b]);
        for (let i = 0; i < 3; i++) {
          expect(maxDiff(got[i] as tf.Tensor, want[i] as tf.Tensor)).toBeLessThan(1e-5);
        }
      });
    });

    it('leaves no tensors behind', () => {
      const h = tf.randomNormal([3, 2]) as tf.Tensor2D;
      const w = tf.randomNormal([2, 4]) as tf.Tensor2D;
      const b = tf.zeros([4]) as tf.Tensor1D;
      const y = tf.oneHot(tf.tensor1d([1, 2, 3], 'int32'), 4) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        tf.grads((a: tf.Tensor) => denseSoftmaxCrossEntropy(a as tf.Tensor2D, w, b, y))([h]);
      });
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([h, w, b, y]);
    });
  });
}
