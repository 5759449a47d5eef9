import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchFor, CELLS, flatWeights, inputKinds, maxDiff, useCpu } from '../test-helpers.js';
import { oneToMany } from './one-to-many.js';

beforeAll(useCpu);

const classCond = { type: 'class', classes: 3, dims: 4 } as const;
const featCond = { type: 'features', features: 2 } as const;

describe('oneToMany shapes', () => {
  for (const cell of CELLS) {
    for (const input of inputKinds(6)) {
      for (const condition of [classCond, featCond]) {
        it(`${cell}, ${input.type} input, ${condition.type} condition -> [batch, time, classes]`, () => {
          const net = oneToMany({ cell, units: 5, classes: 7, condition, input, layers: 2 });
          const c =
            condition.type === 'class' ? tf.tensor2d([[0], [2]], [2, 1], 'int32') : tf.ones([2, 2]);
          const x = batchFor(input, 2, 4);
          const y = net.model.predict([c, x]) as tf.Tensor;
          expect(y.shape).toEqual([2, 4, 7]);
          const state = net.conditionToState(c);
          expect(state.map((s) => s.shape)).toEqual(Array(cell === 'lstm' ? 4 : 2).fill([2, 5]));
          tf.dispose([c, x, y, ...state]);
          net.dispose();
        });
      }
    }
  }
});

describe('oneToMany inference pieces', () => {
  for (const cell of CELLS) {
    for (const every of [false, true]) {
      it(`${cell}${every ? ' with the condition at every step' : ''}: step() chained equals the teacher-forced model`, () => {
        const net = oneToMany({
          cell,
          units: 6,
          classes: 5,
          layers: 2,
          condition: classCond,
          input: { type: 'embedding', vocabSize: 5, dims: 3 },
          conditionEveryStep: every,
          seed: 3,
        });
        const cond = tf.tensor1d([1, 2], 'int32');
        const ids = tf.tensor2d(
          [
            [1, 4, 2],
            [3, 3, 1],
          ],
          [2, 3],
          'int32',
        );
        const full = net.model.predict([tf.reshape(cond, [2, 1]), ids]) as tf.Tensor; // [2, 3, 5]
        const before = tf.memory().numTensors;
        let state = net.conditionToState(cond);
        const steps: tf.Tensor[] = [];
        for (let t = 0; t < 3; t++) {
          const prev = tf.tidy(() => tf.reshape(tf.slice(ids, [0, t], [2, 1]), [2]));
          const out = net.step(prev, state, cond);
          tf.dispose([prev, ...state]);
          state = out.state;
          steps.push(out.logits);
        }
        // state + logits per step are what the caller holds; nothing else stayed behind
        expect(tf.memory().numTensors).toBe(before + state.length + 3);
        const stacked = tf.stack(steps, 1);
        expect(maxDiff(stacked, full)).toBeLessThan(1e-5);
        tf.dispose([cond, ids, full, stacked, ...steps, ...state]);
        net.dispose();
      });
    }
  }

  it('maps the condition through tanh (states in (-1, 1)) and gives different states per class', () => {
    const net = oneToMany({
      cell: 'lstm',
      units: 8,
      classes: 4,
      condition: classCond,
      input: { type: 'oneHot', vocabSize: 4 },
    });
    const [h, c] = net.conditionToState(tf.tensor1d([0, 1], 'int32'));
    const hv = h!.arraySync() as number[][];
    expect(hv.flat().every((x) => Math.abs(x) < 1)).toBe(true);
    expect(hv[0]).not.toEqual(hv[1]);
    tf.dispose([h!, c!]);
    net.dispose();
  });

  it('is a function of the seed', () => {
    const make = (seed: number) =>
      oneToMany({
        units: 4,
        classes: 3,
        condition: featCond,
        input: { type: 'oneHot', vocabSize: 3 },
        seed,
      });
    const [a, b, c] = [make(7), make(7), make(8)];
    expect(flatWeights(a.model)).toEqual(flatWeights(b.model));
    expect(flatWeights(a.model)).not.toEqual(flatWeights(c.model));
    for (const m of [a, b, c]) m.dispose();
  });

  it('rejects a bad condition with the valid choices', () => {
    expect(() =>
      oneToMany({
        units: 4,
        classes: 3,
        condition: { type: 'image' } as never,
        input: { type: 'oneHot', vocabSize: 3 },
      }),
    ).toThrow(/condition.type must be 'class' or 'features', got "image"/);
  });
});

describe('oneToMany memory', () => {
  it('dispose() frees every weight, shared layers included: building is flat', () => {
    const build = () =>
      oneToMany({
        cell: 'gru',
        units: 3,
        classes: 4,
        layers: 2,
        condition: classCond,
        input: { type: 'oneHot', vocabSize: 4 },
        conditionEveryStep: true,
      });
    build().dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) build().dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
