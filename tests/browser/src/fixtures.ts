/**
 * The models and inputs both sides use: the Node tests and the browser page import this module,
 * so "same predictions" means same builder args, same seed, same input. Runs in Node and in the
 * browser (no Node imports).
 *
 * @example
 * ```ts
 * import { charModel, charInput, predictRows } from './fixtures.js';
 * const { model, meta } = charModel();
 * predictRows(model, charInput()).length; // 2 * 7 * 9 = 126 logits
 * ```
 */
import { type ArtifactMeta, manyToMany, manyToOne } from '@rnnkit/models';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The char LM's text: its vocab is the specials plus these letters. */
export const CHAR_TEXT = ' my name is ji myung hwa.';
/** Regression model: features per step, steps, outputs (a 2-step forecast). */
export const SERIES = { features: 3, steps: 6, outputs: 2 } as const;

export interface Fixture {
  model: tfl.LayersModel;
  meta: ArtifactMeta;
}

export function charVocab(): Vocab {
  return Vocab.fromTexts([CHAR_TEXT], { tokenizer: charTokenizer() });
}

/** manyToMany char LM: one-hot ids -> LSTM(16) -> logits per step [batch, time, vocab.size]. */
export function charModel(seed = 7): Fixture {
  const vocab = charVocab();
  const args = { cell: 'lstm', units: 16, classes: vocab.size, seed } as const;
  const { model } = manyToMany({ ...args, input: { type: 'oneHot', vocabSize: vocab.size } });
  const meta: ArtifactMeta = {
    task: 'text-generation',
    topology: { builder: 'manyToMany', args: { ...args, input: { type: 'oneHot' } } },
    vocab: vocab.toJSON(),
    training: { config: { epochs: 0, note: 'untrained, seeded weights' }, metrics: { loss: 2.5 } },
  };
  return { model, meta };
}

/** manyToOne regression: [batch, 6, 3] -> GRU(8) -> 2 linear outputs. */
export function seriesModel(seed = 11): Fixture {
  const args = { cell: 'gru', units: 8, seed, seqLength: SERIES.steps } as const;
  const { model } = manyToOne({
    ...args,
    input: { type: 'features', features: SERIES.features },
    head: { type: 'regression', outputs: SERIES.outputs },
  });
  const meta: ArtifactMeta = {
    task: 'forecasting',
    topology: { builder: 'manyToOne', args: { ...args, head: 'regression' } },
    training: { config: { epochs: 0 }, metrics: { mae: 0.25, rmse: 0.5 } },
  };
  return { model, meta };
}

/** Two rows of 7 char ids from the vocab, [2, 7]. */
export function charInput(): number[][] {
  const vocab = charVocab();
  return ['my name', 'ji hwa.'].map((s) => Array.from(vocab.encode(s)));
}

/** Two deterministic series, [2, 6, 3], values in [-1, 1]. */
export function seriesInput(): number[][][] {
  return [0, 1].map((b) =>
    Array.from({ length: SERIES.steps }, (_, t) =>
      Array.from({ length: SERIES.features }, (_, f) => Math.sin(1 + b * 7 + t * 3 + f)),
    ),
  );
}

/** The model's output on `input` as a flat array (ids go in as int32, series as float32). */
export function predictRows(model: tfl.LayersModel, input: number[][] | number[][][]): number[] {
  return tf.tidy(() => {
    const x = Array.isArray(input[0]?.[0])
      ? tf.tensor(input)
      : tf.tensor(input, undefined, 'int32');
    return Array.from((model.predict(x) as tf.Tensor).dataSync());
  });
}

/** Largest |a[i] - b[i]|, Infinity when the lengths differ. */
export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
