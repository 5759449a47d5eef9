/**
 * Keras models wrapped as tasks, without Python: the committed fixtures (made by
 * scripts/keras_fixtures.py, see keras.test.ts) as a classifier (state_concat: ids -> softmax over
 * 3 classes; its Keras outputs are the task's probabilities) and a forecaster (lstm_seq: windows of
 * 6 steps of 3 features -> 2 values), the scaler forms, the vocab lists, and the refusals.
 */
import { readFileSync } from 'node:fs';
import { type Classifier, type Forecaster, pipeline } from '@rnnkit/tasks';
import { StandardScaler } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InteropError } from '../errors.js';
import { importKeras } from './import.js';
import { scalerOf, vocabFromList } from './task.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const spec = (name: string) =>
  JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8')) as {
    inputs: number[][][];
    outputs: number[][];
  };

/** TextVectorization.get_vocabulary() of words w2..w11 (ids 2..11). */
const KERAS_VOCAB = ['', '[UNK]', ...Array.from({ length: 10 }, (_, i) => `w${i + 2}`)];

async function refused(p: Promise<unknown>, message: RegExp): Promise<void> {
  const e = await p.catch((err: unknown) => err);
  expect(e).toBeInstanceOf(InteropError);
  expect((e as InteropError).code).toBe('BAD_OPTION');
  expect((e as Error).message).toMatch(message);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('vocabFromList', () => {
  it("keeps TextVectorization's ids: '' is <pad> (0), '[UNK]' <unk> (1), words split as Keras does", () => {
    const v = vocabFromList(KERAS_VOCAB);
    expect(v.specials).toEqual(['<pad>', '<unk>']);
    expect(v.tokens.slice(2)).toEqual(KERAS_VOCAB.slice(2));
    expect(v.tokenizer).toMatchObject({ type: 'word', standardize: 'lowerAndStripPunctuation' });
    expect(vocabFromList(['a', 'b']).tokenizer).toMatchObject({ type: 'char' });
    expect(() => vocabFromList(['the', 'cat'])).toThrow(/TextVectorization/);
    expect(() => vocabFromList([1, 2])).toThrow(/strings/);
  });
});

describe('scalerOf', () => {
  it('maps mean/std, min/max (any range) and rnnkit scalers to the same z = (v - mean) / std', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        (min, width, lo, span, v) => {
          const range: [number, number] = [lo, lo + span];
          const { mean, std, json } = scalerOf({ min, max: min + width, range }, 1);
          const sklearn = ((v - min) / width) * span + lo;
          expect((v - mean[0]!) / std[0]!).toBeCloseTo(sklearn, 6);
          const again = scalerOf(json, 1);
          expect(again.mean[0]).toBeCloseTo(mean[0]!, 9);
          expect(again.std[0]).toBeCloseTo(std[0]!, 9);
        },
      ),
      { numRuns: 50, seed: 3 },
    );
    const fitted = StandardScaler.fit([1, 2, 3, 10]);
    const z = scalerOf(fitted.toJSON(), 1);
    expect((7 - z.mean[0]!) / z.std[0]!).toBeCloseTo(fitted.transform([7])[0]!, 5);
  });

  it('refuses a scaler of the wrong width, a zero scale or an unknown form', () => {
    expect(() => scalerOf({ mean: 1, std: 2 }, 3)).toThrow(/expected 3 numbers/);
    expect(() => scalerOf({ mean: 1, std: 0 }, 1)).toThrow(/std must be > 0/);
    expect(() => scalerOf({ min: 1, max: 2, range: [1, 0] }, 1)).toThrow(/lo < hi/);
    expect(() => scalerOf({ centre: 1 } as never, 1)).toThrow(/\{ mean, std \}/);
  });
});

