// The native engine (@rnnkit/native) against the wasm engine, run for run: outputs within 1e-5,
// gradients within 1e-4, on rnn, lstm and gru (both reset-after variants), every activation,
// reversed, without bias, dense and one-hot inputs, and shapes drawn by fast-check; the selection
// (masks stay on wasm) and the fallback when the addon cannot load.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers the gradients of tfjs-core's ops
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cell, RecurrenceInputs } from '../recurrence/contract.js';
import { manyToMany } from '../topologies/many-to-many.js';
import { fastRecurrence } from './fast.js';
import { type HeadKernels, SoftmaxHead } from './fast-head.js';
import { productsFor } from './fast-wasm.js';
import { fusedHeadLoss } from './fused-head.js';
import { recurrenceEngine, setNativeWarning, setRecurrenceEngine } from './native.js';
import {
  headKernels,
  headProducts,
  loadNativeWith,
  type NativeAddon,
  nativeFor,
} from './native-load.js';

tf.env().set('PROD', true);
const wasmDir = dirname(
  createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'),
);
setWasmPaths(`${wasmDir}/dist/`);

const GATES = { rnn: 1, lstm: 4, gru: 3 } as const;
const hasNative =
  loadNativeWith(createRequire(import.meta.url), process.env.RNNKIT_NATIVE).addon !== null;

/** Seeded uniform values in [-scale, scale] (mulberry32). */
function rand(n: number, seed: number, scale = 0.5): Float32Array {
  let a = seed >>> 0;
  return new Float32Array(n).map(() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 2 * scale;
  });
}

interface Case {
  cell: Cell;
  batch: number;
  time: number;
  features: number;
  units: number;
  resetAfter?: boolean;
  goBackwards?: boolean;
  activation?: 'tanh' | 'relu' | 'linear';
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
  noBias?: boolean;
  oneHot?: boolean;
  masked?: boolean;
  /** Keras's per-gate dropout masks on x and h (training with recurrentDropout) */
  dropout?: boolean;
}

