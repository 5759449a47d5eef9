/**
 * A trainer: one model, one loss, one optimizer; `step` runs one gradient update.
 *
 * @example
 * ```ts
 * const trainer = createTrainer(model, { loss: 'meanSquaredError', optimizer: { type: 'adam' } });
 * const loss = trainer.step({ x, y }); // a number; no tensor outlives the call
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TrainingError } from './errors.js';
import { LOSSES, type LossName } from './losses.js';
import { createOptimizer, type OptimizerConfig } from './optimizers.js';

export interface Batch {
  /** Model input, e.g. [batch, time, features]. */
  x: tf.Tensor;
  /** Targets: int32 labels [batch, time] / [batch], or values shaped like the output. */
  y: tf.Tensor;
  /** Optional [batch, time] mask of real steps for sequence losses. */
  mask?: tf.Tensor;
}

export interface TrainerArgs {
  loss: LossName;
  optimizer: OptimizerConfig;
}

export interface Trainer {
  readonly model: tfl.LayersModel;
  readonly optimizer: tf.Optimizer;
  /** One update on a batch; returns the batch loss before the update. */
  step(batch: Batch): number;
  /** The loss on a batch without updating. */
  evaluate(batch: Batch): number;
  /** Frees the optimizer's state. The model stays the caller's. */
  dispose(): void;
}

export function createTrainer(model: tfl.LayersModel, args: TrainerArgs): Trainer {
  const lossFn = LOSSES[args.loss];
  if (!lossFn) {
    throw new TrainingError(
      'BAD_OPTION',
      `unknown loss ${JSON.stringify(args.loss)}: expected one of ${Object.keys(LOSSES).join(', ')}`,
    );
  }
  const optimizer = createOptimizer(args.optimizer);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const forwardLoss = (batch: Batch, training: boolean): tf.Scalar => {
    const out = model.apply(batch.x, { training }) as tf.Tensor;
    return lossFn(out, batch.y, batch.mask);
  };
  return {
    model,
    optimizer,
    step(batch) {
      const loss = optimizer.minimize(() => forwardLoss(batch, true), true, vars);
      const value = loss!.dataSync()[0]!;
      loss!.dispose();
      return value;
    },
    evaluate(batch) {
      const loss = tf.tidy(() => forwardLoss(batch, false));
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    },
    dispose() {
      optimizer.dispose();
    },
  };
}
