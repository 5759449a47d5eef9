/**
 * Classification's training: the vocab and labels from the training texts, the seeded
 * early-stopping share and the training run. Beside it: options.ts (the options and defaults),
 * predict.ts (the task it returns).
 */
import { manyToOne } from '@rnnkit/models';
import { Vocab } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import { announce, runTraining, shuffled, type TaskHooks } from '../common.js';
import { TaskError } from '../errors.js';
import {
  builderArgs,
  type ClassificationOptions,
  checkExamples,
  classificationDefaults,
  encode,
  type LabelledExample,
  ONE_HOT_MAX_VOCAB,
  tokenizerOf,
} from './options.js';
import { type Classifier, classifier } from './predict.js';

/**
 * The seeded split of a run: `val` the first `floor(share * n)` examples of a seeded shuffle,
 * `train` the rest (what `train` uses, and what `rnnkit export --format torch --data` writes).
 */
export function splitExamples<T>(
  data: readonly T[],
  validationShare: number,
  seed: number,
): { train: T[]; val: T[] } {
  const order = shuffled(data.length, seed);
  const nVal = Math.floor(validationShare * data.length);
  return {
    val: [...order.subarray(0, nVal)].map((i) => data[i]!),
    train: [...order.subarray(nVal)].map((i) => data[i]!),
  };
}

/** Trains a text classifier. */
export async function trainClassification(
  data: readonly LabelledExample[],
  options: ClassificationOptions = {},
  hooks: TaskHooks = {},
): Promise<Classifier> {
  checkExamples(data, 'classification data');
  const { resolved, line } = classificationDefaults(data, options);
  const o = { ...resolved };
  const labels = [...new Set(data.map((e) => e.label))].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1,
  );
  if (labels.length < 2) {
    throw new TaskError(
      'BAD_DATA',
      `classification needs at least 2 different labels, got ${JSON.stringify(labels)}`,
    );
  }
  announce(hooks, line, { ...o });
  const { train: trainRows, val: valRows } = splitExamples(data, o.validationShare, o.seed);
  const nVal = valRows.length;
  const vocab = Vocab.fromTexts(
    trainRows.map((e) => e.text),
    {
      tokenizer: tokenizerOf(o.tokenizer),
      maxSize: o.maxVocab,
      minCount: o.minCount,
      specials: ['<pad>', '<unk>'],
    },
  );
  if (o.input === 'auto') {
    // on wasm one-hot whatever the vocab size: the quality figures (bench/quality/classify.mjs)
    // were trained that way (an Embedding trains there too, since @rnnkit/models registers the
    // segment-sum gradient wasm lacks, but 'auto' keeps the measured choice)
    o.input =
      vocab.size <= ONE_HOT_MAX_VOCAB || tf.getBackend() === 'wasm' ? 'oneHot' : 'embedding';
  }
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const tensors = (rows: LabelledExample[]) => ({
    x: encode(
      vocab,
      rows.map((e) => e.text),
      o.seqLength,
    ),
    y: tf.tensor1d(
      rows.map((e) => labelIndex.get(e.label)!),
      'int32',
    ),
  });
  const train = tensors(trainRows);
  const val = nVal > 0 ? tensors(valRows) : undefined;
  const { model } = manyToOne(builderArgs(o, vocab.size, labels.length));
  try {
    await runTraining(
      'classify',
      model,
      train,
      {
        loss: 'sparseCategoricalCrossentropy',
        common: o,
        ...(val ? { validation: val, metrics: ['accuracy'], patience: o.patience } : {}),
      },
      hooks,
    );
  } finally {
    tf.dispose([train.x, train.y, ...(val ? [val.x, val.y] : [])]);
  }
  return classifier(model, vocab, labels, o, {});
}
