import { manyToOne } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { fit } from './fit.js';
import { rampData, regressionModel, weightsOf } from './test-helpers.js';
import { createTrainer } from './trainer.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

function tinyProblem() {
  // next value of a 3-step ramp: y = last + 0.1
  const xs: number[][][] = [];
  const ys: number[] = [];
  for (let j = 0; j < 20; j++) {
    xs.push([0, 1, 2].map((t) => [(j + t) / 40]));
    ys.push((j + 3) / 40);
  }
  return { x: tf.tensor3d(xs), y: tf.tensor2d(ys, [20, 1]) };
}

describe('createTrainer / fit', () => {
  it('lowers the loss, keeps the tensor count flat, and is deterministic for a seed', () => {
    const run = () => {
      const { model } = manyToOne({
        units: 4,
        input: { type: 'features', features: 1 },
        head: { type: 'regression' },
        seed: 3,
      });
      const trainer = createTrainer(model, {
        loss: 'meanSquaredError',
        optimizer: { type: 'adam', learningRate: 0.05 },
      });
      const data = tinyProblem();
      fit(trainer, data, { epochs: 2, batchSize: 8, seed: 1 }); // warm up: optimizer slots exist now
      const before = tf.memory().numTensors;
      const history = fit(trainer, data, { epochs: 30, batchSize: 8, seed: 1 });
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([data.x, data.y]);
      trainer.dispose();
      model.dispose();
      return history.loss;
    };
    const a = run();
    const b = run();
    expect(a).toEqual(b);
    expect(a[a.length - 1]!).toBeLessThan(a[0]! / 4);
  });
});

describe('createTrainer options', () => {
  it('inputOneHot feeds ids to a model that reads one-hot vectors', () => {
    const { model } = manyToOne({
      units: 4,
      input: { type: 'features', features: 3 }, // x_t is a one-hot vector of 3
      head: { type: 'classes', classes: 2 },
      seed: 0,
    });
    const trainer = createTrainer(model, {
      loss: 'sparseCategoricalCrossentropy',
      optimizer: { type: 'adam', learningRate: 0.1 },
      inputOneHot: 3,
    });
    const x = tf.tensor2d(
      [
        [0, 1, 2],
        [2, 2, 2],
      ],
      [2, 3],
      'int32',
    ); // [batch, time] ids
    const y = tf.tensor1d([0, 1], 'int32');
    const first = trainer.step({ x, y });
    for (let i = 0; i < 20; i++) trainer.step({ x, y });
    expect(trainer.evaluate({ x, y })).toBeLessThan(first / 4);
    const out = trainer.predict(x);
    expect(out.shape).toEqual([2, 2]);
    tf.dispose([x, y, out]);
    trainer.dispose();
    model.dispose();
  });

  it('a non-finite gradient norm with a finite loss is DivergenceError too', () => {
    const model = regressionModel();
    const { x, y } = rampData();
    // sqrt at 0: the loss is 0 but its gradient is infinite
    const trainer = createTrainer(model, {
      loss: (out) => tf.sqrt(tf.sum(tf.mul(out, 0))) as tf.Scalar,
      optimizer: { type: 'sgd' },
      clipNorm: 1,
    });
    const before = weightsOf(model);
    expect(() => trainer.step({ x, y })).toThrow(/diverged at step 1: the gradient norm is NaN/);
    expect(weightsOf(model)).toEqual(before);
    expect(trainer.steps).toBe(0);
    tf.dispose([x, y]);
    trainer.dispose();
    model.dispose();
  });

  it('getState/setState restore weights, optimizer slots, steps and schedule exactly', async () => {
    const args = {
      loss: 'meanSquaredError' as const,
      optimizer: { type: 'rmsprop' as const, learningRate: 0.01, momentum: 0.5 },
      schedule: { type: 'step' as const, stepSize: 2, gamma: 0.5 },
    };
    const { x, y } = rampData();
    const a = regressionModel();
    const ta = createTrainer(a, args);
    for (let i = 0; i < 3; i++) ta.step({ x, y });
    const saved = await ta.getState();
    expect(saved.optimizerWeights).toHaveLength(2 * a.trainableWeights.length); // ms and moments
    const next = [ta.step({ x, y }), ta.step({ x, y })];
    const b = regressionModel(11);
    const tb = createTrainer(b, args);
    await tb.setState(saved);
    expect(tb.steps).toBe(3);
    expect([tb.step({ x, y }), tb.step({ x, y })]).toEqual(next);
    expect(weightsOf(b)).toEqual(weightsOf(a));
    await expect(
      createTrainer(b, { ...args, optimizer: { type: 'adam' } }).setState(saved),
    ).rejects.toThrow(/optimizer is rmsprop, this trainer's is adam/);
    const other = regressionModel(0, 5);
    await expect(createTrainer(other, args).setState(saved)).rejects.toThrow(
      /saved weights do not fit this model: expected shapes/,
    );
    tf.dispose([x, y]);
    for (const t of [ta, tb]) t.dispose();
    for (const m of [a, b, other]) m.dispose();
  });

  it('rejects bad options', () => {
    const model = regressionModel();
    expect(() =>
      createTrainer(model, { loss: 'meanSquaredError', optimizer: { type: 'adam' }, clipNorm: 0 }),
    ).toThrow(/clipNorm must be a number/);
    expect(() =>
      createTrainer(model, {
        loss: 'meanSquaredError',
        optimizer: { type: 'adam' },
        inputOneHot: 0,
      }),
    ).toThrow(/inputOneHot must be an integer >= 1/);
    model.dispose();
  });
});
