import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seeded, useBackend } from '../layers/test-backends.js';
import type { Cell, RecurrenceInputs, RecurrenceOutputs } from '../recurrence/contract.js';
import * as reference from '../recurrence/reference.js';
import { batchFor } from '../test-helpers.js';
import { manyToMany } from '../topologies/many-to-many.js';
import { fastRecurrence } from './fast.js';
import { fusedHeadLoss } from './fused-head.js';
import { recurrencePlan, runHalvesInline, setRecurrenceThreads } from './pool.js';

// The reference kernel as a spy (the same function): the fast kernel must not hand it a dropout run.
vi.mock('../recurrence/reference.js', async (original) => {
  const mod = await original<typeof import('../recurrence/reference.js')>();
  return { ...mod, referenceRecurrence: vi.fn(mod.referenceRecurrence) };
});
const referenceRecurrence = reference.referenceRecurrence as ReturnType<
  typeof vi.fn<typeof reference.referenceRecurrence>
>;

const GATES = { rnn: 1, lstm: 4, gru: 3 } as const;

interface Case {
  cell: Cell;
  resetAfter: boolean;
  batch: number;
  time: number;
  features: number;
  units: number;
  /** Rates of the masks (0: that mask is not given). */
  inputRate: number;
  recurrentRate: number;
  goBackwards: boolean;
  masked: boolean;
  seed: number;
}

/** Keras's per-gate masks [k, batch, width]: 0 or 1 / (1 - rate), drawn from a seed. */
function masks(k: number, batch: number, width: number, rate: number, seed: number): tf.Tensor3D {
  const u = seeded([k, batch, width], seed, 1).dataSync();
  const v = Float32Array.from(u, (r) => ((r + 1) / 2 >= rate ? 1 / (1 - rate) : 0));
  return tf.tensor3d(v, [k, batch, width]);
}

/** The inputs of a case (variables, so that every gradient can be taken) and its masks. */
function inputsOf(c: Case): { inputs: RecurrenceInputs; vars: tf.Variable[]; owned: tf.Tensor[] } {
  const k = GATES[c.cell];
  const g = k * c.units;
  const twoRows = c.cell === 'gru' && c.resetAfter;
  const v = (t: tf.Tensor) => tf.variable(t, true);
  const x = v(seeded([c.batch, c.time, c.features], c.seed, 1));
  const kernel = v(seeded([c.features, g], c.seed + 1));
  const recurrentKernel = v(seeded([c.units, g], c.seed + 2));
  const bias = v(seeded(twoRows ? [2, g] : [g], c.seed + 3));
  const h0 = v(seeded([c.batch, c.units], c.seed + 4));
  const c0 = v(seeded([c.batch, c.units], c.seed + 5));
  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  const inputs: RecurrenceInputs = {
    cell: c.cell,
    x: x as tf.Tensor3D,
    kernel: kernel as tf.Tensor2D,
    recurrentKernel: recurrentKernel as tf.Tensor2D,
    bias,
    h0: h0 as tf.Tensor2D,
    ...(c.cell === 'lstm' ? { c0: c0 as tf.Tensor2D } : {}),
    ...(c.cell === 'gru' ? { resetAfter: c.resetAfter } : {}),
    goBackwards: c.goBackwards,
    ...(c.inputRate > 0
      ? { inputDropout: own(masks(k, c.batch, c.features, c.inputRate, c.seed + 6)) }
      : {}),
    ...(c.recurrentRate > 0
      ? { recurrentDropout: own(masks(k, c.batch, c.units, c.recurrentRate, c.seed + 7)) }
      : {}),
  };
  if (c.masked) {
    // sequence 0 whole, the others with holes (leading ones too)
    const m = Float32Array.from({ length: c.batch * c.time }, (_, i) =>
      i < c.time || (i * 7919 + c.seed) % 3 !== 0 ? 1 : 0,
    );
    inputs.mask = own(tf.tensor2d(m, [c.batch, c.time]));
  }
  const vars = [x, kernel, recurrentKernel, bias, h0, ...(c.cell === 'lstm' ? [c0] : [])];
  return {
    inputs,
    vars: vars as tf.Variable[],
    owned: [...owned, ...(c.cell === 'lstm' ? [] : [c0])],
  };
}

