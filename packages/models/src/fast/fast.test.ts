import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Cell, RecurrenceInputs, RecurrenceOutputs } from '../recurrence/contract.js';
import { fastRecurrence } from './fast.js';
import { gemmLstmFor } from './gemm-simd.js';
import { setRecurrenceEngine } from './native.js';
import { HELD_OPS, recurrencePlan, runHalvesInline, setRecurrenceThreads } from './pool.js';

tf.env().set('PROD', true);
const wasmDir = dirname(
  createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'),
);
setWasmPaths(`${wasmDir}/dist/`);

const GATES = { rnn: 1, lstm: 4, gru: 3 } as const;

/** Seeded uniform values in [-scale, scale] (mulberry32), so failures reproduce. */
function rand(shape: number[], seed: number, scale = 0.5): tf.Tensor {
  let a = seed >>> 0;
  const n = shape.reduce((p, q) => p * q, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    v[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 2 * scale;
  }
  return tf.tensor(v, shape);
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
  masked?: boolean;
  noBias?: boolean;
  /** One-hot x (the kernel's sparse input path). */
  oneHot?: boolean;
}

/** Inputs of a case, as variables so every gradient can be taken. */
function makeInputs(c: Case, seed: number): { inputs: RecurrenceInputs; vars: tf.Variable[] } {
  const g = GATES[c.cell] * c.units;
  const twoRows = c.cell === 'gru' && (c.resetAfter ?? true);
  const v = (t: tf.Tensor, name: string) => tf.variable(t, true, `${name}${seed}_${Math.random()}`);
  const x = v(
    c.oneHot
      ? tf.reshape(
          tf.oneHot(
            tf.tensor1d(
              Array.from({ length: c.batch * c.time }, (_, i) => (i * 7 + seed) % c.features),
              'int32',
            ),
            c.features,
          ),
          [c.batch, c.time, c.features],
        )
      : rand([c.batch, c.time, c.features], seed, 1),
    'x',
  );
  const kernel = v(rand([c.features, g], seed + 1), 'k');
  const recurrentKernel = v(rand([c.units, g], seed + 2), 'r');
  const bias = c.noBias ? null : v(rand(twoRows ? [2, g] : [g], seed + 3), 'b');
  const h0 = v(rand([c.batch, c.units], seed + 4), 'h');
  const c0 = v(rand([c.batch, c.units], seed + 5), 'c');
  const inputs: RecurrenceInputs = {
    cell: c.cell,
    x: x as tf.Tensor3D,
    kernel: kernel as tf.Tensor2D,
    recurrentKernel: recurrentKernel as tf.Tensor2D,
    bias,
    h0: h0 as tf.Tensor2D,
    ...(c.cell === 'lstm' ? { c0: c0 as tf.Tensor2D } : {}),
    ...(c.resetAfter !== undefined ? { resetAfter: c.resetAfter } : {}),
    ...(c.goBackwards ? { goBackwards: true } : {}),
    ...(c.activation ? { activation: c.activation } : {}),
    ...(c.recurrentActivation ? { recurrentActivation: c.recurrentActivation } : {}),
  };
  if (c.masked) {
    // Row 0 full; row 1 left-padded; others random holes.
    const m = new Float32Array(c.batch * c.time).map((_, i) =>
      i < c.time ? 1 : i < c.time + 2 ? 0 : (i * 7919) % 3 === 0 ? 0 : 1,
    );
    inputs.mask = tf.tensor2d(m, [c.batch, c.time]);
  }
  const vars = [x, kernel, recurrentKernel, ...(bias ? [bias] : []), h0];
  if (c.cell === 'lstm') vars.push(c0);
  return { inputs, vars: vars as tf.Variable[] };
}

/** Per-step tfjs ops (autodiff): the contract's equations, written independently of fast.ts. */
function stepReference(inp: RecurrenceInputs): RecurrenceOutputs {
  const [batch, time] = inp.x.shape;
  const u = inp.recurrentKernel.shape[0];
  const act = (t: tf.Tensor) =>
    inp.activation === 'relu' ? tf.relu(t) : inp.activation === 'linear' ? t : tf.tanh(t);
  const rec = (t: tf.Tensor) =>
    inp.recurrentActivation === 'hardSigmoid'
      ? tf.clipByValue(tf.add(tf.mul(t, 0.2), 0.5), 0, 1)
      : tf.sigmoid(t);
  const two = inp.bias !== null && inp.bias.rank === 2;
  const row = (b: tf.Tensor, r: number) => tf.reshape(tf.slice(b, [r, 0], [1, -1]), [-1]);
  const bIn = inp.bias === null ? null : two ? row(inp.bias, 0) : inp.bias;
  const bRec = two && inp.bias ? row(inp.bias, 1) : null;
  const R = inp.recurrentKernel;
  let h: tf.Tensor = inp.h0;
  let c: tf.Tensor = inp.c0 ?? tf.zeros([batch, u]);
  const outs: tf.Tensor[] = [];
  for (let i = 0; i < time; i++) {
    const t = inp.goBackwards ? time - 1 - i : i;
    const xt = tf.reshape(tf.slice(inp.x, [0, t, 0], [batch, 1, -1]), [batch, -1]);
    let xp = tf.matMul(xt, inp.kernel);
    if (bIn) xp = tf.add(xp, bIn);
    let hn: tf.Tensor;
    let cn = c;
    if (inp.cell === 'rnn') hn = act(tf.add(xp, tf.matMul(h as tf.Tensor2D, R)));
    else if (inp.cell === 'lstm') {
      const [zi, zf, zc, zo] = tf.split(tf.add(xp, tf.matMul(h as tf.Tensor2D, R)), 4, 1);
      cn = tf.add(
        tf.mul(rec(zf as tf.Tensor), c),
        tf.mul(rec(zi as tf.Tensor), act(zc as tf.Tensor)),
      );
      hn = tf.mul(rec(zo as tf.Tensor), act(cn));
    } else {
      const [xz, xr, xh] = tf.split(xp, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      let hh: tf.Tensor;
      let z: tf.Tensor;
      if (inp.resetAfter ?? true) {
        let inner: tf.Tensor = tf.matMul(h as tf.Tensor2D, R);
        if (bRec) inner = tf.add(inner, bRec);
        const [mz, mr, mh] = tf.split(inner, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        z = rec(tf.add(xz, mz));
        const r = rec(tf.add(xr, mr));
        hh = act(tf.add(xh, tf.mul(r, mh)));
      } else {
        const Rzr = tf.slice(R, [0, 0], [u, 2 * u]);
        const Rh = tf.slice(R, [0, 2 * u], [u, u]);
        const [mz, mr] = tf.split(tf.matMul(h as tf.Tensor2D, Rzr), 2, 1) as [tf.Tensor, tf.Tensor];
        z = rec(tf.add(xz, mz));
        const r = rec(tf.add(xr, mr));
        hh = act(tf.add(xh, tf.matMul(tf.mul(r, h) as tf.Tensor2D, Rh)));
      }
      hn = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    }
    if (inp.mask) {
      const m = tf.reshape(tf.slice(inp.mask, [0, t], [batch, 1]), [batch, 1]);
      hn = tf.add(tf.mul(hn, m), tf.mul(h, tf.sub(1, m)));
      cn = tf.add(tf.mul(cn, m), tf.mul(c, tf.sub(1, m)));
    }
    h = hn;
    c = cn;
    outs.push(h);
  }
  const res: RecurrenceOutputs = {
    sequence: tf.stack(outs, 1) as tf.Tensor3D,
    h: h as tf.Tensor2D,
  };
  if (inp.cell === 'lstm') res.c = c as tf.Tensor2D;
  return res;
}

/** A scalar that uses every output with random weights, so every output gradient is exercised. */
function lossOf(o: RecurrenceOutputs, seed: number): tf.Scalar {
  let l = tf.sum(tf.mul(o.sequence, rand(o.sequence.shape, seed + 10, 1)));
  l = tf.add(l, tf.sum(tf.mul(o.h, rand(o.h.shape, seed + 11, 1))));
  if (o.c) l = tf.add(l, tf.sum(tf.mul(o.c, rand(o.c.shape, seed + 12, 1))));
  return l as tf.Scalar;
}

type Run = (i: RecurrenceInputs) => RecurrenceOutputs;

/**
 * A one-hot case run twice: reading x's floats, then reading the ids given with it (`ids`, as
 * the fused loss gives the one-hot input layer's ids): the very same outputs and gradients, x's
 * included. (With
 * 17+ features, so that the floats also take the sparse path: below 1/16 density they are
 * multiplied densely, and the bias gradient then sums in another order, ~1e-7 apart.)
 */
function expectIdsReadAsFloats(c: Case, seed: number): void {
  const { inputs, vars } = makeInputs({ ...c, oneHot: true }, seed);
  const floats = evaluate(fastRecurrence, inputs, vars, seed);
  const ids = Int32Array.from({ length: c.batch * c.time }, (_, i) => (i * 7 + seed) % c.features);
  const read = evaluate(fastRecurrence, { ...inputs, ids }, vars, seed);
  expect(maxDiff(floats.outs, read.outs)).toBe(0);
  expect(maxDiff(floats.grads, read.grads)).toBe(0);
  tf.dispose([...vars, ...(inputs.mask ? [inputs.mask] : [])]);
}

/** Forward outputs and the gradients of every variable. */
function evaluate(run: Run, inputs: RecurrenceInputs, vars: tf.Variable[], seed: number) {
  return tf.tidy(() => {
    const o = run(inputs);
    const outs = [o.sequence, o.h, ...(o.c ? [o.c] : [])].map((t) => t.arraySync());
    const { grads } = tf.variableGrads(() => lossOf(run(inputs), seed), vars);
    return { outs, grads: vars.map((v) => (grads[v.name] as tf.Tensor).arraySync()) };
  });
}

function maxDiff(a: unknown, b: unknown): number {
  const fa = [a].flat(4) as number[];
  const fb = [b].flat(4) as number[];
  expect(fa.length).toBe(fb.length);
  return fa.reduce((m, v, i) => Math.max(m, Math.abs(v - (fb[i] as number))), 0);
}

function expectClose(
  c: Case,
  seed: number,
  reference: Run,
  runFast: Run = fastRecurrence,
  withState = true,
): void {
  const made = makeInputs(c, seed);
  const { inputs } = made;
  // The initial state is the last one or two variables.
  const vars = withState ? made.vars : made.vars.slice(0, inputs.bias ? 4 : 3);
  const want = evaluate(reference, inputs, vars, seed);
  const got = evaluate(runFast, inputs, vars, seed);
  for (let i = 0; i < want.outs.length; i++) {
    expect(maxDiff(got.outs[i], want.outs[i]), `output ${i}`).toBeLessThan(1e-5);
  }
  for (let i = 0; i < vars.length; i++) {
    expect(maxDiff(got.grads[i], want.grads[i]), `gradient of ${vars[i]?.name}`).toBeLessThan(1e-4);
  }
  tf.dispose([...made.vars, ...(inputs.mask ? [inputs.mask] : [])]);
}

/**
 * The stock tfjs-layers layer on the same weights, run through the same contract. Its initial
 * state is fixed at zeros (stock layers take it as a layer input), so h0/c0 grads are compared
 * only against the step reference.
 */
function stockRun(c: Case): Run {
  return (inp) => {
    const common = {
      units: c.units,
      returnSequences: true,
      returnState: true,
      goBackwards: c.goBackwards ?? false,
      activation: c.activation ?? 'tanh',
      kernelInitializer: 'zeros',
      recurrentInitializer: 'zeros',
      useBias: inp.bias !== null,
    } as const;
    const rec = c.recurrentActivation ?? 'sigmoid';
    const layer =
      c.cell === 'lstm'
        ? tfl.layers.lstm({ ...common, recurrentActivation: rec })
        : c.cell === 'gru'
          ? tfl.layers.gru({ ...common, recurrentActivation: rec })
          : tfl.layers.simpleRNN(common);
    const zeros = tf.zeros([c.batch, c.units]);
    const call = () =>
      layer.apply(inp.x, {
        initialState: c.cell === 'lstm' ? [zeros, zeros] : [zeros],
        ...(inp.mask ? { mask: inp.mask } : {}),
      }) as tf.Tensor[];
    call(); // builds the layer
    // Point the layer at our variables so gradients flow to them.
    const mine = [inp.kernel, inp.recurrentKernel, ...(inp.bias ? [inp.bias] : [])];
    const tw = layer.trainableWeights as unknown as { val: tf.Variable }[];
    expect(tw.length).toBe(mine.length);
    tw.forEach((w, i) => {
      w.val = mine[i] as tf.Variable;
    });
    const out = call();
    const res: RecurrenceOutputs = {
      sequence: out[0] as tf.Tensor3D,
      h: out[1] as tf.Tensor2D,
    };
    if (c.cell === 'lstm') res.c = out[2] as tf.Tensor2D;
    return res;
  };
}

const zeroState = (inp: RecurrenceInputs): RecurrenceInputs => {
  const z = tf.zeros(inp.h0.shape) as tf.Tensor2D;
  return { ...inp, h0: z, ...(inp.cell === 'lstm' ? { c0: z } : {}) };
};

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fastRecurrence on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    describe('matches stock tfjs-layers (sigmoid gates, zero initial state)', () => {
      const base = { batch: 3, time: 5, features: 4, units: 6 };
      const cases: Case[] = [
        { cell: 'lstm', ...base },
        { cell: 'gru', ...base, resetAfter: false },
        { cell: 'rnn', ...base },
        { cell: 'lstm', ...base, goBackwards: true },
        { cell: 'lstm', ...base, masked: true },
        { cell: 'gru', ...base, resetAfter: false, masked: true, goBackwards: true },
        { cell: 'rnn', ...base, activation: 'relu', masked: true },
        { cell: 'lstm', ...base, features: 20, oneHot: true },
        {
          cell: 'gru',
          ...base,
          features: 20,
          oneHot: true,
          resetAfter: false,
          goBackwards: true,
          masked: true,
        },
        { cell: 'lstm', ...base, recurrentActivation: 'hardSigmoid' },
      ];
      cases.forEach((c, i) => {
        it(`${JSON.stringify(c)}`, () => {
          const seed = 100 + i;
          const stock = stockRun(c);
          expectClose(
            c,
            seed,
            (inp) => stock(inp),
            (inp) => fastRecurrence(zeroState(inp)),
            false,
          );
        });
      });
    });

    describe('matches the step reference on every option', () => {
      const base = { batch: 4, time: 6, features: 3, units: 5 };
      const cases: Case[] = [];
      for (const cell of ['lstm', 'gru', 'rnn'] as const) {
        for (const goBackwards of [false, true]) {
          for (const masked of [false, true]) {
            cases.push({ cell, ...base, goBackwards, masked });
          }
        }
      }
      cases.push(
        { cell: 'gru', ...base, resetAfter: false },
        { cell: 'gru', ...base, resetAfter: false, masked: true, goBackwards: true },
        { cell: 'gru', ...base, noBias: true },
        { cell: 'lstm', ...base, noBias: true, activation: 'linear' },
        { cell: 'gru', ...base, recurrentActivation: 'hardSigmoid', activation: 'relu' },
        { cell: 'rnn', ...base, activation: 'linear', time: 1 },
        { cell: 'gru', ...base, features: 20, oneHot: true },
        { cell: 'rnn', ...base, features: 20, oneHot: true, goBackwards: true },
      );
      cases.forEach((c, i) => {
        it(`${JSON.stringify(c)}`, () => expectClose(c, 200 + i, stepReference));
      });
    });

    it('reads the ids of a one-hot x made by the input layer: the numbers of its floats', () => {
      const base = { batch: 3, time: 4, features: 17, units: 4 };
      expectIdsReadAsFloats({ cell: 'lstm', ...base, masked: true }, 41);
      expectIdsReadAsFloats({ cell: 'gru', ...base, goBackwards: true }, 42);
      expectIdsReadAsFloats({ cell: 'rnn', ...base, noBias: true }, 43);
    });

    it('leaves no tensors behind (forward and gradients)', () => {
      const c: Case = { cell: 'lstm', batch: 2, time: 3, features: 2, units: 3, masked: true };
      const { inputs, vars } = makeInputs(c, 7);
      evaluate(fastRecurrence, inputs, vars, 7);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) evaluate(fastRecurrence, inputs, vars, 7);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([...vars, ...(inputs.mask ? [inputs.mask] : [])]);
    });
  });
}

