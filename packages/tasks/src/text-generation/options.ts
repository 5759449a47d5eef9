/**
 * Text generation's options: what can be set, the defaults picked by the corpus size in characters
 * (named constants; the choice is logged in one line), the model's builder args. Beside it:
 * train.ts (training), predict.ts (the trained task), index.ts (the task object).
 */
import type { CellType, ManyToManyArgs } from '@rnnkit/models';
import {
  bySize,
  COMMON_OPTION_NAMES,
  type CommonTaskOptions,
  checkKnown,
  defaultsLine,
  describeSize,
  type ResolvedCommon,
  resolveCommon,
} from '../common.js';
import { checkChoice, checkInt } from '../errors.js';
import { DEFAULT_SCHEDULE, type LearningRateSchedule, SCHEDULES } from '../lr-schedule.js';
import { TASK_TABLE } from '../task-table.js';

/** The task's name in files and on the command line (its row of the task table). */
export const TEXT_GENERATION = TASK_TABLE.textGeneration.name;

export interface TextGenerationOptions extends CommonTaskOptions {
  /** Characters per training window (truncated backpropagation length). */
  seqLength?: number;
  /**
   * Learning rate over the run: `'cosine'` (default) warms up, then decays from `learningRate`
   * to 5% of it at the last planned step (epochs x batches); `'constant'`.
   */
  schedule?: LearningRateSchedule;
  /**
   * Held-out text, scored in bits per character at the end of every epoch (`validation` and
   * `epoch` events). Encoded with the training text's vocabulary; not saved with the model.
   */
  validation?: string;
}

/**
 * Defaults by corpus size (characters): big corpora get a bigger model and longer windows.
 *
 * `large` is tuned for a novel within bench/quality/text.mjs's 15-minute budget (Moby-Dick): a
 * high learning rate that decays matters most, capacity next (an LSTM(256) learns as fast per
 * update as an LSTM(128) and keeps improving where the smaller one plateaus), and 5 epochs fill the
 * budget. The runs that chose these numbers are in bench/quality/README.md.
 */
export const TEXT_DEFAULTS = {
  /** >= 500 000 chars (a novel). */
  large: {
    cell: 'lstm' as CellType,
    units: 256,
    seqLength: 64,
    epochs: 5,
    batchSize: 32,
    learningRate: 0.01,
  },
  /** >= 50 000 chars. */
  medium: { cell: 'lstm' as CellType, units: 128, seqLength: 64, epochs: 5, batchSize: 32 },
  /** Anything smaller. */
  small: { cell: 'lstm' as CellType, units: 64, seqLength: 32, epochs: 10, batchSize: 16 },
} as const;
export const TEXT_LARGE_CHARS = 500_000;
export const TEXT_MEDIUM_CHARS = 50_000;

/** Default sampling temperature of `generate`. */
export const DEFAULT_TEMPERATURE = 1;
/** Default number of generated characters. */
export const DEFAULT_GENERATE_LENGTH = 200;

export interface TextGenerationResolved extends ResolvedCommon {
  seqLength: number;
  schedule: LearningRateSchedule;
}

export const OPTION_NAMES = [...COMMON_OPTION_NAMES, 'seqLength', 'schedule', 'validation'];

/** Options with defaults for a corpus of `chars` characters, and the reason. */
export function textDefaults(
  chars: number,
  options: TextGenerationOptions = {},
): { resolved: TextGenerationResolved; line: string } {
  checkKnown(TEXT_GENERATION, options, OPTION_NAMES);
  const sized = bySize(TEXT_DEFAULTS, chars, TEXT_LARGE_CHARS, TEXT_MEDIUM_CHARS);
  const common = resolveCommon(options, sized);
  const seqLength = checkInt(
    'seqLength',
    options.seqLength ?? sized.seqLength,
    1,
    'seqLength: 100',
  );
  const schedule = checkChoice('schedule', options.schedule ?? DEFAULT_SCHEDULE, SCHEDULES);
  const resolved = { ...common, seqLength, schedule };
  const line = defaultsLine(
    'text',
    { cell: common.cell, units: common.units, seqLength, epochs: common.epochs },
    options,
    describeSize(chars, 'chars'),
  );
  return { resolved, line };
}

export function builderArgs(o: TextGenerationResolved, vocabSize: number): ManyToManyArgs {
  return {
    cell: o.cell,
    units: o.units,
    layers: o.layers,
    dropout: o.dropout,
    seed: o.seed,
    classes: vocabSize,
    // one-hot ids: a char vocab is small, and the recurrence kernel reads one-hot rows as a lookup
    input: { type: 'oneHot', vocabSize },
  };
}
