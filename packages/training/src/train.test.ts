import { batches, nextTokenWindows } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { manyToMany } from '@rnnkit/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { DivergenceError, TrainingError } from './errors.js';
import { sparseCategoricalCrossentropy } from './losses.js';
import {
  charModel,
  cyclicIds,
  memoryFs,
  rampData,
  regressionModel,
  weightsOf,
} from './test-helpers.js';
import { type Progress, type TrainOptions, train } from './train.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

const VOCAB = 6;
const windows = nextTokenWindows(cyclicIds(200, VOCAB), { seqLength: 8, stride: 4 }); // 48 windows

/** A char-model run: Adam, clipping and a cosine schedule, so resume must restore all of them. */
const charOptions = (extra: Partial<TrainOptions> = {}): TrainOptions => ({
  loss: 'sparseCategoricalCrossentropy',
  optimizer: { type: 'adam', learningRate: 0.02 },
  clipNorm: 1,
  schedule: { type: 'cosine', warmupSteps: 3, totalSteps: 20 },
  batchSize: 10, // 5 batches per epoch, the last one of 8
  seed: 7,
  ...extra,
});

describe('train on tensors', () => {
  it('lowers the loss, records a history and leaks no tensors', async () => {
    const model = regressionModel();
    const data = rampData();
    const before = tf.memory().numTensors;
    const h = await train(model, data, {
      loss: 'meanSquaredError',
      optimizer: { type: 'adam', learningRate: 0.05 },
      epochs: 20,
      batchSize: 8,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(h.stopReason).toBe('completed');
    expect(h.steps).toBe(60); // 3 batches x 20 epochs
    expect(h.loss).toHaveLength(60);
    expect(h.epochLoss).toHaveLength(20);
    expect(h.epochLoss[19]!).toBeLessThan(h.epochLoss[0]! / 4);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  it('gives the same losses for the same seed, others for another', async () => {
    const run = async (seed: number) => {
      const model = regressionModel();
      const data = rampData();
      const h = await train(model, data, {
        loss: 'meanSquaredError',
        optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 },
        epochs: 3,
        batchSize: 4,
        seed,
      });
      tf.dispose([data.x, data.y]);
      model.dispose();
      return h.loss;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  it('takes plain nested arrays', async () => {
    const model = regressionModel();
    const x = Array.from({ length: 6 }, (_, j) => [[j / 10], [(j + 1) / 10], [(j + 2) / 10]]);
    const y = Array.from({ length: 6 }, (_, j) => [(j + 3) / 10]);
    const before = tf.memory().numTensors;
    const h = await train(
      model,
      { x, y },
      { loss: 'huber', optimizer: { type: 'rmsprop' }, epochs: 2, batchSize: 4 },
    );
    expect(h.steps).toBe(4);
    expect(tf.memory().numTensors).toBe(before); // the converted tensors are freed
    model.dispose();
  });
});

describe('train on windowing data', () => {
  it('trains a char model from a source, with validation metrics every N steps and progress', async () => {
    const model = charModel(VOCAB);
    const progress: Progress[] = [];
    const lines: string[] = [];
    const h = await train(model, windows, {
      ...charOptions(),
      epochs: 2,
      validation: nextTokenWindows(cyclicIds(60, VOCAB), { seqLength: 8, stride: 8 }),
      validateEvery: 4,
      metrics: ['accuracy', 'topKAccuracy', 'perplexity', 'bitsPerChar'],
      topK: 2,
      progressEvery: 2,
      onProgress: (p) => progress.push(p),
      logger: (l) => lines.push(l),
    });
    expect(h.steps).toBe(10);
    expect(h.validation.map((v) => v.step)).toEqual([4, 8]);
    const m = h.validation[1]!.metrics;
    expect(Object.keys(m).sort()).toEqual([
      'accuracy',
      'bitsPerChar',
      'loss',
      'perplexity',
      'topKAccuracy',
    ]);
    expect(m.perplexity).toBeCloseTo(Math.exp(m.loss!), 4); // no mask: loss per token = loss
    expect(m.bitsPerChar).toBeCloseTo(m.loss! / Math.LN2, 5);
    expect(m.topKAccuracy!).toBeGreaterThanOrEqual(m.accuracy!);
    expect(progress.map((p) => p.step)).toEqual([2, 4, 6, 8, 10]);
    expect(progress[0]!.totalSteps).toBe(10);
    expect(progress[0]!.tokensPerSecond).toBeGreaterThan(0);
    expect(progress[4]!.etaMs).toBe(0);
    expect(progress[0]!.batchesPerEpoch).toBe(5);
    expect(lines.filter((l) => /^step \d+\/10 epoch \d loss \d/.test(l))).toHaveLength(5);
    expect(h.learningRate.slice(0, 4).map((v) => +v.toFixed(5))).toEqual([
      0.00667, 0.01333, 0.02, 0.02,
    ]);
    model.dispose();
  });

  it('takes an iterable of array batches (batches(...)) and stops at `steps`', async () => {
    const model = charModel(VOCAB);
    const h = await train(model, batches(windows, { batchSize: 16, shuffle: true, seed: 3 }), {
      ...charOptions(),
      steps: 5,
    });
    expect(h.steps).toBe(5);
    expect(h.stopReason).toBe('steps');
    expect(h.epochLoss).toHaveLength(1); // 3 batches per epoch: one full epoch, then 2 steps
    model.dispose();
  });

  it('seeds dropout: a model with dropout gives the same losses for the same seed', async () => {
    const run = async (seed: number) => {
      const { model } = manyToMany({
        units: 8,
        layers: 2,
        dropout: 0.5,
        classes: VOCAB,
        input: { type: 'oneHot', vocabSize: VOCAB },
        seed: 1,
      });
      const h = await train(model, windows, { ...charOptions(), steps: 4, seed });
      model.dispose();
      return h.loss;
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
  });
});

describe('checkpoints and resume', () => {
  it.each([
    ['mid-epoch', 7],
    ['at an epoch boundary', 10],
  ])('resume from step k (%s) and train to n == train straight to n', async (_, k) => {
    const n = 13;
    const straight = charModel(VOCAB);
    const a = await train(straight, windows, { ...charOptions(), steps: n });

    const fs = memoryFs();
    const first = charModel(VOCAB);
    const part = await train(first, windows, {
      ...charOptions(),
      steps: k,
      checkpoint: { dir: 'ck', fs, everySteps: 3 },
    });
    expect(part.stopReason).toBe('steps');
    first.dispose();
    const resumed = charModel(VOCAB, 99); // other initial weights: the checkpoint must replace them
    const b = await train(resumed, windows, {
      ...charOptions(),
      steps: n,
      checkpoint: { dir: 'ck', fs },
    });
    expect(b.resumedFrom).toBe(k);
    expect(b.loss).toEqual(a.loss);
    expect(b.learningRate).toEqual(a.learningRate);
    expect(b.epochLoss).toEqual(a.epochLoss);
    expect(weightsOf(resumed)).toEqual(weightsOf(straight));
    straight.dispose();
    resumed.dispose();
  });

  it('an AbortSignal stops after the current step and saves a checkpoint there', async () => {
    const fs = memoryFs();
    const model = charModel(VOCAB);
    const ac = new AbortController();
    const h = await train(model, windows, {
      ...charOptions(),
      epochs: 5,
      signal: ac.signal,
      checkpoint: { dir: 'ck', fs },
      callbacks: {
        onStepEnd: (p) => {
          if (p.step === 3) ac.abort();
        },
      },
    });
    expect(h.stopReason).toBe('aborted');
    expect(h.steps).toBe(3);
    const manifest = JSON.parse(new TextDecoder().decode(fs.files.get('ck/last/manifest.json')));
    expect(manifest.step).toBe(3);
    expect(manifest.loop).toMatchObject({ epoch: 0, batchInEpoch: 3 });
    model.dispose();
  });

  it('a user callback can stop training', async () => {
    const model = charModel(VOCAB);
    const h = await train(model, windows, {
      ...charOptions(),
      epochs: 3,
      callbacks: [{ onEpochEnd: ({ epoch }) => (epoch === 0 ? 'stop' : undefined) }],
    });
    expect(h.stopReason).toBe('callback');
    expect(h.steps).toBe(5);
    model.dispose();
  });

  it('a failing checkpoint write stops training with CHECKPOINT_WRITE', async () => {
    const fs = memoryFs();
    fs.fault = (op) => (op === 'writeFile' ? 'ENOSPC' : undefined);
    const model = charModel(VOCAB);
    const err = await train(model, windows, {
      ...charOptions(),
      steps: 4,
      checkpoint: { dir: 'ck', fs, everySteps: 2 },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect(err.code).toBe('CHECKPOINT_WRITE');
    expect(err.message).toMatch(/at step 2.*ENOSPC/);
    model.dispose();
  });
});

describe('divergence', () => {
  it('a NaN loss stops with DivergenceError naming the step; the last checkpoint stays intact', async () => {
    const fs = memoryFs();
    const model = charModel(VOCAB);
    let calls = 0;
    let weightsBefore: number[][] = [];
    const before = tf.memory().numTensors;
    const err = await train(model, windows, {
      ...charOptions(),
      // a loss that turns NaN on the 5th update (validation is off, so calls = steps)
      loss: (out, y, mask) => {
        calls++;
        const l = sparseCategoricalCrossentropy(out, y, mask);
        return calls === 5 ? tf.tidy(() => tf.mul(l, Number.NaN)) : l;
      },
      epochs: 3,
      checkpoint: { dir: 'ck', fs, everySteps: 2 },
      callbacks: {
        onStepEnd: (p) => {
          if (p.step === 4) weightsBefore = weightsOf(model);
        },
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect(err.code).toBe('DIVERGED');
    expect(err.step).toBe(5);
    expect(err.message).toMatch(/diverged at step 5: the loss is NaN/);
    expect(weightsOf(model)).toEqual(weightsBefore); // the NaN update was not applied
    const manifest = JSON.parse(new TextDecoder().decode(fs.files.get('ck/last/manifest.json')));
    expect(manifest.step).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('early stopping', () => {
  it('stops after `patience` evaluations without improvement and restores the best weights', async () => {
    const model = regressionModel();
    const data = rampData();
    // validation targets go the other way: the better the fit, the worse val_loss
    const validation = { x: data.x, y: tf.neg(data.y) };
    const snapshots: number[][][] = [];
    const fs = memoryFs();
    const h = await train(model, data, {
      loss: 'meanSquaredError',
      optimizer: { type: 'adam', learningRate: 0.05 },
      epochs: 50,
      batchSize: 20,
      validation,
      metrics: ['mae', 'rmse', 'mape'],
      earlyStopping: { patience: 2 },
      checkpoint: { dir: 'ck', fs, best: true },
      callbacks: { onEpochEnd: () => void snapshots.push(weightsOf(model)) },
    });
    expect(h.stopReason).toBe('earlyStopping');
    expect(h.steps).toBe(3); // best at epoch 1, then 2 worse evaluations
    expect(h.best).toEqual({ monitor: 'val_loss', value: h.validation[0]!.metrics.loss, step: 1 });
    expect(weightsOf(model)).toEqual(snapshots[0]);
    expect(fs.files.has('ck/best/weights.bin')).toBe(true);
    tf.dispose([data.x, data.y, validation.y]);
    model.dispose();
  });

  it('reduce-on-plateau changes the learning rate the optimizer uses', async () => {
    const model = regressionModel();
    const data = rampData();
    const h = await train(model, data, {
      loss: 'meanSquaredError',
      optimizer: { type: 'sgd', learningRate: 0.1 },
      schedule: { type: 'plateau', patience: 1, factor: 0.5 },
      epochs: 4,
      batchSize: 20,
      validation: { x: data.x, y: tf.neg(data.y) },
    });
    expect(h.learningRate).toEqual([0.1, 0.1, 0.05, 0.025]);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });
});

describe('monitor and resume options', () => {
  it('monitors val_accuracy (maximised), keeps the final weights with restoreBestWeights: false', async () => {
    const model = charModel(VOCAB);
    const val = nextTokenWindows(cyclicIds(60, VOCAB), { seqLength: 8, stride: 8 });
    let final: number[][] = [];
    const h = await train(model, windows, {
      ...charOptions(),
      epochs: 3,
      shuffle: false,
      validation: val,
      validationBatchSize: 3,
      metrics: ['accuracy'],
      monitor: 'val_accuracy',
      earlyStopping: { patience: 5, restoreBestWeights: false },
      callbacks: { onEpochEnd: () => void (final = weightsOf(model)) },
    });
    const accs = h.validation.map((v) => v.metrics.accuracy!);
    expect(h.best!.monitor).toBe('val_accuracy');
    expect(h.best!.value).toBe(Math.max(...accs));
    expect(weightsOf(model)).toEqual(final);
    model.dispose();
  });

  it('resume: false starts over even when a checkpoint exists', async () => {
    const fs = memoryFs();
    const m1 = charModel(VOCAB);
    await train(m1, windows, { ...charOptions(), steps: 2, checkpoint: { dir: 'ck', fs } });
    const m2 = charModel(VOCAB);
    const h = await train(m2, windows, {
      ...charOptions(),
      steps: 3,
      checkpoint: { dir: 'ck', fs, resume: false },
    });
    expect(h.resumedFrom).toBeUndefined();
    expect(h.loss).toHaveLength(3);
    for (const m of [m1, m2]) m.dispose();
  });
});

describe('options and data errors', () => {
  const model = () => regressionModel();
  it.each([
    [{ batchSize: 0 }, /batchSize must be an integer >= 1/],
    [{ monitor: 'val_loss' }, /needs validation data/],
    [{ earlyStopping: { patience: -1 } }, /patience must be an integer >= 0/],
    [{ loss: 'nope' }, /unknown loss "nope": expected one of/],
  ])('%j is BAD_OPTION', async (extra, message) => {
    const m = model();
    const err = await train(m, rampData(), {
      loss: 'meanSquaredError',
      optimizer: { type: 'adam' },
      ...(extra as Partial<TrainOptions>),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect(err.message).toMatch(message);
    m.dispose();
  });

  it('a metric monitor must be computed', async () => {
    const m = model();
    const d = rampData();
    await expect(
      train(m, d, {
        loss: 'meanSquaredError',
        optimizer: { type: 'adam' },
        validation: d,
        monitor: 'val_mae',
      }),
    ).rejects.toThrow(/add 'mae' to options.metrics/);
    m.dispose();
  });

  it('rejects unusable data with BAD_DATA', async () => {
    const m = model();
    const opts: TrainOptions = { loss: 'meanSquaredError', optimizer: { type: 'adam' } };
    await expect(train(m, 42 as never, opts)).rejects.toThrow(/unrecognised training data/);
    await expect(train(m, { x: tf.zeros([3, 3, 1]), y: tf.zeros([2, 1]) }, opts)).rejects.toThrow(
      /x has 3 examples but y has 2/,
    );
    const ragged = await train(m, { x: [[1], [2, 3]], y: [1] } as never, opts).catch((e) => e);
    expect(ragged.code).toBe('BAD_DATA');
    m.dispose();
  });
});

describe('memory', () => {
  it('keeps the tensor count flat over 200 steps of an LSTM(32)', async () => {
    const model = regressionModel(0, 32);
    const xs = tf.randomUniform([64, 4, 1], 0, 1, 'float32', 1); // [examples, time 4, features 1]
    const ys = tf.randomUniform([64, 1], 0, 1, 'float32', 2);
    const counts: number[] = [];
    await train(
      model,
      { x: xs, y: ys },
      {
        loss: 'meanSquaredError',
        optimizer: { type: 'adamw' },
        clipNorm: 1,
        clipValue: 0.5,
        steps: 200,
        batchSize: 8,
        callbacks: { onStepEnd: () => void counts.push(tf.memory().numTensors) },
      },
    );
    expect(counts).toHaveLength(200);
    expect(new Set(counts.slice(1)).size).toBe(1); // after step 1 the optimizer slots exist
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