describe('fastRecurrence on two threads (wasm, half of each batch in a worker)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    setRecurrenceThreads(2);
    return () => setRecurrenceThreads('auto');
  });
  it('starts the worker', () => {
    const spec = { batch: 5, time: 6, features: 3, units: 5, resetAfter: false };
    const plan = recurrencePlan({
      cell: 'lstm',
      ...spec,
      reverse: false,
      act: 'tanh',
      recAct: 'sigmoid',
    });
    expect(plan.halves).toBe(true);
    expect(plan.worker).not.toBeNull();
  });
  const base = { batch: 5, time: 6, features: 3, units: 5 };
  const cases: Case[] = [
    { cell: 'lstm', ...base },
    { cell: 'lstm', ...base, masked: true, goBackwards: true },
    { cell: 'gru', ...base, resetAfter: false, masked: true },
    { cell: 'gru', ...base, noBias: true },
    { cell: 'gru', ...base, features: 20, oneHot: true, goBackwards: true },
    { cell: 'rnn', ...base, features: 20, oneHot: true },
    { cell: 'lstm', ...base, features: 20, oneHot: true, batch: 4 },
  ];
  cases.forEach((c, i) => {
    it(`matches the step reference: ${JSON.stringify(c)}`, () =>
      expectClose(c, 300 + i, stepReference));
  });

  it('reads the ids of a marked one-hot x in both halves: the numbers of its floats', () => {
    const base = { batch: 5, time: 3, features: 20, units: 4 };
    expectIdsReadAsFloats({ cell: 'lstm', ...base, goBackwards: true, masked: true }, 51);
    expectIdsReadAsFloats({ cell: 'gru', ...base, resetAfter: false }, 52);
  });

  it('gives the same numbers every run, and those of one thread within tolerance', () => {
    const c: Case = { cell: 'lstm', batch: 6, time: 4, features: 3, units: 4, masked: true };
    const { inputs, vars } = makeInputs(c, 9);
    const a = evaluate(fastRecurrence, inputs, vars, 9);
    const b = evaluate(fastRecurrence, inputs, vars, 9);
    expect(maxDiff(a.outs, b.outs)).toBe(0);
    expect(maxDiff(a.grads, b.grads)).toBe(0);
    // The second half on this thread (as on a busy machine): the very same numbers.
    runHalvesInline(true);
    const here = evaluate(fastRecurrence, inputs, vars, 9);
    runHalvesInline(false);
    expect(maxDiff(a.outs, here.outs)).toBe(0);
    expect(maxDiff(a.grads, here.grads)).toBe(0);
    setRecurrenceThreads(1);
    const one = evaluate(fastRecurrence, inputs, vars, 9);
    setRecurrenceThreads(2);
    expect(maxDiff(a.outs, one.outs)).toBeLessThan(1e-6);
    expect(maxDiff(a.grads, one.grads)).toBeLessThan(1e-5);
    tf.dispose([...vars, ...(inputs.mask ? [inputs.mask] : [])]);
  });

  it('differentiates ops the worker no longer holds (their inputs are sent again)', () => {
    // More ops on one tape than the worker keeps (HELD_OPS): the first ones' backward passes find
    // their state evicted and recompute their forward from the inputs resent with the request.
    const c: Case = { cell: 'lstm', batch: 4, time: 3, features: 2, units: 3 };
    const { inputs, vars } = makeInputs(c, 11);
    const many: Run = (inp) => {
      const runs = Array.from({ length: HELD_OPS + 3 }, () => fastRecurrence(inp));
      const last = runs[runs.length - 1] as RecurrenceOutputs;
      const seq = tf.addN(runs.map((r) => r.sequence));
      return { ...last, sequence: seq as tf.Tensor3D };
    };
    const inWorker = evaluate(many, inputs, vars, 11);
    runHalvesInline(true);
    const here = evaluate(many, inputs, vars, 11);
    runHalvesInline(false);
    expect(maxDiff(inWorker.grads, here.grads)).toBe(0);
    tf.dispose(vars);
  });

  it('leaves no tensors behind', () => {
    const c: Case = { cell: 'gru', batch: 4, time: 3, features: 2, units: 3 };
    const { inputs, vars } = makeInputs(c, 8);
    evaluate(fastRecurrence, inputs, vars, 8);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) evaluate(fastRecurrence, inputs, vars, 8);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(vars);
  });
});

