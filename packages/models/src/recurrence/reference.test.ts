import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CELL_LAYOUTS } from '../cells/layouts.js';
import {
  BACKENDS,
  type CellName,
  expectClose,
  seeded,
  stockLayer,
  useBackend,
} from '../layers/test-backends.js';
import type { RecurrenceInputs } from './contract.js';
import { referenceRecurrence } from './reference.js';
import { getRecurrenceKernel, runRecurrence, setRecurrenceKernel } from './select.js';

const [B, T, F, U] = [3, 5, 4, 6];

interface Case {
  cell: CellName;
  goBackwards?: boolean;
  masked?: boolean;
  activation?: 'tanh' | 'relu' | 'linear';
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
  useBias?: boolean;
}

const CASES: Case[] = [
  { cell: 'rnn' },
  { cell: 'lstm' },
  { cell: 'gru' },
  { cell: 'rnn', goBackwards: true, masked: true },
  { cell: 'lstm', goBackwards: true },
  { cell: 'lstm', masked: true },
  { cell: 'gru', masked: true, goBackwards: true },
  { cell: 'gru', recurrentActivation: 'hardSigmoid', activation: 'relu' },
  { cell: 'lstm', recurrentActivation: 'hardSigmoid', useBias: false },
  { cell: 'rnn', activation: 'linear', useBias: false },
];

const label = (c: Case) =>
  [
    c.cell,
    c.goBackwards && 'goBackwards',
    c.masked && 'mask',
    c.activation,
    c.recurrentActivation,
    c.useBias === false && 'no bias',
  ]
    .filter(Boolean)
    .join(' ');

/** Fixed inputs for a case: x, weights, initial states, mask (1 = real step). */
function fixture(c: Case) {
  const k = CELL_LAYOUTS[c.cell].gates;
  const x = seeded([B, T, F], 1, 1) as tf.Tensor3D;
  const kernel = seeded([F, k * U], 2) as tf.Tensor2D;
  const recurrentKernel = seeded([U, k * U], 3) as tf.Tensor2D;
  const bias = c.useBias === false ? null : seeded([k * U], 4);
  const h0 = seeded([B, U], 5) as tf.Tensor2D;
  const c0 = seeded([B, U], 6) as tf.Tensor2D;
  // row 0: all real; row 1: 2 leading pads; row 2: 2 trailing pads and one in the middle
  const mask = c.masked
    ? (tf.tensor2d([
        [1, 1, 1, 1, 1],
        [0, 0, 1, 1, 1],
        [1, 0, 1, 0, 0],
      ]) as tf.Tensor2D)
    : undefined;
  return { x, kernel, recurrentKernel, bias, h0, c0, mask };
}

function disposeFixture(f: ReturnType<typeof fixture>): void {
  tf.dispose(Object.values(f).filter((t): t is tf.Tensor => t != null));
}

function inputsOf(c: Case, f: ReturnType<typeof fixture>): RecurrenceInputs {
  return {
    cell: c.cell,
    x: f.x,
    kernel: f.kernel,
    recurrentKernel: f.recurrentKernel,
    bias: f.bias,
    h0: f.h0,
    ...(c.cell === 'lstm' ? { c0: f.c0 } : {}),
    ...(f.mask ? { mask: f.mask } : {}),
    resetAfter: false,
    goBackwards: c.goBackwards ?? false,
    activation: c.activation ?? 'tanh',
    recurrentActivation: c.recurrentActivation ?? 'sigmoid',
  };
}

/** A built stock layer with the fixture's weights, returning [sequence, h(, c)]. */
function stockFor(c: Case, f: ReturnType<typeof fixture>): tfl.layers.Layer {
  const layer = stockLayer(c.cell, {
    units: U,
    returnSequences: true,
    returnState: true,
    goBackwards: c.goBackwards ?? false,
    useBias: c.useBias ?? true,
    ...(c.activation ? { activation: c.activation } : {}),
    ...(c.recurrentActivation ? { recurrentActivation: c.recurrentActivation } : {}),
  });
  tf.dispose(layer.apply(f.x) as tf.Tensor[]); // builds the weights
  layer.setWeights([f.kernel, f.recurrentKernel, ...(f.bias ? [f.bias] : [])]);
  return layer;
}

function stockApply(c: Case, layer: tfl.layers.Layer, f: ReturnType<typeof fixture>, x: tf.Tensor) {
  const initialState = c.cell === 'lstm' ? [f.h0, f.c0] : [f.h0];
  return layer.apply(x, { initialState, ...(f.mask ? { mask: f.mask } : {}) }) as tf.Tensor[];
}

