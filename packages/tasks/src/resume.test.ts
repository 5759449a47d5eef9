/**
 * Checkpoints and resume through the tasks' hooks (common.ts runTraining): a run interrupted at
 * step k and resumed from its checkpoint ends with the same losses and the same weights as an
 * uninterrupted run, for every task.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classification } from './classification/index.js';
import type { TaskEvent, TaskHooks } from './common.js';
import { conditionalGeneration } from './conditional-generation/index.js';
import { forecasting } from './forecasting/index.js';
import { seq2seq } from './seq2seq/index.js';
import { useCpu } from './test-helpers.js';
import { textGeneration } from './text-generation/index.js';

let work: string;
beforeAll(async () => {
  await useCpu();
  work = await mkdtemp(join(tmpdir(), 'rnnkit-resume-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

interface Run {
  losses: number[];
  epochs: TaskEvent[];
  steps: number;
  stopReason: string;
  /** The step the run resumed from, and the first step it trained. */
  resumedFrom: number | undefined;
  firstStep: number | undefined;
  weights: Float32Array[];
}

/** A task's train(data, options, hooks) that returns its model, to compare weights. */
type Train = (hooks: TaskHooks) => Promise<{ model: tfl.LayersModel; dispose(): void }>;

/** Trains with the hooks; `stopAt` aborts after that step (the checkpoint is written then). */
async function runOnce(train: Train, dir: string | undefined, stopAt?: number): Promise<Run> {
  const stop = new AbortController();
  const run: Run = {
    losses: [],
    epochs: [],
    steps: 0,
    stopReason: '',
    resumedFrom: undefined,
    firstStep: undefined,
    weights: [],
  };
  const task = await train({
    logger: () => {},
    signal: stop.signal,
    ...(dir ? { checkpoint: { dir } } : {}),
    onEvent: (e) => {
      if (e.type === 'progress') run.firstStep ??= e.progress.step;
      if (e.type === 'progress' && e.progress.step === stopAt) stop.abort();
      if (e.type === 'epoch') run.epochs.push(e);
      if (e.type === 'done') {
        run.losses = e.history.loss;
        run.steps = e.history.steps;
        run.stopReason = e.history.stopReason;
        run.resumedFrom = e.history.resumedFrom;
      }
    },
  });
  run.weights = task.model.getWeights().map((w) => w.dataSync() as Float32Array);
  task.dispose();
  return run;
}

/** Uninterrupted vs interrupted at `k` then resumed: equal losses, epochs and weights. */
async function expectResumeExact(name: string, train: Train, k: number): Promise<void> {
  const whole = await runOnce(train, undefined);
  const dir = join(work, name);
  const first = await runOnce(train, dir, k);
  expect(first.stopReason).toBe('aborted');
  expect(first.steps).toBe(k);
  const before = tf.memory().numTensors;
  const rest = await runOnce(train, dir);
  // it did resume (a fresh run would also match the uninterrupted one)
  expect(rest.resumedFrom).toBe(k);
  expect(rest.firstStep).toBe(k + 1);
  expect(rest.stopReason).toBe(whole.stopReason);
  expect(rest.steps).toBe(whole.steps);
  expect(rest.losses).toEqual(whole.losses); // bit-exact: the same floats
  expect(rest.weights).toEqual(whole.weights);
  // the resumed run reports only the epochs it finished, with the same losses and validation
  expect(rest.epochs).toEqual(whole.epochs.slice(whole.epochs.length - rest.epochs.length));
  expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
}

const text = 'the cat sat on the mat and the dog ran to the log. '.repeat(12);
const labelled = Array.from({ length: 60 }, (_, i) => ({
  text: i % 2 ? `good fine great ${i}` : `bad awful poor ${i}`,
  label: i % 2 ? 'pos' : 'neg',
}));
const series = Array.from({ length: 80 }, (_, t) => Math.sin(t / 4) + t / 40);
const names = ['anna', 'marie', 'luc', 'paul', 'jean', 'ines', 'hugo', 'lea'].map((t, i) => ({
  text: t,
  condition: i % 2 ? 'fr' : 'xx',
}));
const pairs = ['abc', 'bca', 'cab', 'aab', 'bba', 'cca'].map((s) => ({
  source: s,
  target: [...s].reverse().join(''),
}));
/** Small runs of 3 epochs with a progress event every step (the abort is checked on them). */
const small = { units: 6, epochs: 3, progressEvery: 1 };

describe('interrupted then resumed equals uninterrupted', () => {
  it('text generation (abort mid-epoch)', async () => {
    const train: Train = (hooks) =>
      textGeneration.train(text, { ...small, seqLength: 16, batchSize: 8, seed: 1 }, hooks);
    await expectResumeExact('text', train, 7);
  });

  it('classification, with validation and early stopping', async () => {
    const options = { ...small, seqLength: 6, epochs: 4, batchSize: 8, seed: 2 };
    const train: Train = (hooks) =>
      classification.train(labelled, { ...options, validationShare: 0.2 }, hooks);
    await expectResumeExact('classify', train, 9);
  });

  it('forecasting (abort at an epoch boundary: 5 batches per epoch)', async () => {
    const options = { ...small, seqLength: 6, batchSize: 16, seed: 3 };
    const train: Train = (hooks) => forecasting.train(series, options, hooks);
    await expectResumeExact('forecast', train, 5);
  });

  it('conditional generation (with validation) and seq2seq (two-input models)', async () => {
    const names4: Train = async (hooks) => {
      const g = await conditionalGeneration.train(
        names,
        { ...small, batchSize: 4, seed: 4 },
        hooks,
      );
      return { model: g.net.model, dispose: () => g.dispose() };
    };
    await expectResumeExact('names', names4, 3);
    const pairs2: Train = async (hooks) => {
      const s = await seq2seq.train(pairs, { ...small, batchSize: 2, seed: 5 }, hooks);
      return { model: s.net.model, dispose: () => s.dispose() };
    };
    await expectResumeExact('seq2seq', pairs2, 4);
  });
});

describe('hooks.checkpoint', () => {
  it('writes `last` every `everySteps` steps while training, and checks the folder', async () => {
    const dir = join(work, 'every');
    /** The step of the checkpoint on disk (0: none yet). */
    const onDisk = () => {
      try {
        return (
          JSON.parse(readFileSync(join(dir, 'last', 'manifest.json'), 'utf8')) as { step: number }
        ).step;
      } catch {
        return 0;
      }
    };
    const seen: number[] = [];
    const f = await forecasting.train(
      series,
      { ...small, seqLength: 6, batchSize: 16, epochs: 1 },
      {
        logger: () => {},
        checkpoint: { dir, everySteps: 2 },
        onEvent: (e) => {
          if (e.type === 'progress') seen.push(onDisk());
        },
      },
    );
    f.dispose();
    // step n's event comes before its checkpoint: steps 1..5 see none, none, 2, 2, 4
    expect(seen).toEqual([0, 0, 2, 2, 4]);
    expect(onDisk()).toBe(5); // and the last one at the end
    await expect(
      forecasting.train(series, small, { logger: () => {}, checkpoint: { dir: '' } }),
    ).rejects.toThrow(/checkpoint.dir is "", expected a folder path/);
  });
});
