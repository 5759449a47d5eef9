import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CELL_TYPES, type CellType } from '../cells/index.js';
import { initializeWeights } from './init-weights.js';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';
import { recurrentLayer } from './recurrent-layer.js';
import { useBackend } from './test-backends.js';

beforeAll(() => useBackend('cpu'));

const CLASSES = { rnn: SimpleRNN, lstm: LSTM, gru: GRU } as const;
const STOCK_NAMES = { rnn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' } as const;

describe('recurrentLayer', () => {
  it.each(CELL_TYPES)('builds rnnkit’s %s layer under the stock class name', (cell) => {
    const layer = recurrentLayer({ cell, units: 3, returnSequences: true, name: `c_${cell}` });
    expect(layer).toBeInstanceOf(CLASSES[cell]);
    expect(layer.getClassName()).toBe(STOCK_NAMES[cell]);
    const config = layer.getConfig();
    expect(config.returnSequences).toBe(true);
    if (cell !== 'rnn') expect(config.recurrentActivation).toBe('sigmoid');
    if (cell === 'gru') expect(config.resetAfter).toBe(true);
  });

  it.each(CELL_TYPES)('%s: returnState, goBackwards and initialState reach the layer', (cell) => {
    const n = cell === 'lstm' ? 2 : 1;
    const layer = recurrentLayer({
      cell,
      units: 4,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
      name: `s_${cell}`,
    });
    const x = tf.ones([2, 3, 5]);
    const h0 = Array.from({ length: n }, () => tf.fill([2, 4], 0.5));
    tf.dispose(layer.apply(x) as tf.Tensor[]); // build, then give every weight 0.1
    const w = layer.weights.map((v) => tf.fill(v.shape as number[], 0.1));
    layer.setWeights(w);
    tf.dispose(w);
    const outs = layer.apply(x, { initialState: h0 }) as tf.Tensor[];
    expect(outs.map((o) => o.shape)).toEqual([[2, 3, 4], ...h0.map(() => [2, 4])]);
    // a non-zero initial state changes the final state
    const zeros = layer.apply(x) as tf.Tensor[];
    expect(Array.from((outs[1] as tf.Tensor).dataSync())).not.toEqual(
      Array.from((zeros[1] as tf.Tensor).dataSync()),
    );
    tf.dispose([x, ...h0, ...outs, ...zeros]);
    layer.dispose();
  });

  it('passes GRU resetAfter false and the activations through', () => {
    const layer = recurrentLayer({
      cell: 'gru',
      units: 2,
      returnSequences: false,
      resetAfter: false,
      activation: 'relu',
      recurrentActivation: 'hardSigmoid',
      useBias: false,
      name: 'g',
    });
    const c = layer.getConfig();
    expect([c.resetAfter, c.activation, c.recurrentActivation, c.useBias]).toEqual([
      false,
      'relu',
      'hardSigmoid',
      false,
    ]);
  });

  it('rejects a bad units or cell with BAD_OPTION', () => {
    expect(() =>
      recurrentLayer({ cell: 'lstm', units: 0, returnSequences: false, name: 'x' }),
    ).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() =>
      recurrentLayer({ cell: 'elman' as CellType, units: 2, returnSequences: false, name: 'y' }),
    ).toThrow(/cell must be one of rnn, lstm, gru/);
  });
});

describe('initializeWeights on rnnkit layers', () => {
  it.each(CELL_TYPES)('%s: kernel glorot, recurrent orthogonal, biases as Keras', (cell) => {
    const model = tfl.sequential({
      layers: [
        recurrentLayer({
          cell,
          units: 4,
          returnSequences: false,
          inputShape: [null, 3],
          name: 'r',
        }),
      ],
    });
    initializeWeights(model, 7);
    // getWeights() returns the layer's own variables: read, never dispose
    const [kernel, recurrent, bias] = model.getLayer('r').getWeights() as tf.Tensor[];
    expect(Array.from(kernel?.dataSync() ?? []).some((v) => v !== 0)).toBe(true);
    // orthogonal [units, k*units]: the rows are orthonormal
    const r = recurrent as tf.Tensor2D;
    const gram = tf.matMul(r, r, false, true);
    const eye = tf.eye(4);
    expect(tf.max(tf.abs(tf.sub(gram, eye))).dataSync()[0]).toBeLessThan(1e-4);
    const b = Array.from(bias?.dataSync() ?? []);
    if (cell === 'gru') expect(bias?.shape).toEqual([2, 12]); // resetAfter: input and recurrent rows
    const expected = b.map((_, i) => (cell === 'lstm' && i >= 4 && i < 8 ? 1 : 0));
    expect(b).toEqual(expected); // LSTM forget gate 1 (unit_forget_bias), else 0
    tf.dispose([gram, eye]);
    model.dispose();
  });
});
