import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceRecurrence } from '../recurrence/reference.js';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';
import {
  BACKENDS,
  type CellName,
  expectClose,
  seeded,
  stockLayer,
  useBackend,
} from './test-backends.js';

const zeros = { kernelInitializer: 'zeros', recurrentInitializer: 'zeros' } as const;

function ours(cell: CellName, units: number, extra: Record<string, unknown> = {}) {
  const args = { units, ...zeros, ...extra };
  if (cell === 'rnn') return new SimpleRNN(args);
  if (cell === 'lstm') return new LSTM(args);
  return new GRU({ resetAfter: false, ...args });
}

describe.each(BACKENDS)('rnnkit recurrent layers on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('GRU resetAfter: layer gradients (x, h0, kernel, recurrent kernel, [2, 3u] bias) equal the reference kernel’s', () => {
    const [B, T, F, U] = [2, 4, 3, 5];
    const layer = new GRU({ units: U, returnSequences: true, ...zeros });
    const x = seeded([B, T, F], 1, 1);
    const h0 = seeded([B, U], 2);
    tf.dispose(layer.apply(x) as tf.Tensor);
    const w = [seeded([F, 3 * U], 3), seeded([U, 3 * U], 4), seeded([2, 3 * U], 5)];
    layer.setWeights(w);
    const proj = seeded([B, T, U], 6);
    const before = tf.memory().numTensors;
    const xv = tf.variable(x);
    const hv = tf.variable(h0);
    const vars = [xv, hv, ...layer.trainableWeights.map((v) => v.read() as tf.Variable)];
    const got = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply(xv, { initialState: [hv] }) as tf.Tensor, proj)) as tf.Scalar,
      vars,
    );
    const want = tf.grads((xa, ha, k, r, b) =>
      tf.sum(
        tf.mul(
          referenceRecurrence({
            cell: 'gru',
            x: xa as tf.Tensor3D,
            h0: ha as tf.Tensor2D,
            kernel: k as tf.Tensor2D,
            recurrentKernel: r as tf.Tensor2D,
            bias: b as tf.Tensor,
            resetAfter: true,
          }).sequence,
          proj,
        ),
      ),
    )([x, h0, ...w]);
    expectClose(
      vars.map((v) => got.grads[v.name] as tf.Tensor),
      want,
      1e-4,
    );
    tf.dispose([got.value, ...Object.values(got.grads), ...want, xv, hv]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, h0, proj, ...w]);
    layer.dispose();
  });

  it.each(['rnn', 'lstm', 'gru'] as const)(
    '%s: a Masking layer masks the all-zero steps, as in stock tfjs',
    (cell) => {
      const [T, F, U] = [5, 3, 4];
      const build = (rec: tfl.layers.Layer) => {
        const model = tfl.sequential({
          layers: [tfl.layers.masking({ maskValue: 0, inputShape: [T, F] }), rec],
        });
        const k = { rnn: 1, lstm: 4, gru: 3 }[cell];
        const w = [seeded([F, k * U], 10), seeded([U, k * U], 11), seeded([k * U], 12)];
        rec.setWeights(w);
        tf.dispose(w);
        return model;
      };
      const a = build(ours(cell, U, { returnSequences: true }));
      const b = build(stockLayer(cell, { units: U, returnSequences: true }));
      // sample 1 has steps 0 and 3 zeroed (masked)
      const x = tf.tidy(() => {
        const m = tf.tensor3d([1, 1, 1, 1, 1, 0, 1, 1, 0, 1], [2, T, 1]);
        return tf.mul(seeded([2, T, F], 13, 1), m);
      });
      const got = a.predict(x) as tf.Tensor;
      const want = b.predict(x) as tf.Tensor;
      expectClose(got, want, 1e-5);
      tf.dispose([x, got, want]);
      a.dispose();
      b.dispose();
    },
  );
});

describe('default initializers', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(['rnn', 'lstm', 'gru'] as const)(
    '%s: builds with the stock defaults (orthogonal recurrent kernel) on tfjs-core alone',
    (cell) => {
      const units = 6;
      const layer =
        cell === 'rnn'
          ? new SimpleRNN({ units })
          : cell === 'lstm'
            ? new LSTM({ units })
            : new GRU({ units, recurrentInitializer: 'orthogonal' });
      const x = tf.ones([1, 2, 3]);
      tf.dispose(layer.apply(x) as tf.Tensor);
      const r = layer.getWeights()[1] as tf.Tensor2D; // the layer's own variable: not disposed
      const gram = tf.matMul(r, r, false, true); // rows orthonormal: R R^T = I
      const eye = tf.eye(units);
      expect(tf.max(tf.abs(tf.sub(gram, eye))).dataSync()[0]).toBeLessThan(1e-5);
      const init = layer.getConfig().recurrentInitializer as { className: string };
      expect(init.className).toBe('Orthogonal'); // saved as stock
      tf.dispose([x, gram, eye]);
      layer.dispose();
    },
  );
});

