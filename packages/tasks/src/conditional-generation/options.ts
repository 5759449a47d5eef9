/**
 * Conditional generation's options: what can be set, the defaults picked by the number of examples
 * (named constants; the choice is logged in one line), the model's builder args, its inputs
 * (condition rows, teacher forcing) and the check of examples. Beside it: train.ts (training),
 * predict.ts (the trained task), index.ts (the task object).
 */
import type { OneToManyArgs } from '@rnnkit/models';
import type { Vocab } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import type { CommonTaskOptions, ResolvedCommon } from '../common.js';
import { checkTaskOptions, defaultsLine, resolveSized, sizeTiers, stackArgs } from '../common.js';
import { checkInt, TaskError } from '../errors.js';
import { TASK_TABLE } from '../task-table.js';

/** The task's name in files and on the command line (its row of the task table). */
export const CONDITIONAL_GENERATION = TASK_TABLE.conditionalGeneration.name;

/** A sequence and what it is conditioned on. */
export interface ConditionalExample {
  text: string;
  condition: string;
}

export interface ConditionalGenerationOptions extends CommonTaskOptions {
  /** Longest text kept (in characters); longer ones are dropped. Default 20. */
  maxLength?: number;
  /**
   * Keep at most this many examples per condition (a seeded sample), so that a few big conditions
   * do not drown the small ones (names: en and fr have 20 000+, de 600). Default 5000.
   */
  maxPerCondition?: number;
  /** Join the condition to every input step, not only the initial state. Default true. */
  conditionEveryStep?: boolean;
  /**
   * Held-out examples scored at the end of every epoch (loss and bits per char, in `epoch` and
   * `validation` events); those longer than maxLength or of an unseen condition are skipped.
   */
  validation?: readonly ConditionalExample[];
}

export const CONDITIONAL_DEFAULTS = sizeTiers({
  large: { epochs: 10 },
  medium: { epochs: 20 },
  small: { epochs: 40 },
});
export const CONDITIONAL_LARGE_EXAMPLES = 20_000;
export const CONDITIONAL_MEDIUM_EXAMPLES = 2_000;
export const DEFAULT_MAX_TEXT_LENGTH = 20;
export const DEFAULT_MAX_PER_CONDITION = 5_000;

export interface ConditionalGenerationResolved extends ResolvedCommon {
  maxLength: number;
  maxPerCondition: number;
  conditionEveryStep: boolean;
}

/** The task's own option names (besides `COMMON_OPTION_NAMES`). */
export const OPTION_NAMES = ['maxLength', 'maxPerCondition', 'conditionEveryStep', 'validation'];

export function conditionalDefaults(
  examples: number,
  options: ConditionalGenerationOptions = {},
): { resolved: ConditionalGenerationResolved; line: string } {
  checkTaskOptions(CONDITIONAL_GENERATION, options, OPTION_NAMES);
  const { common } = resolveSized(
    options,
    CONDITIONAL_DEFAULTS,
    examples,
    CONDITIONAL_LARGE_EXAMPLES,
    CONDITIONAL_MEDIUM_EXAMPLES,
  );
  const resolved: ConditionalGenerationResolved = {
    ...common,
    maxLength: checkInt(
      'maxLength',
      options.maxLength ?? DEFAULT_MAX_TEXT_LENGTH,
      1,
      'maxLength: 20',
    ),
    maxPerCondition: checkInt(
      'maxPerCondition',
      options.maxPerCondition ?? DEFAULT_MAX_PER_CONDITION,
      1,
      'maxPerCondition: 2000',
    ),
    conditionEveryStep: options.conditionEveryStep ?? true,
  };
  const line = defaultsLine(
    'names',
    { cell: common.cell, units: common.units, epochs: common.epochs },
    options,
    examples,
    'examples',
  );
  return { resolved, line };
}

export function builderArgs(
  o: ConditionalGenerationResolved,
  vocabSize: number,
  conditions: number,
): OneToManyArgs {
  return {
    ...stackArgs(o),
    condition: { type: 'features', features: conditions },
    input: { type: 'oneHot', vocabSize },
    classes: vocabSize,
    conditionEveryStep: o.conditionEveryStep,
  };
}

/** The condition ids [n] as one-hot rows [n, C] float32. */
export function conditionRows(ids: tf.Tensor, classes: number): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.cast(
        tf.oneHot(tf.cast(tf.reshape(ids, [-1]), 'int32'), classes),
        'float32',
      ) as tf.Tensor2D,
  );
}

/** tokensIn = <bos> text, y = text <eos>, both [n, T] padded with 0, mask [n, T]. */
export function teacherForcing(
  vocab: Vocab,
  texts: readonly string[],
  T: number,
): { tokensIn: Int32Array; y: Int32Array; mask: Float32Array } {
  const n = texts.length;
  const tokensIn = new Int32Array(n * T);
  const y = new Int32Array(n * T);
  const mask = new Float32Array(n * T);
  texts.forEach((t, i) => {
    const ids = vocab.encode(t, { addBos: true, addEos: true }); // <bos> .. <eos>
    for (let j = 0; j + 1 < ids.length && j < T; j++) {
      tokensIn[i * T + j] = ids[j]!;
      y[i * T + j] = ids[j + 1]!;
      mask[i * T + j] = 1;
    }
  });
  return { tokensIn, y, mask };
}

export function checkExamples(data: unknown, what: string): asserts data is ConditionalExample[] {
  if (!Array.isArray(data) || data.length === 0) {
    throw new TaskError(
      'BAD_DATA',
      `${what} must be a non-empty array of { text, condition }, e.g. names.map((r) => ({ text: r.name, condition: r.language }))`,
    );
  }
  data.forEach((e, i) => {
    if (typeof e?.text !== 'string' || typeof e.condition !== 'string' || e.text.length === 0) {
      throw new TaskError(
        'BAD_DATA',
        `${what}[${i}] is ${JSON.stringify(e)?.slice(0, 80)}, expected { text: non-empty string, condition: string }`,
      );
    }
  });
}
