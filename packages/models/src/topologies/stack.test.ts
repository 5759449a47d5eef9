import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CellType } from '../cells/index.js';
import { CELLS, useCpu } from '../test-helpers.js';
import { manyToMany } from './many-to-many.js';
import { manyToOne } from './many-to-one.js';
import { oneToMany } from './one-to-many.js';
import { ReverseTime, recurrentStack } from './stack.js';

beforeAll(useCpu);

/**
 * Parameters of one recurrent layer reading `inputs` features: gates * units * (inputs + units + 1),
 * gates 1 (rnn), 4 (lstm), 3 (gru); a GRU with resetAfter has a second bias row (+3 units).
 */
function cellParams(cell: CellType, inputs: number, units: number, resetAfter: boolean): number {
  const gates = { rnn: 1, lstm: 4, gru: 3 }[cell];
  return gates * units * (inputs + units + 1) + (cell === 'gru' && resetAfter ? 3 * units : 0);
}

describe('parameter counts', () => {
  for (const cell of CELLS) {
    for (const bidirectional of [false, true]) {
      it(`${cell}, 3 layers${bidirectional ? ', bidirectional' : ''}: recurrent + dense match the formula`, () => {
        const [features, units, classes, layers] = [5, 4, 3, 3];
        const { model } = manyToMany({
          cell,
          units,
          classes,
          layers,
          bidirectional,
          dropout: 0.2,
          input: { type: 'features', features },
        });
        const resetAfter = model.getLayer('rnn_1').getConfig()['resetAfter'] === true;
        const dirs = bidirectional ? 2 : 1;
        let expected = 0;
        for (let l = 0; l < layers; l++) {
          expected += dirs * cellParams(cell, l === 0 ? features : dirs * units, units, resetAfter);
        }
        expected += (dirs * units + 1) * classes; // dense logits
        expect(model.countParams()).toBe(expected);
        model.dispose();
      });
    }
  }

  it('manyToOne with an embedding: table + stack + head', () => {
    const { model } = manyToOne({
      cell: 'lstm',
      units: 6,
      layers: 2,
      input: { type: 'embedding', vocabSize: 10, dims: 4 },
      head: { type: 'classes', classes: 3 },
    });
    expect(model.countParams()).toBe(10 * 4 + 4 * 6 * (4 + 6 + 1) + 4 * 6 * (6 + 6 + 1) + 7 * 3);
    model.dispose();
  });
});

describe('dropout placement', () => {
  it('goes between stacked layers only, and is off in predict', () => {
    const { model } = manyToMany({
      units: 3,
      classes: 2,
      layers: 3,
      dropout: 0.5,
      input: { type: 'features', features: 2 },
    });
    expect(model.layers.map((l) => l.name).filter((n) => n.includes('dropout'))).toEqual([
      'rnn_1_dropout',
      'rnn_2_dropout',
    ]);
    const x = tf.ones([1, 4, 2]);
    const [a, b] = [model.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor];
    expect(a.arraySync()).toEqual(b.arraySync());
    tf.dispose([x, a, b]);
    model.dispose();
  });
});

describe('ReverseTime', () => {
  it('reverses the time axis and passes the mask through', () => {
    const layer = new ReverseTime();
    const x = tf.tensor3d([[[1], [2], [3]]]);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.arraySync()).toEqual([[[3], [2], [1]]]);
    const mask = tf.tensor2d([[1, 1, 0]]);
    expect(layer.computeMask(x, mask)).toBe(mask);
    expect(ReverseTime.className).toBe('rnnkit>ReverseTime');
    tf.dispose([x, y, mask]);
  });

  it('refuses an initial state on a bidirectional stack', () => {
    const x = tfl.input({ shape: [null, 2] });
    const h = tfl.input({ shape: [3] });
    expect(() =>
      recurrentStack(x, {
        cell: 'gru',
        units: 3,
        layers: 1,
        bidirectional: true,
        dropout: 0,
        returnSequences: true,
        returnState: true,
        initialState: [[h]],
        name: 'rnn',
      }),
    ).toThrow(/bidirectional stack cannot take an initial state/);
  });
});

describe('tfjs training paths', () => {
  // tfjs's executor hands one options object to every layer in turn, and stock RNN.apply writes
  // its initialState into it: with stock layers, the second stacked layer taking a state threw
  // "When inputs is an array, neither initialState or constants should be provided".
  it('fit() and trainOnBatch() run a 2-layer oneToMany whose layers take initial states', async () => {
    const net = oneToMany({
      cell: 'lstm',
      units: 4,
      layers: 2,
      classes: 3,
      condition: { type: 'features', features: 2 },
      input: { type: 'embedding', vocabSize: 3, dims: 2, maskZero: true },
    });
    net.model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const c = tf.ones([2, 2]);
    const x = tf.tensor2d(
      [
        [1, 2, 0],
        [2, 2, 1],
      ],
      [2, 3],
      'int32',
    );
    const y = tf.zeros([2, 3, 3]);
    const before = tf.memory().numTensors;
    const history = await net.model.fit([c, x], y, { epochs: 2, batchSize: 2, verbose: 0 });
    expect(history.history['loss']).toHaveLength(2);
    const loss = await net.model.trainOnBatch([c, x], y);
    expect(Number.isFinite(loss as number)).toBe(true);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 8); // optimizer slots, no growth
    tf.dispose([c, x, y]);
    net.model.dispose();
  });
});
