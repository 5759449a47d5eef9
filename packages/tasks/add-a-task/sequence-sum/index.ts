/**
 * Sequence sum (many-to-one regression): a toy task, numbers in and their sum out, that
 * CONTRIBUTING.md's "Add a task" adds step by step (test/add-a-task.test.ts follows it). Its
 * neighbours: options.ts, train.ts, predict.ts.
 *
 * @example
 * ```ts
 * import { sequenceSum } from '@rnnkit/tasks';
 * const summer = await sequenceSum.train([[1, 2], [3, 4], [0, 1]]);
 * // sum: cell gru, units 8, epochs 20 (defaults for 3 examples)
 * summer.predict([[2, 2]]); // [3.1...]: close to 4 after more data and epochs
 * ```
 */
import { SEQUENCE_SUM, sequenceSumDefaults } from './options.js';
import { trainSequenceSum } from './train.js';

export type { NumberSequence, SequenceSumOptions, SequenceSumResolved } from './options.js';
export {
  SEQUENCE_SUM,
  SEQUENCE_SUM_DEFAULTS,
  SEQUENCE_SUM_LARGE_EXAMPLES,
  SEQUENCE_SUM_MEDIUM_EXAMPLES,
  sequenceSumDefaults,
} from './options.js';
export type { SequenceSummer } from './predict.js';
export { restoreSequenceSum } from './predict.js';
export { trainSequenceSum } from './train.js';

/** The task: `sequenceSum.train(sequences, options, hooks)`; `defaults(n, options)`. */
export const sequenceSum = {
  name: SEQUENCE_SUM,
  train: trainSequenceSum,
  defaults: sequenceSumDefaults,
} as const;
