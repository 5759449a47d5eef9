import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fastRecurrence } from '../fast/fast.js';
import * as reference from '../recurrence/reference.js';
import { setRecurrenceKernel } from '../recurrence/select.js';
import { CELLS, maxDiff, useCpu } from '../test-helpers.js';
import { manyToOne } from '../topologies/many-to-one.js';
import { customObjects } from './custom-objects.js';
import { recurrentLayer } from './recurrent-layer.js';
import { BACKENDS, seeded, useBackend } from './test-backends.js';

// The reference kernel as a spy (the same function): training with dropout on the default kernel
// must not fall back to it.
vi.mock('../recurrence/reference.js', async (original) => {
  const mod = await original<typeof import('../recurrence/reference.js')>();
  return { ...mod, referenceRecurrence: vi.fn(mod.referenceRecurrence) };
});
const referenceRecurrence = reference.referenceRecurrence as ReturnType<
  typeof vi.fn<typeof reference.referenceRecurrence>
>;

beforeAll(useCpu);
afterEach(() => setRecurrenceKernel('default'));

/** Output and weight gradients of sum(model(x) * w) in training mode (dropout on). */
function trainingPass(
  model: tfl.LayersModel,
  x: tf.Tensor,
): { y: Float32Array; g: Float32Array[] } {
  return tf.tidy(() => {
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let y: Float32Array = new Float32Array(0);
    const { grads } = tf.variableGrads(() => {
      const out = model.apply(x, { training: true }) as tf.Tensor;
      y = out.dataSync() as Float32Array;
      return tf.sum(tf.mul(out, tf.reshape(tf.range(1, out.size + 1), out.shape))) as tf.Scalar;
    }, vars);
    return { y, g: vars.map((v) => grads[v.name]!.dataSync() as Float32Array) };
  });
}

const net = (
  cell: (typeof CELLS)[number],
  rates: { inputDropout?: number; recurrentDropout?: number },
  more: Partial<Parameters<typeof manyToOne>[0]> = {},
) =>
  manyToOne({
    cell,
    units: 5,
    layers: 2,
    input: { type: 'features', features: 3 },
    head: { type: 'regression' },
    seed: 3,
    ...rates,
    ...more,
  }).model;

/** The loss history of a seeded fit (no shuffling: the masks meet the same rows every run). */
async function fitLosses(model: tfl.LayersModel, x: tf.Tensor, epochs: number): Promise<number[]> {
  const y = tf.tidy(() => {
    const [batch, , features] = x.shape as number[];
    return tf.reshape(tf.sum(tf.slice(x, [0, 3, 0], [batch!, 3, features!]), [1, 2]), [batch!, 1]);
  });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  const h = await model.fit(x, y, { epochs, batchSize: 32, verbose: 0, shuffle: false });
  y.dispose();
  return h.history.loss as number[];
}