describe('fastRecurrence on the own SIMD GEMM (gemm-simd.ts: LSTM, units a multiple of 8)', () => {
  const base = { batch: 5, time: 4, features: 3, units: 16 };
  const cases: Case[] = [
    { cell: 'lstm', ...base },
    { cell: 'lstm', ...base, batch: 1, units: 8, goBackwards: true }, // its weight gradient only
    { cell: 'lstm', ...base, units: 8, masked: true }, // its weight gradient only
    { cell: 'lstm', ...base, features: 20, oneHot: true, batch: 6, noBias: true },
  ];
  it('is what these cases run', () => {
    for (const c of cases) expect(gemmLstmFor('lstm', 'tanh', 'sigmoid', c.units)).not.toBeNull();
  });
  for (const [backend, threads] of [
    ['cpu', 1],
    ['wasm', 1],
    ['wasm', 2],
  ] as const) {
    describe(`on ${backend}, ${threads} thread(s)`, () => {
      beforeAll(async () => {
        await tf.setBackend(backend);
        setRecurrenceThreads(threads);
        setRecurrenceEngine('wasm'); // where @rnnkit/native loads it would run these instead
        return () => {
          setRecurrenceThreads('auto');
          setRecurrenceEngine('auto');
        };
      });
      cases.forEach((c, i) => {
        it(`matches the step reference: ${JSON.stringify(c)}`, () =>
          expectClose(c, 400 + i, stepReference));
      });
      it('gives the same numbers every run and leaves no tensors behind', () => {
        const { inputs, vars } = makeInputs(cases[0] as Case, 12);
        const a = evaluate(fastRecurrence, inputs, vars, 12);
        const before = tf.memory().numTensors;
        for (let i = 0; i < 3; i++) {
          const b = evaluate(fastRecurrence, inputs, vars, 12);
          expect(maxDiff(a.outs, b.outs)).toBe(0);
          expect(maxDiff(a.grads, b.grads)).toBe(0);
        }
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose(vars);
      });
    });
  }
});

describe('fastRecurrence errors', () => {
  it('rejects bad shapes with the reference kernel errors', async () => {
    await tf.setBackend('cpu');
    const { inputs, vars } = makeInputs(
      { cell: 'lstm', batch: 2, time: 3, features: 2, units: 3 },
      1,
    );
    expect(() => fastRecurrence({ ...inputs, h0: tf.zeros([2, 4]) as tf.Tensor2D })).toThrow(/h0/);
    expect(() => fastRecurrence({ ...inputs, x: tf.zeros([2, 0, 2]) as tf.Tensor3D })).toThrow(
      /0 time steps/,
    );
    tf.dispose(vars);
  });
});
