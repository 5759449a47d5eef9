/**
 * Epochs of shuffled mini-batches over in-memory tensors.
 *
 * @example
 * ```ts
 * const history = fit(trainer, { x, y }, { epochs: 10, batchSize: 32, seed: 0 });
 * history.loss.length; // 10
 * ```
 */

import { mulberry32, shuffleInPlace } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { TrainingError } from './errors.js';
import type { Batch, Trainer } from './trainer.js';

export interface FitArgs {
  epochs: number;
  /** Examples per update; the last batch of an epoch may be smaller. Default 32 (as Keras). */
  batchSize?: number;
  /** Reshuffle the examples every epoch. Default true (as Keras). */
  shuffle?: boolean;
  /** Seed of the shuffles. Default 0. */
  seed?: number;
  /** Called after every epoch with its mean training loss. */
  onEpochEnd?: (epoch: number, loss: number) => void;
}

export interface History {
  /** Mean training loss per epoch (weighted by batch size). */
  loss: number[];
}

export function fit(trainer: Trainer, data: Batch, args: FitArgs): History {
  const n = data.x.shape[0]!;
  const batchSize = args.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TrainingError('BAD_OPTION', `batchSize must be an integer >= 1, got ${batchSize}`);
  }
  const rand = mulberry32(args.seed ?? 0);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const loss: number[] = [];
  for (let epoch = 0; epoch < args.epochs; epoch++) {
    if (args.shuffle ?? true) shuffleInPlace(order, rand); // reshuffles last epoch's order
    let sum = 0;
    for (let start = 0; start < n; start += batchSize) {
      const idx = order.slice(start, Math.min(n, start + batchSize));
      const i = tf.tensor1d(idx, 'int32');
      const batch: Batch = { x: tf.gather(data.x, i), y: tf.gather(data.y, i) };
      if (data.mask) batch.mask = tf.gather(data.mask, i);
      sum += trainer.step(batch) * idx.length;
      tf.dispose([i, batch.x, batch.y, ...(batch.mask ? [batch.mask] : [])]);
    }
    loss.push(sum / n);
    args.onEpochEnd?.(epoch, sum / n);
  }
  return { loss };
}