/** Every output, and the gradients of every input of a loss that reads all the outputs. */
function evaluate(
  run: (i: RecurrenceInputs) => RecurrenceOutputs,
  c: Case,
  made: ReturnType<typeof inputsOf>,
) {
  return tf.tidy(() => {
    const o = run(made.inputs);
    const outs = [o.sequence, o.h, ...(o.c ? [o.c] : [])].map((t) => Array.from(t.dataSync()));
    const { grads } = tf.variableGrads(() => {
      const r = run(made.inputs);
      let l = tf.sum(tf.mul(r.sequence, seeded(r.sequence.shape, c.seed + 10, 1)));
      l = tf.add(l, tf.sum(tf.mul(r.h, seeded(r.h.shape, c.seed + 11, 1))));
      if (r.c) l = tf.add(l, tf.sum(tf.mul(r.c, seeded(r.c.shape, c.seed + 12, 1))));
      return l as tf.Scalar;
    }, made.vars);
    return {
      outs,
      grads: made.vars.map((v) => Array.from((grads[v.name] as tf.Tensor).dataSync())),
    };
  });
}

const maxDiff = (a: number[][], b: number[][]): number =>
  Math.max(
    ...a.map((row, i) =>
      Math.max(0, ...row.map((v, j) => Math.abs(v - (b[i]?.[j] ?? Number.NaN)))),
    ),
  );

/** Fast against reference on the same masks: outputs within 1e-5, gradients within 1e-4. */
function expectMatches(c: Case): void {
  const made = inputsOf(c);
  const before = referenceRecurrence.mock.calls.length;
  const fast = evaluate(fastRecurrence, c, made);
  expect(referenceRecurrence.mock.calls.length, 'the fast kernel fell back').toBe(before);
  const ref = evaluate(referenceRecurrence, c, made);
  expect(maxDiff(fast.outs, ref.outs)).toBeLessThan(1e-5);
  expect(maxDiff(fast.grads, ref.grads)).toBeLessThan(1e-4);
  tf.dispose([...made.vars, ...made.owned]);
}

/**
 * A one-hot x (20 features: its floats take the sparse path too, below 1/16 density) run from its
 * floats, then from the ids given with it, under input and recurrent masks: the very same numbers,
 * and the reference kernel's.
 */
function expectIdsReadAsFloats(
  c: Pick<Case, 'cell' | 'resetAfter' | 'batch' | 'time' | 'seed'>,
): void {
  const full: Case = {
    ...c,
    features: 20,
    units: 3,
    inputRate: 0.4,
    recurrentRate: 0.3,
    goBackwards: true,
    masked: true,
  };
  const made = inputsOf(full);
  const ids = Int32Array.from({ length: c.batch * c.time }, (_, i) => (i * 7 + c.seed) % 20);
  const oneHot = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor2d(ids, [c.batch, c.time], 'int32'), 20), 'float32'),
  );
  made.vars[0]?.assign(oneHot as tf.Tensor3D);
  const floats = evaluate(fastRecurrence, full, made);
  const read = evaluate(fastRecurrence, full, { ...made, inputs: { ...made.inputs, ids } });
  expect(maxDiff(read.outs, floats.outs)).toBe(0);
  expect(maxDiff(read.grads, floats.grads)).toBe(0);
  const ref = evaluate(referenceRecurrence, full, made);
  expect(maxDiff(read.outs, ref.outs)).toBeLessThan(1e-5);
  expect(maxDiff(read.grads, ref.grads)).toBeLessThan(1e-4);
  tf.dispose([oneHot, ...made.vars, ...made.owned]);
}

/** tf.memory().numTensors is flat over repeated runs of a case, forward and gradients. */
function expectNoLeak(c: Case): void {
  const made = inputsOf(c);
  evaluate(fastRecurrence, c, made);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) evaluate(fastRecurrence, c, made);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([...made.vars, ...made.owned]);
}

const CELL_KINDS = [
  { cell: 'rnn', resetAfter: false },
  { cell: 'lstm', resetAfter: false },
  { cell: 'gru', resetAfter: true },
  { cell: 'gru', resetAfter: false },
] as const;

