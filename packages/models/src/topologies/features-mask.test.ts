/**
 * Masks on a `features` input (a `maskValue`, as Keras's Masking, or an explicit mask input):
 * padded and unpadded sequences give the same outputs and weight gradients, padding before or
 * after, bidirectional and stacked, on the reference kernel and on the fast kernel on cpu and wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelsError } from '../errors.js';
import { fastRecurrence } from '../fast/fast.js';
import { seeded, useBackend } from '../layers/test-backends.js';
import { referenceRecurrence } from '../recurrence/reference.js';
import { setRecurrenceKernel } from '../recurrence/select.js';
import { manyToMany } from './many-to-many.js';
import { manyToOne } from './many-to-one.js';
import { oneToMany } from './one-to-many.js';

afterAll(async () => {
  setRecurrenceKernel('default');
  await useBackend('cpu');
});

const T = 4; // real steps
const PAD = 3;
const F = 2;
const PAD_VALUE = -9;

type Where = 'post' | 'pre';
/** [batch, T + PAD, F]: the real steps of `x` with PAD steps of the pad value before or after. */
function pad(x: tf.Tensor, where: Where[]): tf.Tensor {
  return tf.tidy(() => {
    const rows = tf.unstack(x).map((row, i) => {
      const p = tf.fill([PAD, F], PAD_VALUE);
      return where[i] === 'pre' ? tf.concat([p, row]) : tf.concat([row, p]);
    });
    return tf.stack(rows);
  });
}

/** The explicit mask [batch, T + PAD] of `pad`'s layout. */
function maskOf(where: Where[]): tf.Tensor {
  const real = (w: Where) =>
    w === 'pre'
      ? [...Array(PAD).fill(0), ...Array(T).fill(1)]
      : [...Array(T).fill(1), ...Array(PAD).fill(0)];
  return tf.tensor2d(where.map(real));
}

/** Outputs (real steps only) and weight gradients of sum(outputs * weights) over real steps. */
function run(
  model: tfl.LayersModel,
  inputs: tf.Tensor | tf.Tensor[],
  realSteps: (y: tf.Tensor) => tf.Tensor,
): Float32Array[] {
  return tf.tidy(() => {
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let out: Float32Array = new Float32Array(0);
    const { grads } = tf.variableGrads(() => {
      const y = realSteps(model.apply(inputs) as tf.Tensor);
      out = y.dataSync() as Float32Array;
      const w = tf.reshape(tf.range(1, y.size + 1), y.shape);
      return tf.sum(tf.mul(y, tf.div(w, y.size))) as tf.Scalar;
    }, vars);
    return [out, ...vars.map((v) => grads[v.name]!.dataSync() as Float32Array)];
  });
}

function expectSame(a: Float32Array[], b: Float32Array[], tol: number): void {
  expect(a.length).toBe(b.length);
  for (const [i, v] of a.entries()) {
    const w = b[i]!;
    let worst = 0;
    for (let j = 0; j < v.length; j++) worst = Math.max(worst, Math.abs(v[j]! - w[j]!));
    expect(worst, `${i === 0 ? 'outputs' : `gradient ${i}`}: max |diff|`).toBeLessThan(tol);
  }
}

const KERNELS = [
  ['reference', 'cpu'],
  ['fast', 'cpu'],
  ['fast', 'wasm'],
] as const;
const CONFIGS = [
  { cell: 'lstm', layers: 2, bidirectional: false },
  { cell: 'gru', layers: 1, bidirectional: true },
  { cell: 'rnn', layers: 2, bidirectional: true },
] as const;
const LAYOUTS: Where[][] = [
  ['post', 'post'],
  ['pre', 'pre'],
  ['pre', 'post'],
];

describe.each(KERNELS)('features masks, %s kernel on %s', (kernel, backend) => {
  for (const c of CONFIGS) {
    const name = `${c.cell} x${c.layers}${c.bidirectional ? ' bidirectional' : ''}`;
    for (const how of ['maskValue', 'explicit'] as const) {
      const input =
        how === 'maskValue'
          ? ({ type: 'features', features: F, maskValue: PAD_VALUE } as const)
          : ({ type: 'features', features: F, mask: true } as const);
      const feed = (x: tf.Tensor, where: Where[] | null) =>
        how === 'maskValue' || where === null
          ? x
          : [x, where === null ? tf.ones([x.shape[0]!, T]) : maskOf(where)];
      const unpaddedFeed = (x: tf.Tensor) =>
        how === 'maskValue' ? x : [x, tf.ones([x.shape[0]!, T])];

      it(`${name}, ${how}: manyToOne, padded = unpadded (outputs, gradients)`, async () => {
        await useBackend(backend);
        setRecurrenceKernel(kernel === 'fast' ? fastRecurrence : referenceRecurrence);
        const { model } = manyToOne({
          ...c,
          units: 3,
          input,
          head: { type: 'regression' },
          seed: 5,
        });
        const x = seeded([2, T, F], 21);
        const want = run(model, unpaddedFeed(x), (y) => y);
        for (const where of LAYOUTS) {
          const xp = pad(x, where);
          expectSame(
            run(model, feed(xp, where), (y) => y),
            want,
            1e-5,
          );
          xp.dispose();
        }
        // not vacuous: padding without a mask changes the output
        const plain = manyToOne({
          ...c,
          units: 3,
          input: { type: 'features', features: F },
          head: { type: 'regression' },
          seed: 5,
        }).model;
        const xp = pad(x, ['post', 'post']);
        const unmasked = run(plain, xp, (y) => y)[0]!;
        expect(Math.abs(unmasked[0]! - want[0]![0]!)).toBeGreaterThan(1e-4);
        tf.dispose([x, xp]);
        model.dispose();
        plain.dispose();
      });

      it(`${name}, ${how}: manyToMany, the real steps' outputs and gradients do not see the padding`, async () => {
        await useBackend(backend);
        setRecurrenceKernel(kernel === 'fast' ? fastRecurrence : referenceRecurrence);
        const { model } = manyToMany({ ...c, units: 3, input, classes: 2, seed: 6 });
        const x = seeded([1, T, F], 22);
        const want = run(model, unpaddedFeed(x), (y) => y);
        for (const where of [['post'], ['pre']] as Where[][]) {
          const xp = pad(x, where);
          const from = where[0] === 'pre' ? PAD : 0;
          const real = (y: tf.Tensor) => tf.slice(y, [0, from, 0], [1, T, 2]);
          expectSame(run(model, feed(xp, where), real), want, 1e-5);
          xp.dispose();
        }
        x.dispose();
        model.dispose();
      });
    }
  }
});

describe('features mask options', () => {
  it('a non-finite maskValue, a non-boolean mask, or mask: true on oneToMany is a BAD_OPTION', () => {
    const bad = [
      () =>
        manyToOne({
          units: 2,
          input: { type: 'features', features: 1, maskValue: Number.NaN },
          head: { type: 'none' },
        }),
      () =>
        manyToOne({
          units: 2,
          input: { type: 'features', features: 1, mask: 1 as unknown as boolean },
          head: { type: 'none' },
        }),
      () =>
        oneToMany({
          units: 2,
          classes: 3,
          input: { type: 'features', features: 1, mask: true },
          condition: { type: 'features', features: 2 },
        }),
    ];
    for (const f of bad) {
      expect(f).toThrow(ModelsError);
      expect(f).toThrow(/maskValue|mask/);
    }
  });
});