describe.each(BACKENDS)('referenceRecurrence on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  afterAll(() => setRecurrenceKernel('default'));

  it.each(CASES.map((c) => [label(c), c] as const))(
    'matches stock tfjs-layers forward: %s',
    (_, c) => {
      const f = fixture(c);
      const layer = stockFor(c, f);
      const before = tf.memory().numTensors;
      const got = referenceRecurrence(inputsOf(c, f));
      const want = stockApply(c, layer, f, f.x);
      expectClose([got.sequence, got.h, ...(got.c ? [got.c] : [])], want, 1e-5);
      tf.dispose([got.sequence, got.h, ...(got.c ? [got.c] : []), ...want]);
      expect(tf.memory().numTensors).toBe(before);
      layer.dispose();
      disposeFixture(f);
    },
  );

  it.each(CASES.map((c) => [label(c), c] as const))(
    'matches stock tfjs-layers gradients w.r.t. x, states and weights: %s',
    (_, c) => {
      const f = fixture(c);
      const layer = stockFor(c, f);
      // a fixed random projection of every output, so every output's gradient path is checked
      const wSeq = seeded([B, T, U], 7);
      const wH = seeded([B, U], 8);
      const wC = seeded([B, U], 9);
      const loss = (outs: tf.Tensor[]) =>
        tf.addN([
          tf.sum(tf.mul(outs[0] as tf.Tensor, wSeq)),
          tf.sum(tf.mul(outs[1] as tf.Tensor, wH)),
          ...(outs[2] ? [tf.sum(tf.mul(outs[2], wC))] : []),
        ]) as tf.Scalar;

      const withState = c.cell === 'lstm';
      const args = [
        f.x,
        f.h0,
        ...(withState ? [f.c0] : []),
        f.kernel,
        f.recurrentKernel,
        ...(f.bias ? [f.bias] : []),
      ];
      const before = tf.memory().numTensors;
      const got = tf.grads((...a: tf.Tensor[]) => {
        const [x, h0, ...rest] = a as [tf.Tensor3D, tf.Tensor2D, ...tf.Tensor[]];
        const c0 = withState ? (rest.shift() as tf.Tensor2D) : undefined;
        const [kernel, recurrentKernel, bias] = rest as [tf.Tensor2D, tf.Tensor2D, tf.Tensor?];
        const out = referenceRecurrence({
          ...inputsOf(c, f),
          x,
          h0,
          ...(c0 ? { c0 } : {}),
          kernel,
          recurrentKernel,
          bias: bias ?? null,
        });
        return loss([out.sequence, out.h, ...(out.c ? [out.c] : [])]);
      })(args);

      const xVar = tf.variable(f.x);
      const h0Var = tf.variable(f.h0);
      const c0Var = tf.variable(f.c0);
      const weightVars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const vars = [xVar, h0Var, ...(withState ? [c0Var] : []), ...weightVars];
      const want = tf.variableGrads(() => {
        const initialState = withState ? [h0Var, c0Var] : [h0Var];
        const outs = layer.apply(xVar, {
          initialState,
          ...(f.mask ? { mask: f.mask } : {}),
        }) as tf.Tensor[];
        return loss(outs);
      }, vars);
      expectClose(
        got,
        vars.map((v) => want.grads[v.name] as tf.Tensor),
        1e-4,
      );
      tf.dispose([...got, want.value, ...Object.values(want.grads)]);
      expect(tf.memory().numTensors).toBe(before + 3); // the three variables made above
      tf.dispose([xVar, h0Var, c0Var, wSeq, wH, wC]);
      layer.dispose();
      disposeFixture(f);
    },
  );

  it('runs gru with resetAfter: reset gate applied after the recurrent matMul, bias [2, 3u]', () => {
    // units 1, features 1, one step from h0: hand-computed from the Keras 2 equations
    const out = referenceRecurrence({
      cell: 'gru',
      x: tf.tensor3d([[[1]]]),
      kernel: tf.tensor2d([[0.5, -0.5, 1]]), // z r h
      recurrentKernel: tf.tensor2d([[0.25, 0.75, 2]]),
      bias: tf.tensor2d([
        [0.1, 0.2, 0.3],
        [-0.1, 0.4, 0.5],
      ]),
      h0: tf.tensor2d([[0.5]]),
    });
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const z = s(0.5 + 0.1 + 0.5 * 0.25 - 0.1);
    const r = s(-0.5 + 0.2 + 0.5 * 0.75 + 0.4);
    const hh = Math.tanh(1 + 0.3 + r * (0.5 * 2 + 0.5));
    expect(out.h.dataSync()[0]).toBeCloseTo(z * 0.5 + (1 - z) * hh, 6);
  });

  it('returns the outputs of goBackwards in processing order (Keras, tfjs)', () => {
    const c: Case = { cell: 'rnn' };
    const f = fixture(c);
    const fwd = referenceRecurrence({ ...inputsOf(c, f), x: tf.reverse(f.x, 1) as tf.Tensor3D });
    const bwd = referenceRecurrence({ ...inputsOf(c, f), goBackwards: true });
    expectClose([bwd.sequence, bwd.h], [fwd.sequence, fwd.h], 1e-6);
  });

  it('rejects inputs of the wrong shape with BAD_SHAPE', () => {
    const c: Case = { cell: 'lstm' };
    const f = fixture(c);
    expect(() => referenceRecurrence({ ...inputsOf(c, f), kernel: f.recurrentKernel })).toThrow(
      expect.objectContaining({ code: 'BAD_SHAPE' }),
    );
    expect(() => referenceRecurrence({ ...inputsOf(c, f), h0: tf.zeros([1, U]) })).toThrow(
      /h0 must have shape \[3, 6\]/,
    );
  });
});

describe('the kernel dispatcher', () => {
  afterAll(() => setRecurrenceKernel('default'));

  it('runs the selected kernel and switches back by name', () => {
    setRecurrenceKernel('default');
    const shipped = getRecurrenceKernel(); // whichever kernel rnnkit ships as the default
    let calls = 0;
    setRecurrenceKernel((inputs) => {
      calls++;
      return referenceRecurrence(inputs);
    });
    const f = fixture({ cell: 'rnn' });
    tf.dispose(Object.values(runRecurrence(inputsOf({ cell: 'rnn' }, f))));
    expect(calls).toBe(1);
    setRecurrenceKernel('reference');
    expect(getRecurrenceKernel()).toBe(referenceRecurrence);
    setRecurrenceKernel('default');
    expect(getRecurrenceKernel()).toBe(shipped);
    expect(() => setRecurrenceKernel('nope' as 'reference')).toThrow(/one of default, reference/);
  });
});
