/**
 * Program 2 of the tutorial in the terminal: `@rnnkit/demo`'s window regression (an LSTM(1) that
 * reads windows of 5 numbers and predicts the next one) for `--epochs` with a progress bar, then
 * the model summary, the test MSE and two SVG plots (predictions vs truth, loss curve) in
 * `--out`. index.ts runs it; the docs' demo runs the same program in the browser.
 */
import { join, resolve } from 'node:path';
import { lineChart, scatterChart } from '@rnnkit/demo';
import { createWindowRegression } from '@rnnkit/demo/programs';
import type { Io } from '../../io.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { ProgressBar } from '../../util/progress-bar.js';

export { DEFAULT_EPOCHS } from '@rnnkit/demo';

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
  const run = createWindowRegression({ seed: args.seed });
  try {
    const bar = new ProgressBar(io, args.epochs, 'epochs');
    const losses: number[] = [];
    for (let epoch = 0; epoch < args.epochs; epoch++) {
      losses.push(run.epoch());
      bar.update(epoch + 1, `loss ${losses[epoch]!.toFixed(5)}`);
    }
    const { index, truth, predicted, testMse, summary } = run.result();
    for (const line of summary) io.out(line);
    io.out(`test MSE ${testMse.toFixed(6)} on ${index.length} windows`);

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
          { name: 'train', color: '#1f77b4', points: losses.map((l, e) => [e + 1, l] as const) },
        ],
      }),
    );
    io.out(`plots: ${files.predictions}`);
    io.out(`       ${files.loss}`);
    return { testMse, losses, files };
  } finally {
    run.dispose();
  }
}
