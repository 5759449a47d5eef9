import { fusedHeadLoss } from '@rnnkit/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { charModel, cyclicIds, rampData, regressionModel, weightsOf } from './test-helpers.js';
import { createTrainer, type TrainerArgs } from './trainer.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

/** max |a - b| over two lists of weight arrays. */
function maxDiff(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((w, i) => w.map((v, j) => Math.abs(v - b[i]![j]!))));
}

/**
 * Trains two copies of a model on the same batches, with and without the fused head; returns
 * their losses and final weights. Adam with a small rate, so weight differences stay at the scale
 * of gradient differences times the rate.
 */
function trainBoth(
  make: () => import('@tensorflow/tfjs-layers').LayersModel,
  args: Omit<TrainerArgs, 'optimizer' | 'fuseHead'>,
  batches: { x: tf.Tensor; y: tf.Tensor; mask?: tf.Tensor }[],
) {
  const runs = [true, false].map((fuseHead) => {
    const model = make();
    expect(fusedHeadLoss(model, args.loss as string)).not.toBeNull(); // the fused path exists
    const trainer = createTrainer(model, {
      ...args,
      fuseHead,
      optimizer: { type: 'sgd', learningRate: 0.1 },
    });
    const before = tf.memory().numTensors;
    const losses = batches.map((b) => trainer.step(b));
    const evaluated = trainer.evaluate(batches[0]!);
    const tensors = tf.memory().numTensors - before;
    const weights = weightsOf(model);
    trainer.dispose();
    model.dispose();
    return { losses, evaluated, weights, tensors };
  });
  return { fused: runs[0]!, unfused: runs[1]! };
}

describe('createTrainer fuseHead', () => {
  it('char model, sparse CE: the same losses (1e-5) and weights after SGD steps, masked or not', () => {
    const vocab = 6;
    const ids = cyclicIds(2 * 9, vocab);
    const x = tf.tensor2d(ids.slice(0, 16), [2, 8], 'int32');
    const y = tf.tensor2d(ids.slice(2, 18), [2, 8], 'int32');
    const mask = tf.tensor2d([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], [2, 8]);
    const batches = [
      { x, y },
      { x, y, mask },
      { x, y },
    ];
    const { fused, unfused } = trainBoth(
      () => charModel(vocab, 2),
      { loss: 'sparseCategoricalCrossentropy' },
      batches,
    );
    expect(maxDiff([fused.losses], [unfused.losses])).toBeLessThan(1e-5);
    expect(Math.abs(fused.evaluated - unfused.evaluated)).toBeLessThan(1e-5);
    // SGD 0.1: weights move by 0.1 x the gradient, so 1e-4 on gradients is 1e-5 on weights
    expect(maxDiff(fused.weights, unfused.weights)).toBeLessThan(3e-5);
    expect(fused.tensors).toBe(0);
    tf.dispose([x, y, mask]);
  });

  it('regression head, MSE: the same losses and weights', () => {
    const { x, y } = rampData();
    const { fused, unfused } = trainBoth(
      () => regressionModel(3, 5),
      { loss: 'meanSquaredError', clipNorm: 1 },
      [
        { x, y },
        { x, y },
      ],
    );
    expect(maxDiff([fused.losses], [unfused.losses])).toBeLessThan(1e-5);
    expect(maxDiff(fused.weights, unfused.weights)).toBeLessThan(3e-5);
    expect(fused.tensors).toBe(0);
    tf.dispose([x, y]);
  });
});
