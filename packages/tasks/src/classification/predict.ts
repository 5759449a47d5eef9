/**
 * Classification's trained task: what a trained or restored classifier does: accuracy on held-out
 * examples, label probabilities, save; and `restoreClassification` for `loadTask`. Beside it:
 * options.ts (the options and defaults), train.ts (how it was trained).
 */
import type { LoadedModel } from '@rnnkit/models';
import type { Vocab } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type SavableTask, saveAndDispose, savedConfig } from '../common.js';
import { TaskError } from '../errors.js';
import {
  builderArgs,
  CLASSIFICATION,
  type ClassificationResolved,
  checkExamples,
  encode,
  type LabelledExample,
} from './options.js';

export interface Prediction {
  /** The most likely label. */
  label: string | number;
  /** Probability of each label, in the order of `labels`. */
  probabilities: number[];
}

export interface Classifier extends SavableTask {
  readonly task: typeof CLASSIFICATION;
  readonly options: ClassificationResolved;
  readonly vocab: Vocab;
  /** The labels, in the order of the output units. */
  readonly labels: (string | number)[];
  readonly model: tfl.LayersModel;
  /** Accuracy on labelled held-out examples. */
  evaluate(heldOut: readonly LabelledExample[]): { accuracy: number; examples: number };
  predict(texts: readonly string[]): Prediction[];
}

export function classifier(
  model: tfl.LayersModel,
  vocab: Vocab,
  labels: (string | number)[],
  options: ClassificationResolved,
  metrics: Record<string, number>,
): Classifier {
  const probabilities = (texts: readonly string[]): Float32Array => {
    const p = tf.tidy(() =>
      tf.softmax(model.predict(encode(vocab, texts, options.seqLength)) as tf.Tensor),
    );
    const out = p.dataSync() as Float32Array;
    p.dispose();
    return out;
  };
  const task: Classifier = {
    task: CLASSIFICATION,
    options,
    vocab,
    labels,
    model,
    metrics,
    evaluate(heldOut) {
      checkExamples(heldOut, 'held-out data');
      const preds = task.predict(heldOut.map((e) => e.text));
      let right = 0;
      preds.forEach((p, i) => {
        if (p.label === heldOut[i]!.label) right++;
      });
      const m = { accuracy: right / heldOut.length, examples: heldOut.length };
      task.metrics = { ...m };
      return m;
    },
    predict(texts) {
      const k = labels.length;
      const out: Prediction[] = [];
      const B = 256;
      for (let s = 0; s < texts.length; s += B) {
        const p = probabilities(texts.slice(s, s + B));
        for (let r = 0; r < p.length / k; r++) {
          const row = Array.from(p.subarray(r * k, (r + 1) * k));
          let best = 0;
          for (let j = 1; j < k; j++) if (row[j]! > row[best]!) best = j;
          out.push({ label: labels[best]!, probabilities: row });
        }
      }
      return out;
    },
    ...saveAndDispose(model, () => ({
      task: CLASSIFICATION,
      builder: 'manyToOne',
      args: builderArgs(options, vocab.size, labels.length),
      vocab: vocab.toJSON(),
      config: { ...options, labels },
      metrics: task.metrics,
    })),
  };
  return task;
}

/** The task from a loaded artifact. */
export function restoreClassification(loaded: LoadedModel): Classifier {
  const config = savedConfig<ClassificationResolved & { labels: (string | number)[] }>(loaded);
  if (!loaded.vocab || !config?.labels) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a classification artifact must hold its vocab and labels (rnnkit.json training.config.labels): save it again',
    );
  }
  const { labels, ...options } = config;
  return classifier(
    loaded.model,
    loaded.vocab,
    labels,
    options,
    loaded.meta.training?.metrics ?? {},
  );
}
