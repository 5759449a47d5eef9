import { manyToOne } from '@rnnkit/models';
import { createTrainer, fit } from '@rnnkit/training';
import { seriesWindows, shuffledSplit } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWindowRegression } from './window-regression.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('createWindowRegression (program 2)', () => {
  it("trains epoch by epoch to fit()'s losses, and leaks nothing", () => {
    const before = tf.memory().numTensors;
    const run = createWindowRegression({ seed: 3 });
    const losses = [run.epoch(), run.epoch(), run.epoch()];
    const r = run.result();
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(r.index).toHaveLength(20);
    expect(r.predicted).toHaveLength(20);
    expect(r.truth).toEqual(r.index.map((j) => Math.fround((j + 5) / 100)));

    // the same program through fit(): the same data, split, model and seed
    const data = Array.from({ length: 105 }, (_, j) => j / 100);
    const w = seriesWindows(data.slice(0, -1), { seqLength: 5, targets: data.slice(5) });
    const split = shuffledSplit(w.length, { test: 0.2, seed: 3 });
    const x = tf.gather(tf.tensor3d(w.x, [w.length, 5, 1]), tf.tensor1d(split.train, 'int32'));
    const y = tf.gather(tf.tensor2d(w.y!, [w.length, 1]), tf.tensor1d(split.train, 'int32'));
    const { model } = manyToOne({
      cell: 'lstm',
      units: 1,
      input: { type: 'features', features: 1 },
      seqLength: 5,
      head: { type: 'none' },
      seed: 3,
    });
    const trainer = createTrainer(model, { loss: 'meanSquaredError', optimizer: { type: 'adam' } });
    const history = fit(trainer, { x, y }, { epochs: 3, batchSize: 32, seed: 3 });
    trainer.dispose();
    model.dispose();
    expect(losses).toEqual(history.loss);
  });

  it("names its input layer 'features' in the model summary: its inputs are numbers", () => {
    const run = createWindowRegression({ seed: 0 });
    const { summary } = run.result();
    run.dispose();
    const rows = summary.filter((l) => /\((InputLayer|LSTM)\)/.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'features (InputLayer)',
      'rnn_1 (LSTM)',
    ]);
    expect(summary.join('\n')).not.toMatch(/tokens/);
  });
});