/** Cases over the cells, sizes, rates (each mask present or not), directions and masks. */
const cases = (maxBatch: number) =>
  fc
    .record({
      kind: fc.constantFrom(...CELL_KINDS),
      batch: fc.integer({ min: 1, max: maxBatch }),
      // from 2: the reference kernel's gradient of a 1-step x fails in tfjs's unstack gradient
      time: fc.integer({ min: 2, max: 5 }),
      features: fc.integer({ min: 1, max: 5 }),
      units: fc.integer({ min: 1, max: 6 }),
      inputRate: fc.constantFrom(0, 0.2, 0.5, 0.8),
      recurrentRate: fc.constantFrom(0.1, 0.3, 0.6),
      goBackwards: fc.boolean(),
      masked: fc.boolean(),
      seed: fc.integer({ min: 1, max: 10_000 }),
    })
    .map(({ kind, ...rest }): Case => ({ ...kind, ...rest }));

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fastRecurrence with Keras's per-gate dropout masks on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
      setRecurrenceThreads(1);
    });
    afterAll(() => setRecurrenceThreads('auto'));

    it("runs them itself (no fallback) with the reference kernel's numbers: property", () => {
      fc.assert(
        fc.property(cases(5), (c) => expectMatches(c)),
        { numRuns: 24, seed: 24 },
      );
    });

    it('every cell with both masks, backwards, masked', () => {
      for (const kind of CELL_KINDS) {
        expectMatches({
          ...kind,
          batch: 4,
          time: 6,
          features: 3,
          units: 5,
          inputRate: 0.3,
          recurrentRate: 0.4,
          goBackwards: true,
          masked: true,
          seed: 7,
        });
      }
    });

    it('reads the ids of a one-hot x under input masks: the numbers of its floats', () => {
      expectIdsReadAsFloats({ cell: 'lstm', resetAfter: false, batch: 3, time: 4, seed: 3 });
      expectIdsReadAsFloats({ cell: 'gru', resetAfter: true, batch: 2, time: 3, seed: 4 });
    });

    it('leaves no tensors behind', () =>
      expectNoLeak({
        cell: 'lstm',
        resetAfter: false,
        batch: 3,
        time: 4,
        features: 2,
        units: 3,
        inputRate: 0.3,
        recurrentRate: 0.3,
        goBackwards: false,
        masked: true,
        seed: 5,
      }));
  });
}

describe('fastRecurrence with dropout masks on two threads (wasm, half of each batch in a worker)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    setRecurrenceThreads(2);
  });
  afterAll(() => setRecurrenceThreads('auto'));

  it("splits the masks with the rows: the reference kernel's numbers, and the same in one thread", () => {
    for (const kind of CELL_KINDS) {
      const c: Case = {
        ...kind,
        batch: 5,
        time: 4,
        features: 3,
        units: 4,
        inputRate: 0.3,
        recurrentRate: 0.4,
        goBackwards: kind.cell === 'gru',
        masked: true,
        seed: 31,
      };
      const spec = {
        cell: c.cell,
        batch: c.batch,
        time: c.time,
        features: c.features,
        units: c.units,
        resetAfter: c.resetAfter,
        reverse: c.goBackwards,
        act: 'tanh',
        recAct: 'sigmoid',
      } as const;
      expect(recurrencePlan(spec).halves).toBe(true);
      expectMatches(c);
      // the worker's half on this thread: the very same numbers
      const made = inputsOf(c);
      const inWorker = evaluate(fastRecurrence, c, made);
      runHalvesInline(true);
      const here = evaluate(fastRecurrence, c, made);
      runHalvesInline(false);
      expect(maxDiff(here.outs, inWorker.outs)).toBe(0);
      expect(maxDiff(here.grads, inWorker.grads)).toBe(0);
      tf.dispose([...made.vars, ...made.owned]);
    }
  });

  it('reads the ids of a one-hot x under input masks in both halves: the numbers of its floats', () => {
    expectIdsReadAsFloats({ cell: 'lstm', resetAfter: false, batch: 5, time: 3, seed: 5 });
    expectIdsReadAsFloats({ cell: 'gru', resetAfter: false, batch: 4, time: 3, seed: 6 });
  });

  it('leaves no tensors behind', () =>
    expectNoLeak({
      cell: 'gru',
      resetAfter: false,
      batch: 4,
      time: 3,
      features: 2,
      units: 3,
      inputRate: 0.2,
      recurrentRate: 0.5,
      goBackwards: false,
      masked: false,
      seed: 9,
    }));
});

