/**
 * Sequence sum's options (the toy task CONTRIBUTING.md's "Add a task" adds, step by step): what
 * can be set, the defaults picked by the number of examples (named constants; the choice is logged
 * in one line), the model's builder args. Beside it: train.ts, predict.ts, index.ts.
 */
import type { CellType, ManyToOneArgs } from '@rnnkit/models';
import type { CommonTaskOptions, ResolvedCommon } from '../common.js';
import { checkTaskOptions, defaultsLine, resolveSized, sizeTiers, stackArgs } from '../common.js';
import { TaskError } from '../errors.js';
import { TASK_TABLE } from '../task-table.js';

/** The task's name in files and on the command line (its row of the task table). */
export const SEQUENCE_SUM = TASK_TABLE.sequenceSum.name;

/** One example: numbers in, their sum out. */
export type NumberSequence = readonly number[];

export type SequenceSumOptions = CommonTaskOptions;

/** Defaults by number of sequences. */
export const SEQUENCE_SUM_DEFAULTS = sizeTiers({
  large: { cell: 'gru' as CellType, units: 32, epochs: 5 },
  medium: { cell: 'gru' as CellType, units: 16, epochs: 10 },
  small: { cell: 'gru' as CellType, units: 8, epochs: 20 },
});
export const SEQUENCE_SUM_LARGE_EXAMPLES = 10_000;
export const SEQUENCE_SUM_MEDIUM_EXAMPLES = 1_000;

export type SequenceSumResolved = ResolvedCommon;

/** The task's own option names (besides `COMMON_OPTION_NAMES`): none. */
export const OPTION_NAMES: readonly string[] = [];

/** Options with defaults for `n` sequences, and the one-line reason. */
export function sequenceSumDefaults(
  n: number,
  options: SequenceSumOptions = {},
): { resolved: SequenceSumResolved; line: string } {
  checkTaskOptions(SEQUENCE_SUM, options, OPTION_NAMES);
  const { common: resolved } = resolveSized(
    options,
    SEQUENCE_SUM_DEFAULTS,
    n,
    SEQUENCE_SUM_LARGE_EXAMPLES,
    SEQUENCE_SUM_MEDIUM_EXAMPLES,
  );
  const line = defaultsLine(
    'sum',
    { cell: resolved.cell, units: resolved.units, epochs: resolved.epochs },
    options,
    n,
    'examples',
  );
  return { resolved, line };
}

export function builderArgs(o: SequenceSumResolved, seqLength: number): ManyToOneArgs {
  return {
    ...stackArgs(o),
    seqLength,
    input: { type: 'features', features: 1 },
    head: { type: 'regression' },
  };
}

/** Every sequence as long as the first, all of them numbers. */
export function checkSequences(data: unknown, what: string): asserts data is NumberSequence[] {
  const rows = Array.isArray(data) ? data : [];
  const T = Array.isArray(rows[0]) ? rows[0].length : 0;
  rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== T || !r.every((v) => Number.isFinite(v))) {
      throw new TaskError(
        'BAD_DATA',
        `${what}[${i}] is ${JSON.stringify(r)?.slice(0, 80)}, expected ${T} finite numbers like ${what}[0]`,
      );
    }
  });
  if (T === 0) {
    throw new TaskError(
      'BAD_DATA',
      `${what} must be a non-empty array of equally long number arrays: e.g. [[1, 2], [3, 4]]`,
    );
  }
}