describe('layers in functional models', () => {
  beforeAll(() => useBackend('cpu'));

  it('two stacked layers with initial states from model inputs predict and train (own call options)', async () => {
    const x = tfl.input({ shape: [3, 2] });
    const h1 = tfl.input({ shape: [4] });
    const h2 = tfl.input({ shape: [4] });
    const c2 = tfl.input({ shape: [4] });
    const first = new GRU({ units: 4, returnSequences: true, ...zeros });
    const second = new LSTM({ units: 4, ...zeros });
    const seq = first.apply(x, { initialState: [h1] }) as tfl.SymbolicTensor;
    const y = second.apply(seq, { initialState: [h2, c2] }) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [x, h1, h2, c2], outputs: y });
    const feeds = [
      tf.ones([2, 3, 2]),
      tf.fill([2, 4], 0.1),
      tf.fill([2, 4], 0.2),
      tf.fill([2, 4], 0.3),
    ];
    const out = model.predict(feeds) as tf.Tensor;
    expect(out.shape).toEqual([2, 4]);
    // zero weights: the LSTM keeps sigma(0) * c0 + ... so the state inputs reach the output
    expect(out.dataSync()[0]).not.toBe(0);
    // training hands one options object to every layer: stock RNN layers throw here ("When
    // inputs is an array, neither initialState or constants should be provided")
    model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    const target = tf.ones([2, 4]);
    const loss = await model.trainOnBatch(feeds, target);
    expect(Number.isFinite(loss as number)).toBe(true);
    tf.dispose([...feeds, out, target]);
    model.dispose();
  });
});