describe('dropout masks of the wrong shape', () => {
  it('are a BAD_SHAPE naming the mask and the shape expected, on both kernels', async () => {
    await useBackend('cpu');
    const c: Case = {
      cell: 'lstm',
      resetAfter: false,
      batch: 2,
      time: 3,
      features: 2,
      units: 3,
      inputRate: 0,
      recurrentRate: 0,
      goBackwards: false,
      masked: false,
      seed: 1,
    };
    const made = inputsOf(c);
    const bad = tf.ones([4, 2, 2]) as tf.Tensor3D; // [k, batch, features], given for units 3
    const oneGate = tf.ones([1, 2, 2]) as tf.Tensor3D; // one mask for the lstm's 4 gates
    for (const run of [fastRecurrence, referenceRecurrence]) {
      expect(() => run({ ...made.inputs, recurrentDropout: bad })).toThrow(
        /recurrentDropout must have shape \[4, 2, 3\], got \[4, 2, 2\]/,
      );
      expect(() => run({ ...made.inputs, inputDropout: oneGate })).toThrow(
        expect.objectContaining({ code: 'BAD_SHAPE' }),
      );
    }
    tf.dispose([bad, oneGate, ...made.vars, ...made.owned]);
  });
});

describe('dropout under the fused softmax loss (the trainer path: ids read, head taken by each half)', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(async () => {
    setRecurrenceThreads('auto');
    runHalvesInline(false);
    await useBackend('cpu');
  });

  /** Loss and weight gradients of a fresh seeded model: fused, or from its output (unfused). */
  function lossAndGrads(cell: Cell, fused: boolean) {
    const input = { type: 'oneHot', vocabSize: 7 } as const;
    const rates = { inputDropout: 0.3, recurrentDropout: 0.3 };
    // a fresh model each time: the same weights, and its layers draw their first masks
    const { model } = manyToMany({
      cell,
      units: 6,
      classes: 7,
      input,
      seed: 5,
      layers: 2,
      ...rates,
    });
    const x = batchFor(input, 5, 4, 1); // 5 rows: halves of 3 and 2
    const y = batchFor(input, 5, 4, 2);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const sparseCE = (logits: tf.Tensor) =>
      tf.neg(
        tf.mean(
          tf.sum(
            tf.mul(tf.logSoftmax(tf.reshape(logits, [-1, 7])), tf.oneHot(tf.reshape(y, [-1]), 7)),
            1,
          ),
        ),
      ) as tf.Scalar;
    const loss = fusedHeadLoss(model, 'sparseCategoricalCrossentropy');
    expect(loss).not.toBeNull();
    const r = tf.variableGrads(
      () =>
        fused
          ? loss!(x, y, undefined, true, () => {
              throw new Error('the batch fits the fused form');
            })
          : sparseCE(model.apply(x, { training: true }) as tf.Tensor),
      vars,
    );
    const out = {
      loss: r.value.dataSync()[0]!,
      grads: vars.flatMap((v) => Array.from(r.grads[v.name]!.dataSync())),
    };
    tf.dispose([r.value, ...Object.values(r.grads), x, y]);
    model.dispose();
    return out;
  }

  for (const threads of [1, 2] as const) {
    it(`on ${threads} thread(s): the numbers of the unfused loss, for every cell`, () => {
      setRecurrenceThreads(threads);
      for (const cell of ['rnn', 'lstm', 'gru'] as const) {
        const calls = referenceRecurrence.mock.calls.length;
        const fused = lossAndGrads(cell, true);
        expect(referenceRecurrence.mock.calls.length, 'the fast kernel fell back').toBe(calls);
        const unfused = lossAndGrads(cell, false);
        expect(Math.abs(fused.loss - unfused.loss)).toBeLessThan(1e-5);
        const diff = Math.max(...fused.grads.map((g, i) => Math.abs(g - unfused.grads[i]!)));
        expect(diff).toBeLessThan(1e-4);
        if (threads === 2) {
          runHalvesInline(true);
          const inline = lossAndGrads(cell, true);
          runHalvesInline(false);
          expect(inline.loss).toBe(fused.loss);
          expect(inline.grads).toEqual(fused.grads);
        }
      }
    });
  }
});