/** Outputs and every gradient of a case on one engine, as plain arrays. */
function run(c: Case, engine: 'native' | 'wasm', seed = 1): Float32Array[] {
  setRecurrenceEngine(engine);
  return tf.tidy(() => {
    const g = GATES[c.cell] * c.units;
    const twoRows = c.cell === 'gru' && (c.resetAfter ?? true);
    const ids = Int32Array.from(
      { length: c.batch * c.time },
      (_, i) => (i * 7 + seed) % c.features,
    );
    const x = c.oneHot
      ? tf.cast(tf.oneHot(tf.tensor2d(ids, [c.batch, c.time], 'int32'), c.features), 'float32')
      : tf.tensor3d(rand(c.batch * c.time * c.features, seed, 1), [c.batch, c.time, c.features]);
    const kernel = tf.tensor2d(rand(c.features * g, seed + 1), [c.features, g]);
    const rec = tf.tensor2d(rand(c.units * g, seed + 2), [c.units, g]);
    const bias = c.noBias
      ? null
      : tf.tensor(rand(twoRows ? 2 * g : g, seed + 3), twoRows ? [2, g] : [g]);
    const h0 = tf.tensor2d(rand(c.batch * c.units, seed + 4), [c.batch, c.units]);
    const c0 = tf.tensor2d(rand(c.batch * c.units, seed + 5), [c.batch, c.units]);
    const mask = c.masked
      ? tf.tensor2d(
          rand(c.batch * c.time, seed + 6).map((v) => (v > -0.2 ? 1 : 0)),
          [c.batch, c.time],
        )
      : undefined;
    const k = GATES[c.cell];
    const keepOf = (n: number, seed: number) => rand(n, seed).map((v) => (v > -0.3 ? 1 / 0.8 : 0));
    const drop = c.dropout
      ? {
          inputDropout: tf.tensor3d(keepOf(k * c.batch * c.features, seed + 9), [
            k,
            c.batch,
            c.features,
          ]),
          recurrentDropout: tf.tensor3d(keepOf(k * c.batch * c.units, seed + 10), [
            k,
            c.batch,
            c.units,
          ]),
        }
      : {};
    const wSeq = tf.tensor3d(rand(c.batch * c.time * c.units, seed + 7, 1), [
      c.batch,
      c.time,
      c.units,
    ]);
    const wH = tf.tensor2d(rand(c.batch * c.units, seed + 8, 1), [c.batch, c.units]);
    const f = (...v: tf.Tensor[]) => {
      const [xv, kv, rv, hv] = v as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const bv = bias ? v[4] : undefined;
      const cv = v[bias ? 5 : 4] as tf.Tensor2D;
      const inputs: RecurrenceInputs = {
        cell: c.cell,
        x: xv,
        kernel: kv,
        recurrentKernel: rv,
        bias: bv ?? null,
        h0: hv,
        ...(c.cell === 'lstm' ? { c0: cv } : {}),
        ...(c.resetAfter !== undefined ? { resetAfter: c.resetAfter } : {}),
        ...(c.goBackwards ? { goBackwards: true } : {}),
        ...(c.activation ? { activation: c.activation } : {}),
        ...(c.recurrentActivation ? { recurrentActivation: c.recurrentActivation } : {}),
        ...(mask ? { mask } : {}),
        ...(c.oneHot ? { ids } : {}),
        ...drop,
      };
      const o = fastRecurrence(inputs);
      let l = tf.add(tf.sum(tf.mul(o.sequence, wSeq)), tf.sum(tf.mul(o.h, wH)));
      if (o.c) l = tf.add(l, tf.sum(tf.mul(o.c, wH)));
      return l as tf.Scalar;
    };
    const vars = [x, kernel, rec, h0, ...(bias ? [bias] : []), ...(c.cell === 'lstm' ? [c0] : [])];
    const { value, grads } = tf.valueAndGrads(f)(vars);
    const seqOut = tf.tidy(() => {
      const inputs: RecurrenceInputs = {
        cell: c.cell,
        x: x as tf.Tensor3D,
        kernel: kernel as tf.Tensor2D,
        recurrentKernel: rec as tf.Tensor2D,
        bias,
        h0: h0 as tf.Tensor2D,
        ...(c.cell === 'lstm' ? { c0: c0 as tf.Tensor2D } : {}),
        ...(c.resetAfter !== undefined ? { resetAfter: c.resetAfter } : {}),
        ...(c.goBackwards ? { goBackwards: true } : {}),
        ...(c.activation ? { activation: c.activation } : {}),
        ...(c.recurrentActivation ? { recurrentActivation: c.recurrentActivation } : {}),
        ...(mask ? { mask } : {}),
        ...drop,
      };
      return fastRecurrence(inputs).sequence;
    });
    const outs = [seqOut, value, ...grads].map((t) => t.dataSync() as Float32Array);
    // the one-hot x's gradient is not asked for by a user (ids): compare the others
    return c.oneHot ? [outs[0] as Float32Array, outs[1] as Float32Array, ...outs.slice(3)] : outs;
  });
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** Native against wasm: the sequence within 1e-5, every gradient within 1e-4 (relative to 1). */
function expectSame(c: Case, seed = 1): void {
  const nat = run(c, 'native', seed);
  const wasm = run(c, 'wasm', seed);
  expect(maxAbs(nat[0] as Float32Array, wasm[0] as Float32Array)).toBeLessThan(1e-5);
  for (let i = 2; i < nat.length; i++) {
    const scale = Math.max(1, ...Array.from(wasm[i] as Float32Array, Math.abs));
    expect(maxAbs(nat[i] as Float32Array, wasm[i] as Float32Array) / scale).toBeLessThan(1e-4);
  }
}

/**
 * The fused softmax head of `rows` rows on the native kernels (`headProducts`, which must carry
 * them) against the wasm engine's JS loops: loss within 1e-5, gradients within 1e-4 (relative to
 * the largest). Every seventh label is out of range (a row with no label).
 */
function expectSameHead(rows: number, units: number, classes: number, seed: number, bias = true) {
  const h = rand(rows * units, seed, 1);
  const data = {
    w: rand(units * classes, seed + 1),
    b: bias ? rand(classes, seed + 2) : null,
    classes,
    labels: Int32Array.from({ length: rows }, (_, r) =>
      r % 7 === 3 ? classes : (r * 5) % classes,
    ),
  };
  const native = headProducts(tf.backend());
  expect(native.head).toBeDefined();
  const heads = [native, productsFor(tf.backend())].map((mm) => {
    const head = new SoftmaxHead(data, h.slice(), rows, units, mm);
    const loss = head.forward();
    const g = head.backward(0.37 / rows);
    return { loss, g, dh: (head.dh as Float32Array).slice() };
  });
  const [nat, wasm] = heads as [(typeof heads)[0], (typeof heads)[0]];
  expect(Math.abs(nat.loss - wasm.loss) / Math.max(1, Math.abs(wasm.loss))).toBeLessThan(1e-5);
  for (const [a, b] of [
    [nat.g.w, wasm.g.w],
    [nat.g.b, wasm.g.b],
    [nat.dh, wasm.dh],
  ] as [Float32Array, Float32Array][]) {
    expect(a.length).toBe(b.length);
    const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-3);
    expect(maxAbs(a, b) / scale).toBeLessThan(1e-4);
  }
}