describe('properties of the reference recurrence', () => {
  beforeAll(() => useBackend('cpu'));

  const cellArb = fc.constantFrom<CellName>('rnn', 'lstm', 'gru');

  it('trailing masked steps leave the final state of the unpadded sequence', () => {
    fc.assert(
      fc.property(
        cellArb,
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(1000),
        (cell, resetAfter, time, pad, units, seed) => {
          const k = { rnn: 1, lstm: 4, gru: 3 }[cell];
          const twoRows = cell === 'gru' && resetAfter;
          tf.tidy(() => {
            const F = 2;
            const x = seeded([1, time + pad, F], seed, 1) as tf.Tensor3D;
            const common = {
              cell,
              kernel: seeded([F, k * units], seed + 1) as tf.Tensor2D,
              recurrentKernel: seeded([units, k * units], seed + 2) as tf.Tensor2D,
              bias: seeded(twoRows ? [2, k * units] : [k * units], seed + 3),
              h0: seeded([1, units], seed + 4) as tf.Tensor2D,
              c0: seeded([1, units], seed + 5) as tf.Tensor2D,
              resetAfter,
            };
            const mask = tf.tensor2d(
              [Array.from({ length: time + pad }, (_, t) => (t < time ? 1 : 0))],
              [1, time + pad],
            );
            const padded = referenceRecurrence({ ...common, x, mask });
            const plain = referenceRecurrence({
              ...common,
              x: tf.slice(x, [0, 0, 0], [1, time, F]) as tf.Tensor3D,
            });
            expectClose(padded.h, plain.h, 1e-6);
            if (cell === 'lstm') expectClose(padded.c as tf.Tensor, plain.c as tf.Tensor, 1e-6);
          });
        },
      ),
      { numRuns: 30, seed: 5 },
    );
  });

  it('matches stock tfjs-layers for any small shape', () => {
    fc.assert(
      fc.property(
        cellArb,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.nat(1000),
        (cell, batch, time, features, units, goBackwards, seed) => {
          const k = { rnn: 1, lstm: 4, gru: 3 }[cell];
          const layer = stockLayer(cell, { units, returnSequences: true, goBackwards });
          const x = seeded([batch, time, features], seed, 1) as tf.Tensor3D;
          tf.dispose(layer.apply(x) as tf.Tensor);
          const w = [
            seeded([features, k * units], seed + 1),
            seeded([units, k * units], seed + 2),
            seeded([k * units], seed + 3),
          ];
          layer.setWeights(w);
          const want = layer.apply(x) as tf.Tensor;
          const got = referenceRecurrence({
            cell,
            x,
            kernel: w[0] as tf.Tensor2D,
            recurrentKernel: w[1] as tf.Tensor2D,
            bias: w[2] as tf.Tensor,
            h0: tf.zeros([batch, units]),
            resetAfter: false,
            goBackwards,
          });
          expectClose(got.sequence, want, 1e-5);
          tf.dispose([x, ...w, want, got.sequence, got.h, ...(got.c ? [got.c] : [])]);
          layer.dispose();
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });
});

describe('zeroOutputForMask (Keras zero_output_for_mask)', () => {
  beforeAll(() => useBackend('cpu'));

  it('zeroes the masked steps of the sequence, in processing order, and leaves the rest', () => {
    for (const goBackwards of [false, true]) {
      const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 3);
      const mask = tf.tensor2d([
        [1, 1, 0, 0],
        [0, 1, 1, 1],
      ]);
      const plain = new LSTM({ units: 2, returnSequences: true, goBackwards });
      const zeroed = new LSTM({
        units: 2,
        returnSequences: true,
        goBackwards,
        zeroOutputForMask: true,
      });
      plain.build([2, 4, 3]);
      zeroed.build([2, 4, 3]);
      zeroed.setWeights(plain.getWeights());
      const a = (plain.call(x, { mask }) as tf.Tensor).arraySync() as number[][][];
      const b = (zeroed.call(x, { mask }) as tf.Tensor).arraySync() as number[][][];
      const m = mask.arraySync();
      for (let i = 0; i < 2; i++) {
        for (let t = 0; t < 4; t++) {
          const real = m[i]![goBackwards ? 3 - t : t] === 1;
          expect(b[i]![t]!.map((v) => v + 0)).toEqual(real ? a[i]![t] : [0, 0]); // -0 -> 0
        }
      }
      expect(zeroed.getConfig()['zeroOutputForMask']).toBe(true);
      expect(plain.getConfig()['zeroOutputForMask']).toBeUndefined();
      tf.dispose([x, mask]);
    }
  });
});

describe('ignoreMask (Keras 3 runs a layer given initial_state unmasked)', () => {
  beforeAll(() => useBackend('cpu'));

  it('gives the unmasked result and no output mask, whatever mask it is passed', () => {
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5);
    const h0 = tf.randomNormal([2, 2], 0, 1, 'float32', 6);
    const c0 = tf.randomNormal([2, 2], 0, 1, 'float32', 7);
    const mask = tf.tensor2d([
      [1, 1, 0, 0],
      [0, 1, 1, 1],
    ]);
    const plain = new LSTM({ units: 2, returnSequences: true, returnState: true });
    const ignoring = new LSTM({
      units: 2,
      returnSequences: true,
      returnState: true,
      ignoreMask: true,
    });
    plain.build([2, 4, 3]);
    ignoring.build([2, 4, 3]);
    ignoring.setWeights(plain.getWeights());
    const before = tf.memory().numTensors;
    const initialState = [h0, c0];
    const unmasked = plain.call(x, { initialState }) as tf.Tensor[];
    const masked = plain.call(x, { initialState, mask }) as tf.Tensor[];
    const got = ignoring.call(x, { initialState, mask }) as tf.Tensor[];
    got.forEach((t, i) => {
      expect(t.arraySync()).toEqual(unmasked[i]!.arraySync());
    });
    // the mask does change the plain layer's result, so the test can tell them apart
    expect(masked[0]!.arraySync()).not.toEqual(unmasked[0]!.arraySync());
    const outputMasks = ignoring.computeMask(x, mask) as (tf.Tensor | null)[];
    expect(outputMasks.every((m) => m == null)).toBe(true);
    expect((plain.computeMask(x, mask) as tf.Tensor[])[0]).toBe(mask);
    tf.dispose([...unmasked, ...masked, ...got]);
    expect(tf.memory().numTensors).toBe(before);
    expect(ignoring.getConfig()['ignoreMask']).toBe(true);
    expect(plain.getConfig()['ignoreMask']).toBeUndefined();
    const back = LSTM.fromConfig(LSTM, ignoring.getConfig()) as LSTM;
    expect(back.ignoreMask).toBe(true);
    tf.dispose([x, h0, c0, mask]);
  });
});
