import { manyToOne } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { fit } from './fit.js';
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