describe.runIf(hasNative)('native engine against wasm', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
  });
  afterAll(() => setRecurrenceEngine('auto'));

  const base = { batch: 5, time: 7, features: 6, units: 9 };
  const cases: [string, Case][] = [
    ['rnn', { cell: 'rnn', ...base }],
    ['lstm', { cell: 'lstm', ...base }],
    ['gru resetAfter', { cell: 'gru', ...base, resetAfter: true }],
    ['gru resetAfter false', { cell: 'gru', ...base, resetAfter: false }],
    ['lstm reversed, no bias', { cell: 'lstm', ...base, goBackwards: true, noBias: true }],
    [
      'gru relu, hard sigmoid',
      { cell: 'gru', ...base, activation: 'relu', recurrentActivation: 'hardSigmoid' },
    ],
    [
      'gru resetAfter false, linear, reversed',
      { cell: 'gru', ...base, resetAfter: false, activation: 'linear', goBackwards: true },
    ],
    [
      'lstm relu, hard sigmoid',
      { cell: 'lstm', ...base, activation: 'relu', recurrentActivation: 'hardSigmoid' },
    ],
    ['rnn linear', { cell: 'rnn', ...base, activation: 'linear' }],
    ['lstm one-hot ids', { cell: 'lstm', ...base, features: 20, oneHot: true }],
    ['gru one-hot ids', { cell: 'gru', ...base, features: 20, oneHot: true, resetAfter: false }],
    [
      'lstm W1-like (32 x 16, 64 units)',
      { cell: 'lstm', batch: 32, time: 16, features: 20, units: 64, oneHot: true },
    ],
    ['gru wide (40 units, 2 rows)', { cell: 'gru', batch: 2, time: 3, features: 33, units: 40 }],
  ];
  for (const [name, c] of cases) {
    it(`${name}: same outputs and gradients`, () => {
      expectSame(c);
    });
  }

  it('same numbers over random shapes (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Cell>('rnn', 'lstm', 'gru'),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 37 }),
        fc.boolean(),
        fc.boolean(),
        (cell, batch, time, features, units, resetAfter, goBackwards) => {
          expectSame(
            { cell, batch, time, features, units, resetAfter, goBackwards },
            batch * 31 + units,
          );
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });

  it('the fused softmax head: same loss and gradients on the addon (W1: 2048 x 256, 65 classes)', () => {
    setRecurrenceEngine('auto');
    expectSameHead(2048, 256, 65, 11); // both threads
    expectSameHead(3, 5, 4, 12, false); // one thread, no bias
  });

  it('the fused softmax head over random shapes (fast-check)', () => {
    setRecurrenceEngine('auto');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 90 }),
        fc.boolean(),
        (rows, units, classes, bias) => expectSameHead(rows, units, classes, rows + units, bias),
      ),
      { numRuns: 30, seed: 25 },
    );
  });

  it('the head kernels reject arrays shorter than their sizes', () => {
    setRecurrenceEngine('auto');
    const head = headKernels(nativeFor(false) as NativeAddon) as HeadKernels;
    const [rows, units, classes] = [2, 3, 4];
    const h = new Float32Array(rows * units);
    const w = new Float32Array(units * classes);
    const labels = new Int32Array(rows);
    expect(() =>
      head.forward(h, w, null, labels, new Float32Array(7), rows, units, classes),
    ).toThrow(/e has 7 values, expected at least 8/);
    expect(() =>
      head.forward(h, w, null, new Int32Array(1), new Float32Array(8), rows, units, classes),
    ).toThrow(/labels has 1 values/);
    const e = new Float32Array(rows * classes);
    expect(() =>
      head.backward(
        h,
        w,
        e,
        labels,
        new Float32Array(6),
        new Float32Array(11),
        new Float32Array(4),
        rows,
        units,
        classes,
        1,
      ),
    ).toThrow(/dw has 11 values, expected at least 12/);
  });

  it('every micro-kernel (AVX-512, AVX2, portable) gives the same numbers', () => {
    setRecurrenceEngine('auto');
    const addon = nativeFor(false) as unknown as {
      setIsa(n: string): boolean;
      info(): { isa: string };
    };
    const first = addon.info().isa;
    const c: Case = { cell: 'lstm', batch: 9, time: 5, features: 11, units: 35 };
    try {
      for (const isa of ['avx512', 'avx2', 'generic']) {
        if (!addon.setIsa(isa)) continue;
        expect(addon.info().isa).toBe(isa);
        expectSame(c, 3);
      }
    } finally {
      addon.setIsa(first);
    }
  });

  it('runs with a mask or dropout masks stay on the wasm engine, with the wasm numbers', () => {
    setRecurrenceEngine('native');
    expect(nativeFor(true)).toBeNull();
    expect(nativeFor(false)).not.toBeNull();
    for (const c of [
      { cell: 'lstm', ...base, masked: true },
      { cell: 'gru', ...base, dropout: true },
    ] as Case[]) {
      const nat = run(c, 'native');
      const wasm = run(c, 'wasm');
      for (let i = 0; i < nat.length; i++)
        expect(maxAbs(nat[i] as Float32Array, wasm[i] as Float32Array)).toBe(0);
    }
  });

  it('takes the fused softmax head: computed on its own outputs, its backward run ahead; the wasm numbers, a scaled loss rescaled', () => {
    // the offer, as fused-head.ts makes it: the native run takes it (a wasm run of one thread does not)
    const [batch, time, features, units, classes] = [3, 5, 7, 6, 9];
    const offerFor = () => ({
      data: {
        w: rand(units * classes, 3),
        b: rand(classes, 4),
        classes,
        labels: Int32Array.from({ length: batch * time }, (_, i) => (i * 4) % (classes + 1)),
      },
      taken: null,
    });
    for (const engine of ['native', 'wasm'] as const) {
      setRecurrenceEngine(engine);
      const offer = offerFor();
      tf.tidy(() => {
        fastRecurrence({
          cell: 'lstm',
          x: tf.tensor3d(rand(batch * time * features, 1), [batch, time, features]),
          kernel: tf.tensor2d(rand(features * 4 * units, 2), [features, 4 * units]),
          recurrentKernel: tf.tensor2d(rand(units * 4 * units, 5), [units, 4 * units]),
          bias: null,
          h0: tf.zeros([batch, units]),
          head: offer,
        });
      });
      expect(offer.taken !== null).toBe(engine === 'native');
    }
    // the trainer's use: loss and every gradient through fusedHeadLoss, the loss scaled or not
    const input = { type: 'oneHot', vocabSize: 11 } as const;
    const { model } = manyToMany({ cell: 'lstm', units: 16, classes: 11, input, seed: 4 });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const fused = fusedHeadLoss(model, 'sparseCategoricalCrossentropy')!;
    const ids = (seed: number) =>
      tf.tensor2d(
        Int32Array.from({ length: 4 * 9 }, (_, i) => (i * 5 + seed) % 11),
        [4, 9],
        'int32',
      );
    const [x, y] = [ids(1), ids(2)];
    const lossAndGrads = (engine: 'native' | 'wasm', factor: number) => {
      setRecurrenceEngine(engine);
      const r = tf.variableGrads(() => {
        const loss = fused(x, y, undefined, true, () => {
          throw new Error('the batch fits the fused form');
        });
        return factor === 1 ? loss : tf.mul(loss, factor);
      }, vars);
      const out = {
        loss: r.value.dataSync()[0] as number,
        grads: vars.map((v) => r.grads[v.name]!.dataSync() as Float32Array),
      };
      tf.dispose([r.value, ...Object.values(r.grads)]);
      return out;
    };
    const before = tf.memory().numTensors;
    for (const factor of [1, 2.5]) {
      const nat = lossAndGrads('native', factor);
      const wasm = lossAndGrads('wasm', factor);
      expect(Math.abs(nat.loss - wasm.loss)).toBeLessThan(1e-5);
      nat.grads.forEach((g, i) => {
        const want = wasm.grads[i] as Float32Array;
        const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-3);
        expect(maxAbs(g, want) / scale).toBeLessThan(1e-4);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
    setRecurrenceEngine('auto');
  });

  it('reports the engine, and leaks no tensor', () => {
    setRecurrenceEngine('auto');
    const status = recurrenceEngine();
    expect(status.engine).toBe('native');
    expect(['avx512', 'avx2', 'generic']).toContain(status.isa);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run({ cell: 'gru', ...base }, 'native', i);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('without the addon', () => {
  it('says why once, and the kernel runs on wasm with the wasm numbers', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    const missing = loadNativeWith((id) => {
      if (id !== '@rnnkit/native') throw new Error(id);
      return { loadNative: () => ({ addon: null, abi: 1, reason: 'no binary for linux-x64' }) };
    });
    expect(missing).toEqual({ addon: null, reason: 'no binary for linux-x64', warn: true });
    const absent = loadNativeWith(() => {
      throw Object.assign(new Error('not found'), { code: 'MODULE_NOT_FOUND' });
    });
    expect(absent.warn).toBe(false);
    expect(loadNativeWith(createRequire(import.meta.url), '0').reason).toBe('RNNKIT_NATIVE=0');
    expect(loadNativeWith(undefined).reason).toBe('not in Node');
    // an addon built before the head's kernels: the head keeps its JS loops
    expect(headKernels({} as NativeAddon)).toBeNull();
    const stale = loadNativeWith(() => ({ loadNative: () => ({ addon: {}, abi: 99 }) }));
    expect(stale.reason).toMatch(/binding version 99/);
    setNativeWarning(() => {});
    setRecurrenceEngine('wasm');
    expect(recurrenceEngine().engine).toBe('wasm');
    expect(nativeFor(false)).toBeNull();
    setRecurrenceEngine('auto');
  });
});
