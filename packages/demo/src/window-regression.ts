/**
 * Program 2 of the tutorial: an LSTM(1) that reads windows of 5 numbers and predicts the next one.
 * x[j] = [(j+0)/100 .. (j+4)/100], y[j] = (j+5)/100 for j < 100; a seeded 80/20 split; MSE, Adam,
 * batch 32. The epoch loop is `@rnnkit/training`'s `fit`, unrolled so that a caller can report
 * and stop between epochs: `rnnkit demo` (apps/cli/src/commands/demo/, which draws the plots with
 * svg.ts) and the docs' demo worker (apps/docs/demos/window-regression.worker.ts) both run it.
 *
 * @example
 * ```ts
 * const run = createWindowRegression({ seed: 0 });
 * for (let e = 0; e < 1000; e++) run.epoch(); // mean training MSE per epoch
 * run.result().testMse; // about 1e-4 after 1000 epochs
 * run.dispose();
 * ```
 */
import { manyToOne } from '@rnnkit/models';
import { type Batch, createTrainer } from '@rnnkit/training';
import { mulberry32, seriesWindows, shuffledSplit, shuffleInPlace } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';

const WINDOW = 5;
const COUNT = 100;
const BATCH_SIZE = 32;

export interface WindowRegressionResult {
  /** Window number j of each test window (the x axis of the scatter). */
  index: number[];
  truth: number[];
  predicted: number[];
  testMse: number;
  summary: string[];
}

export interface WindowRegressionRun {
  /** One epoch of shuffled mini-batches; returns its mean training loss. */
  epoch(): number;
  result(): WindowRegressionResult;
  dispose(): void;
}

export function createWindowRegression(args: { seed: number }): WindowRegressionRun {
  const data = Array.from({ length: COUNT + WINDOW }, (_, j) => j / 100);
  const windows = seriesWindows(data.slice(0, -1), {
    seqLength: WINDOW,
    targets: data.slice(WINDOW),
  }); // 100 windows
  const split = shuffledSplit(windows.length, { test: 0.2, seed: args.seed }); // train_test_split(test_size=0.2)
  const pick = (idx: Int32Array): Batch => ({
    x: tf.tidy(() =>
      tf.gather(tf.tensor3d(windows.x, [windows.length, WINDOW, 1]), tf.tensor1d(idx, 'int32')),
    ), // [n, 5, 1]
    y: tf.tidy(() =>
      tf.gather(tf.tensor2d(windows.y!, [windows.length, 1]), tf.tensor1d(idx, 'int32')),
    ), // [n, 1]
  });
  const train = pick(split.train);
  const test = pick(split.test);
  const { model } = manyToOne({
    cell: 'lstm',
    units: 1,
    input: { type: 'features', features: 1 },
    seqLength: WINDOW,
    head: { type: 'none' },
    seed: args.seed,
  });
  const trainer = createTrainer(model, { loss: 'meanSquaredError', optimizer: { type: 'adam' } });
  // fit()'s shuffle: one mulberry32 stream over all epochs
  const rand = mulberry32(args.seed);
  const n = split.train.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  return {
    epoch() {
      shuffleInPlace(order, rand); // reshuffles last epoch's order, as fit() does
      let sum = 0;
      for (let start = 0; start < n; start += BATCH_SIZE) {
        const idx = order.slice(start, Math.min(n, start + BATCH_SIZE));
        const i = tf.tensor1d(idx, 'int32');
        const batch: Batch = { x: tf.gather(train.x, i), y: tf.gather(train.y, i) };
        sum += trainer.step(batch) * idx.length;
        tf.dispose([i, batch.x, batch.y]);
      }
      return sum / n;
    },
    result() {
      const summary: string[] = [];
      model.summary(undefined, undefined, (line: string) => summary.push(line));
      const testMse = trainer.evaluate(test);
      const p = tf.tidy(() => model.predict(test.x) as tf.Tensor);
      const predicted = Array.from(p.dataSync());
      p.dispose();
      return {
        index: Array.from(split.test),
        truth: Array.from(test.y.dataSync()),
        predicted,
        testMse,
        summary,
      };
    },
    dispose() {
      tf.dispose([train.x, train.y, test.x, test.y]);
      trainer.dispose();
      model.dispose();
    },
  };
}
