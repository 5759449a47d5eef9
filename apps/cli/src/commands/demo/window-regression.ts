/**
 * Program 2 of the tutorial: an LSTM(1) that reads windows of 5 numbers and predicts the next one.
 * x[j] = [(j+0)/100 .. (j+4)/100], y[j] = (j+5)/100 for j < 100; a seeded 80/20 split; MSE, Adam;
 * then the model summary, the test MSE and two SVG plots (predictions vs truth, loss curve).
 */
import { join, resolve } from 'node:path';
import { manyToOne } from '@rnnkit/models';
import { createTrainer, fit } from '@rnnkit/training';
import { seriesWindows, shuffledSplit } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import type { Io } from '../../io.js';
import { lineChart, scatterChart } from '../../plot/svg.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { ProgressBar } from '../../util/progress-bar.js';

export const DEFAULT_EPOCHS = 1000;
const WINDOW = 5;
const COUNT = 100;

export interface WindowRegressionArgs {
  epochs: number;
  seed: number;
  /** Folder for the plots, relative to io.cwd. */
  outDir: string;
}

export interface WindowRegressionResult {
  testMse: number;
  losses: number[];
  files: { predictions: string; loss: string };
}

export async function runWindowRegression(
  args: WindowRegressionArgs,
  io: Io,
): Promise<WindowRegressionResult> {
  const data = Array.from({ length: COUNT + WINDOW }, (_, j) => j / 100);
  const windows = seriesWindows(data.slice(0, -1), {
    seqLength: WINDOW,
    targets: data.slice(WINDOW),
  }); // 100 windows
  const split = shuffledSplit(windows.length, { test: 0.2, seed: args.seed }); // train_test_split(test_size=0.2)
  const pick = (idx: Int32Array) => ({
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
  try {
    const bar = new ProgressBar(io, args.epochs, 'epochs');
    const history = fit(trainer, train, {
      epochs: args.epochs,
      batchSize: 32,
      seed: args.seed,
      onEpochEnd: (epoch, loss) => bar.update(epoch + 1, `loss ${loss.toFixed(5)}`),
    });
    model.summary(undefined, undefined, (line: string) => io.out(line));
    const testMse = trainer.evaluate(test);
    io.out(`test MSE ${testMse.toFixed(6)} on ${split.test.length} windows`);

    const predicted = tf.tidy(() => model.predict(test.x) as tf.Tensor).dataSync();
    const truth = test.y.dataSync();
    const index = Array.from(split.test); // x axis: window number j
    const dir = resolve(io.cwd, args.outDir);
    const files = { predictions: join(dir, 'predictions.svg'), loss: join(dir, 'loss.svg') };
    await writeFileAtomic(
      files.predictions,
      scatterChart({
        title: `LSTM(1) on ${index.length} test windows (test MSE ${testMse.toFixed(5)})`,
        xLabel: 'window j',
        yLabel: 'next value',
        series: [
          { name: 'truth', color: '#2ca02c', points: index.map((j, k) => [j, truth[k]!] as const) },
          {
            name: 'prediction',
            color: '#d62728',
            points: index.map((j, k) => [j, predicted[k]!] as const),
          },
        ],
      }),
    );
    await writeFileAtomic(
      files.loss,
      lineChart({
        title: 'training loss (MSE) per epoch',
        xLabel: 'epoch',
        yLabel: 'MSE',
        series: [
          {
            name: 'train',
            color: '#1f77b4',
            points: history.loss.map((l, e) => [e + 1, l] as const),
          },
        ],
      }),
    );
    io.out(`plots: ${files.predictions}`);
    io.out(`       ${files.loss}`);
    return { testMse, losses: history.loss, files };
  } finally {
    tf.dispose([train.x, train.y, test.x, test.y]);
    trainer.dispose();
    model.dispose();
  }
}
