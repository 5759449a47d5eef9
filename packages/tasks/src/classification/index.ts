/**
 * Sequence classification (many-to-one): texts and labels in, a label per text out. Words (or
 * characters) -> ids padded to `seqLength` with a mask (padding keeps the state) -> one-hot or
 * embedding -> recurrent layer -> last state -> softmax over the labels. A seeded share of the
 * training data is held out for early stopping (best weights restored). Its neighbours:
 * options.ts (the options, their size-based defaults, the model's inputs), train.ts (the
 * training run), predict.ts (evaluate, predict, save, restore).
 *
 * @example
 * ```ts
 * import { classification } from '@rnnkit/tasks';
 * const clf = await classification.train(train); // 2400 of the UCI sentences
 * // classify: cell lstm, units 64, seqLength 25, epochs 10, tokenizer word (defaults for 2400 examples)
 * clf.evaluate(test).accuracy; // 0.81 (bench/quality/classify.mjs, wasm)
 * clf.predict(['What a great phone!'])[0].label; // 1
 * ```
 */
import { CLASSIFICATION, classificationDefaults } from './options.js';
import { splitExamples, trainClassification } from './train.js';

export {
  CLASSIFICATION,
  CLASSIFY_DEFAULTS,
  CLASSIFY_INPUTS,
  CLASSIFY_LARGE_EXAMPLES,
  CLASSIFY_MEDIUM_EXAMPLES,
  type ClassificationOptions,
  type ClassificationResolved,
  classificationDefaults,
  DEFAULT_DIMS,
  DEFAULT_MAX_VOCAB,
  DEFAULT_PATIENCE,
  DEFAULT_VALIDATION_SHARE,
  type LabelledExample,
  MAX_DEFAULT_SEQ_LENGTH,
  ONE_HOT_MAX_VOCAB,
  SEQ_LENGTH_QUANTILE,
  TOKENIZERS,
} from './options.js';
export { type Classifier, type Prediction, restoreClassification } from './predict.js';
export { splitExamples, trainClassification } from './train.js';

/** The task: `classification.train(examples, options, hooks)`; `defaults(examples, options)`. */
export const classification = {
  name: CLASSIFICATION,
  train: trainClassification,
  defaults: classificationDefaults,
  /** The training/validation split of a run (see `splitExamples`). */
  split: splitExamples,
} as const;