describe('recurrent dropout (Keras semantics)', () => {
  it('with rates 0 the outputs and gradients are unchanged to the bit (fast kernel, cpu and wasm)', async () => {
    for (const backend of BACKENDS) {
      await useBackend(backend);
      const x = seeded([4, 6, 3], 7);
      for (const cell of CELLS) {
        const plain = trainingPass(net(cell, {}), x);
        const zero = trainingPass(net(cell, { inputDropout: 0, recurrentDropout: 0 }), x);
        expect(zero.y).toEqual(plain.y);
        for (const [i, g] of zero.g.entries()) expect(g).toEqual(plain.g[i]);
      }
      x.dispose();
    }
    await useCpu();
  });

  it('is off at inference and on (seeded, a new draw each call) in training', () => {
    const x = seeded([4, 6, 3], 7);
    for (const cell of CELLS) {
      const rates = { inputDropout: 0.3, recurrentDropout: 0.3 };
      const plain = net(cell, {});
      const dropped = net(cell, rates);
      const infer = (m: tfl.LayersModel) =>
        tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync() as Float32Array);
      expect(infer(dropped)).toEqual(infer(plain));
      const first = trainingPass(dropped, x).y;
      const second = trainingPass(dropped, x).y;
      expect(Array.from(first)).not.toEqual(Array.from(infer(plain)));
      expect(Array.from(second)).not.toEqual(Array.from(first)); // the next masks
      // the same seed draws the same masks: a fresh model repeats the first call
      expect(trainingPass(net(cell, rates), x).y).toEqual(first);
    }
    x.dispose();
  });

  it('gives the same outputs and gradients on the fast and the reference kernel', () => {
    const x = seeded([3, 5, 3], 11);
    // stacked (2 layers), one way and both ways, GRU with either reset placement
    const shapes = [{}, { bidirectional: true }, { bidirectional: true, resetAfter: false }];
    for (const cell of CELLS) {
      for (const rates of [{ inputDropout: 0.4 }, { inputDropout: 0.4, recurrentDropout: 0.25 }]) {
        for (const more of cell === 'gru' ? shapes : shapes.slice(0, 2)) {
          setRecurrenceKernel(fastRecurrence);
          const calls = referenceRecurrence.mock.calls.length;
          const fast = trainingPass(net(cell, rates, more), x);
          expect(referenceRecurrence.mock.calls.length, 'the fast kernel fell back').toBe(calls);
          setRecurrenceKernel('reference');
          const ref = trainingPass(net(cell, rates, more), x);
          tf.tidy(() => {
            expect(maxDiff(tf.tensor(fast.y), tf.tensor(ref.y))).toBeLessThan(1e-5);
            for (const [i, g] of fast.g.entries()) {
              expect(maxDiff(tf.tensor(g), tf.tensor(ref.g[i]!))).toBeLessThan(1e-4);
            }
          });
        }
      }
    }
    x.dispose();
  });

  it('with padded sequences (maskZero ids), the same numbers on both kernels', () => {
    // ids [batch, time], 0 = padding: pre-padded, post-padded and whole rows
    const ids = tf.tensor2d(
      [
        [0, 0, 3, 1, 2],
        [4, 2, 1, 0, 0],
        [1, 2, 3, 4, 1],
      ],
      undefined,
      'int32',
    );
    const input = { type: 'embedding', vocabSize: 5, dims: 3, maskZero: true } as const;
    for (const cell of CELLS) {
      const rates = { inputDropout: 0.3, recurrentDropout: 0.3 };
      setRecurrenceKernel(fastRecurrence);
      const fast = trainingPass(net(cell, rates, { input, bidirectional: true }), ids);
      setRecurrenceKernel('reference');
      const ref = trainingPass(net(cell, rates, { input, bidirectional: true }), ids);
      tf.tidy(() => {
        expect(maxDiff(tf.tensor(fast.y), tf.tensor(ref.y))).toBeLessThan(1e-5);
        for (const [i, g] of fast.g.entries()) {
          expect(maxDiff(tf.tensor(g), tf.tensor(ref.g[i]!))).toBeLessThan(1e-4);
        }
      });
    }
    ids.dispose();
  });

  it('a seeded fit gives the same losses whichever kernel ran (masks drawn from the seed)', async () => {
    const x = seeded([32, 6, 3], 5);
    const rates = { inputDropout: 0.2, recurrentDropout: 0.3 };
    const more = { bidirectional: true, resetAfter: false };
    setRecurrenceKernel('default');
    const fast = await fitLosses(net('gru', rates, more), x, 6);
    setRecurrenceKernel('reference');
    const ref = await fitLosses(net('gru', rates, more), x, 6);
    for (const [i, loss] of fast.entries()) expect(Math.abs(loss - ref[i]!)).toBeLessThan(1e-5);
    x.dispose();
  });

  it('scales h_{t-1} in the recurrent product only, one mask per gate (rnn, by hand)', () => {
    tf.tidy(() => {
      const x = seeded([2, 3, 2], 1);
      const kernel = seeded([2, 3], 2) as tf.Tensor2D;
      const R = seeded([3, 3], 3) as tf.Tensor2D;
      const m = tf.tensor3d([
        [
          [2, 0, 2],
          [0, 2, 2],
        ],
      ]); // [1 gate, batch 2, units 3], rate 0.5
      const inMask = tf.tensor3d([
        [
          [0, 2],
          [2, 2],
        ],
      ]);
      const inputs = {
        cell: 'rnn',
        x: x as tf.Tensor3D,
        kernel,
        recurrentKernel: R,
        bias: null,
        h0: tf.zeros([2, 3]) as tf.Tensor2D,
        recurrentDropout: m,
        inputDropout: inMask,
      } as const;
      const out = referenceRecurrence(inputs);
      let h = tf.zeros([2, 3]) as tf.Tensor2D;
      const xm = tf.mul(x, tf.reshape(inMask, [2, 1, 2]));
      for (let t = 0; t < 3; t++) {
        const xt = tf.reshape(tf.slice(xm, [0, t, 0], [2, 1, 2]), [2, 2]) as tf.Tensor2D;
        const hm = tf.mul(h, tf.reshape(m, [2, 3])) as tf.Tensor2D;
        h = tf.tanh(tf.add(tf.matMul(xt, kernel), tf.matMul(hm, R))) as tf.Tensor2D;
      }
      expect(maxDiff(out.h, h)).toBeLessThan(1e-6);
      // the fast kernel runs the per-gate masks itself: the same numbers
      const fast = fastRecurrence(inputs);
      expect(maxDiff(fast.h, h)).toBeLessThan(1e-6);
    });
  });

  it('trains on the default (fast) kernel: the loss falls with dropout 0.2 and recurrentDropout 0.2', async () => {
    const model = net('lstm', { inputDropout: 0.2, recurrentDropout: 0.2 });
    const x = seeded([32, 6, 3], 5);
    const calls = referenceRecurrence.mock.calls.length;
    const loss = await fitLosses(model, x, 60);
    expect(referenceRecurrence.mock.calls.length, 'the default kernel fell back').toBe(calls);
    expect(loss[loss.length - 1]!).toBeLessThan(loss[0]! * 0.5);
    x.dispose();
    model.dispose();
  });

  it('leaves no tensors behind in training calls on the default kernel (cpu and wasm)', async () => {
    for (const backend of BACKENDS) {
      await useBackend(backend);
      const x = seeded([4, 6, 3], 2);
      for (const cell of CELLS) {
        const model = net(
          cell,
          { inputDropout: 0.3, recurrentDropout: 0.3 },
          { bidirectional: true },
        );
        trainingPass(model, x); // builds what the first call builds
        const before = tf.memory().numTensors;
        for (let i = 0; i < 3; i++) trainingPass(model, x);
        expect(tf.memory().numTensors).toBe(before);
        model.dispose();
      }
      x.dispose();
    }
    await useCpu();
  });

  it('saves dropout, recurrentDropout and seed in the config and loads them back', () => {
    const model = net('gru', { inputDropout: 0.25, recurrentDropout: 0.5 });
    const layer = model.getLayer('rnn_1');
    const config = layer.getConfig();
    expect(config).toMatchObject({ dropout: 0.25, recurrentDropout: 0.5 });
    expect(typeof config.seed).toBe('number');
    const json = model.toJSON(null, false) as unknown as tf.io.ModelJSON['modelTopology'];
    const back = tfl.models.modelFromJSON(
      { modelTopology: json } as tf.io.ModelJSON,
      customObjects() as never,
    );
    return back.then((m) => {
      expect(m.getLayer('rnn_1').getConfig()).toMatchObject({
        dropout: 0.25,
        recurrentDropout: 0.5,
        seed: config.seed,
      });
    });
  });

  it('a rate outside [0, 1) is a BAD_OPTION saying what it expected', () => {
    for (const bad of [-0.1, 1, 1.5, Number.NaN]) {
      expect(() => net('lstm', { recurrentDropout: bad })).toThrow(
        /recurrentDropout must be in \[0, 1\)/,
      );
      expect(() => net('lstm', { inputDropout: bad })).toThrow(/inputDropout must be in \[0, 1\)/);
      expect(() =>
        recurrentLayer({ cell: 'gru', units: 2, returnSequences: false, name: 'g', dropout: bad }),
      ).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    }
  });
});
