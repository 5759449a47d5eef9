/**
 * rnnkit's recurrences against PyTorch's nn.RNN, nn.LSTM and nn.GRU: golden numbers from
 * bench/reference/cells.py (weights mapped to the Keras layout there; GRU resetAfter false by the
 * Keras 1 equation in float64), stored in fixtures/torch-cells.json so this runs without PyTorch.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceRecurrence } from '../recurrence/reference.js';
import { GRU, LSTM, type RecurrentLayer, SimpleRNN } from './recurrent.js';
import { BACKENDS, expectClose, useBackend } from './test-backends.js';

type Nested = number | Nested[];

interface GoldenCase {
  cell: 'rnn' | 'lstm' | 'gru';
  source: string;
  resetAfter?: boolean;
  kernel: number[][];
  recurrentKernel: number[][];
  bias: number[] | number[][];
  sequence: number[][][];
  h: number[][];
  c?: number[][];
}

interface Golden {
  generatedBy: string;
  shapes: { batch: number; time: number; features: number; units: number };
  x: number[][][];
  h0: number[][];
  c0: number[][];
  cases: Record<string, GoldenCase>;
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/torch-cells.json', import.meta.url), 'utf8'),
) as Golden;

const CASES = ['rnn', 'lstm', 'gru_reset_after', 'gru_reset_before'] as const;
const t = (v: Nested) => tf.tensor(v as number[]);

function layerFor(c: GoldenCase): RecurrentLayer {
  const args = {
    units: golden.shapes.units,
    returnSequences: true,
    returnState: true,
    kernelInitializer: 'zeros' as const,
    recurrentInitializer: 'zeros' as const,
  };
  if (c.cell === 'rnn') return new SimpleRNN(args);
  if (c.cell === 'lstm') return new LSTM(args); // sigmoid gates by default, as PyTorch
  return new GRU({ ...args, resetAfter: c.resetAfter ?? true });
}

describe('the fixture', () => {
  it('holds the four cases, made by the reference script', () => {
    expect(golden.generatedBy).toBe('bench/reference/cells.py');
    expect(Object.keys(golden.cases).sort()).toEqual([...CASES].sort());
  });
});

describe.each(BACKENDS)('PyTorch golden outputs on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(CASES)('%s: the rnnkit layer matches within 1e-5', (name) => {
    const c = golden.cases[name] as GoldenCase;
    const layer = layerFor(c);
    const x = t(golden.x);
    const states = c.cell === 'lstm' ? [t(golden.h0), t(golden.c0)] : [t(golden.h0)];
    tf.dispose(layer.apply(x, { initialState: states }) as tf.Tensor[]); // build
    const weights = [t(c.kernel), t(c.recurrentKernel), t(c.bias)];
    layer.setWeights(weights);
    const before = tf.memory().numTensors;
    const got = layer.apply(x, { initialState: states }) as tf.Tensor[];
    const want = [t(c.sequence), t(c.h), ...(c.c ? [t(c.c)] : [])];
    expectClose(got, want, 1e-5);
    tf.dispose([...got, ...want]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...states, ...weights]);
    layer.dispose();
  });

  it.each(CASES)('%s: referenceRecurrence matches within 1e-5', (name) => {
    const c = golden.cases[name] as GoldenCase;
    const out = tf.tidy(() => {
      const r = referenceRecurrence({
        cell: c.cell,
        x: t(golden.x) as tf.Tensor3D,
        kernel: t(c.kernel) as tf.Tensor2D,
        recurrentKernel: t(c.recurrentKernel) as tf.Tensor2D,
        bias: t(c.bias),
        h0: t(golden.h0) as tf.Tensor2D,
        ...(c.cell === 'lstm' ? { c0: t(golden.c0) as tf.Tensor2D } : {}),
        ...(c.cell === 'gru' ? { resetAfter: c.resetAfter ?? true } : {}),
      });
      return [r.sequence, r.h, ...(r.c ? [r.c] : [])];
    });
    const want = [t(c.sequence), t(c.h), ...(c.c ? [t(c.c)] : [])];
    expectClose(out, want, 1e-5);
    tf.dispose([...out, ...want]);
  });
});
