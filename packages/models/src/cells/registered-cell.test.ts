/**
 * CONTRIBUTING.md's "Add a cell", followed literally with a toy cell: a definition in the shape
 * of `rnn.ts` (here a gated RNN, two blocks [g, h]), registered with `registerCell`, then its
 * tests: the step on arrays and the step on tensors agree, the layer builds k-block weights and
 * runs under the default kernel (which hands an unknown cell to the reference kernel), tfjs's
 * autodiff gives its gradients, and no tensor leaks.
 *
 *   g_t = sigmoid(x_t K_g + h_{t-1} R_g + b_g)
 *   h~_t = tanh(x_t K_h + h_{t-1} R_h + b_h)
 *   h_t = g_t * h~_t + (1 - g_t) * h_{t-1}
 */

import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelsError } from '../errors.js';
import { recurrentLayer } from '../layers/recurrent-layer.js';
import { useBackend } from '../layers/test-backends.js';
import { ACTIVATIONS } from './activations.js';
import { blockCell } from './block-cell.js';
import type { BaseLayout, CellDefinition } from './cell.js';
import { type CellType, cellOf, registerCell } from './index.js';

const gated: CellDefinition<'gated', BaseLayout> = {
  name: 'gated',
  className: 'GatedRNN',
  layout: { gates: 2, states: ['h'], keras: ['z', 'h'] },
  gated: true,
  resetAfter: false,
  stockCell: (args) => blockCell(2, args),
  stepArrays({ units: u, n, z, hz, h, act, rec }) {
    for (let b = 0; b < n; b++) {
      for (let j = 0; j < u; j++) {
        const zb = b * 2 * u;
        const i = b * u + j;
        const g = rec(z[zb + j]! + hz[zb + j]!);
        h[i] = g * act(z[zb + u + j]! + hz[zb + u + j]!) + (1 - g) * h[i]!;
      }
    }
  },
  stepTensors({ xz, h, c, recurrentKernel, act, rec }) {
    const [zg, zh] = tf.split(tf.add(xz, tf.matMul(h, recurrentKernel)), 2, 1);
    const g = rec(zg as tf.Tensor);
    const next = tf.add(tf.mul(g, act(zh as tf.Tensor)), tf.mul(tf.sub(1, g), h));
    return [next as tf.Tensor2D, c];
  },
};

const [F, U, B, T] = [5, 3, 2, 4]; // features, units, batch, time

/** Seeded values in [-0.5, 0.5). */
function values(n: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand() - 0.5);
}

/** The sequence by the cell's array step: x [B, T, F] row-major, weights as the layer holds them. */
function byArrays(x: Float32Array, k: Float32Array, r: Float32Array, b: Float32Array) {
  const h = new Float32Array(B * U);
  const out: number[] = [];
  for (let t = 0; t < T; t++) {
    const z = new Float32Array(B * 2 * U);
    const hz = new Float32Array(B * 2 * U);
    for (let row = 0; row < B; row++) {
      for (let col = 0; col < 2 * U; col++) {
        let s = b[col]!;
        for (let f = 0; f < F; f++) s += x[(row * T + t) * F + f]! * k[f * 2 * U + col]!;
        z[row * 2 * U + col] = s;
        let q = 0;
        for (let j = 0; j < U; j++) q += h[row * U + j]! * r[j * 2 * U + col]!;
        hz[row * 2 * U + col] = q;
      }
    }
    const [act, rec] = [ACTIVATIONS.tanh.js, ACTIVATIONS.sigmoid.js];
    const step = { units: U, n: B, z, hz, h, c: new Float32Array(0), act, rec };
    gated.stepArrays({ ...step, recurrentBias: null, rhProduct: null });
    out.push(...h);
  }
  return out; // [T, B, U]
}

beforeAll(async () => {
  await useBackend('cpu');
  registerCell(gated);
});

describe('a cell added by registerCell (CONTRIBUTING: Add a cell)', () => {
  it('is found by name and by its class name; a second cell of the name is refused', () => {
    expect(cellOf('gated')).toBe(gated);
    expect(() => registerCell(gated)).toThrow(ModelsError);
    expect(() => registerCell({ ...gated, name: 'lstm' })).toThrow(/already defined/);
  });

  it('builds k-block weights and runs its tensor step: the numbers of its array step', () => {
    const layer = recurrentLayer({
      cell: 'gated' as CellType,
      units: U,
      returnSequences: true,
      name: 'toy',
    });
    const x = values(B * T * F, 1);
    const xt = tf.tensor3d(x, [B, T, F]);
    layer.apply(xt); // builds
    expect(layer.getWeights().map((w) => w.shape)).toEqual([[F, 2 * U], [U, 2 * U], [2 * U]]);
    expect(layer.getClassName()).toBe('GatedRNN');
    const [k, r, b] = [values(F * 2 * U, 2), values(U * 2 * U, 3), values(2 * U, 4)];
    layer.setWeights([tf.tensor2d(k, [F, 2 * U]), tf.tensor2d(r, [U, 2 * U]), tf.tensor1d(b)]);
    const out = layer.apply(xt) as tf.Tensor; // [B, T, U]
    const expected = byArrays(x, k, r, b); // [T, B, U]
    const got = out.arraySync() as number[][][];
    for (let t = 0; t < T; t++) {
      for (let row = 0; row < B; row++) {
        for (let j = 0; j < U; j++) {
          expect(got[row]![t]![j]).toBeCloseTo(expected[(t * B + row) * U + j]!, 5);
        }
      }
    }
    tf.dispose([xt, out]);
    layer.dispose();
  });

  it('trains: tfjs differentiates its tensor step; no tensor leaks', () => {
    const layer = recurrentLayer({
      cell: 'gated' as CellType,
      units: U,
      returnSequences: false,
      name: 'toy_grad',
    });
    const xt = tf.tensor3d(values(B * T * F, 5), [B, T, F]);
    layer.apply(xt);
    layer.setWeights([
      tf.tensor2d(values(F * 2 * U, 6), [F, 2 * U]),
      tf.tensor2d(values(U * 2 * U, 7), [U, 2 * U]),
      tf.tensor1d(values(2 * U, 8)),
    ]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(layer.apply(xt) as tf.Tensor) as tf.Scalar,
      );
      const gs = Object.values(grads);
      expect(gs).toHaveLength(3);
      for (const g of gs) {
        const v = g.dataSync();
        expect(v.every(Number.isFinite)).toBe(true);
        expect(v.some((e) => e !== 0)).toBe(true);
      }
      tf.dispose([value, ...gs]);
    }
    expect(tf.memory().numTensors).toBe(before);
    xt.dispose();
    layer.dispose();
  });
});