describe('importKeras as a classification task', () => {
  it("gives Keras's softmax probabilities for texts that encode to the fixture's ids", async () => {
    const keras = spec('state_concat');
    const imported = await importKeras(fixture('state_concat.keras'), {
      task: 'classification',
      vocab: vocabFromList(KERAS_VOCAB),
      labels: ['a', 'b', 'c'],
    });
    expect(imported.meta.task).toBe('classification');
    const c = pipeline('classification').restore(imported) as Classifier;
    // rows 0 and 2 of the fixture (row 1 is padded at the start, which no text encodes to);
    // id 1 is [UNK]: any word the vocab lacks
    const texts = ['Zebra w7 W10, w11!', 'w9 w4 w4 zebra w9 w11'];
    const preds = c.predict(texts);
    const want = [keras.outputs[0]!, keras.outputs[2]!];
    preds.forEach((p, i) => {
      p.probabilities.forEach((q, j) => {
        expect(Math.abs(q - want[i]![j]!)).toBeLessThanOrEqual(1e-5);
      });
      expect(p.label).toBe('c');
    });
    c.dispose();
  });

  it('refuses missing or miscounted labels, a vocab larger than the Embedding, a float input', async () => {
    const vocab = vocabFromList(KERAS_VOCAB);
    const file = fixture('state_concat.keras');
    await refused(
      importKeras(file, { task: 'classification', vocab, labels: ['a', 'b'] }),
      /2 distinct labels given, but .* gives 3 classes/,
    );
    await refused(
      importKeras(file, { task: 'classification', labels: ['a', 'b', 'c'] }),
      /needs the vocab/,
    );
    const big = vocabFromList([...KERAS_VOCAB, 'w12', 'w13']);
    await refused(
      importKeras(file, { task: 'classification', vocab: big, labels: ['a', 'b', 'c'] }),
      /14 tokens, but .* reads ids below 12/,
    );
    await refused(
      importKeras(fixture('lstm_seq.keras'), { task: 'classification', vocab, labels: ['a', 'b'] }),
      /reads token ids/,
    );
  });
});

describe('importKeras as a forecasting task', () => {
  it('forecasts the horizon from the kept tail: the model on the scaled window, unscaled', async () => {
    const mean = [1, 2, 3];
    const std = [2, 0.5, 4];
    const n = 10;
    const values = Array.from({ length: n }, (_, t) => Math.sin(t) * 3 + 1);
    const covariates = [0, 1].map((k) => Array.from({ length: n }, (_, t) => Math.cos(t + k)));
    const imported = await importKeras(fixture('lstm_seq.keras'), {
      task: 'forecasting',
      scaler: { mean, std },
      history: { values, covariates },
      rangeMargin: 1e6, // no clamping: the raw model's values
    });
    const f = pipeline('forecasting').restore(imported) as Forecaster;
    expect(f.options.horizon).toBe(2);
    expect(f.tail).toEqual(values.slice(-6));
    const x = tf.tensor3d(
      Array.from({ length: 6 }, (_, i) => {
        const t = n - 6 + i;
        return [values[t]!, covariates[0]![t]!, covariates[1]![t]!].map(
          (v, k) => (v - mean[k]!) / std[k]!,
        );
      }).flat(),
      [1, 6, 3],
    );
    const y = imported.model.predict(x) as tf.Tensor;
    const want = Array.from(y.dataSync(), (z) => z * std[0]! + mean[0]!);
    const got = f.forecast(2, {
      futureCovariates: [
        [0, 0],
        [0, 0],
      ],
    });
    got.forEach((v, i) => {
      expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-5);
    });
    tf.dispose([x, y]);
    f.dispose();
  });

  it('refuses a missing scaler or history, a short history, a window unlike the model, an ids input', async () => {
    const file = fixture('lstm_seq.keras');
    const scaler = { mean: [0, 0, 0], std: [1, 1, 1] };
    const history = { values: Array(8).fill(1), covariates: [Array(8).fill(0), Array(8).fill(0)] };
    await refused(importKeras(file, { task: 'forecasting', history }), /needs the scaler/);
    await refused(importKeras(file, { task: 'forecasting', scaler }), /give its history/);
    await refused(
      importKeras(file, {
        task: 'forecasting',
        scaler,
        history: {
          values: [1, 2],
          covariates: [
            [0, 0],
            [0, 0],
          ],
        },
      }),
      /2 values, expected at least 6/,
    );
    await refused(
      importKeras(file, { task: 'forecasting', scaler, history, seqLength: 4 }),
      /reads windows of 6 steps/,
    );
    await refused(
      importKeras(file, { task: 'forecasting', scaler, history: Array(8).fill(1) }),
      /0 covariate\(s\) .* the model reads 2/,
    );
    await refused(
      importKeras(fixture('state_concat.keras'), { task: 'forecasting', scaler, history }),
      /reads windows \[batch, steps, features\] of floats/,
    );
    await refused(importKeras(file, { task: 'translation' }), /unknown task 'translation'/);
  });
});
