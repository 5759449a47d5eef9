/**
 * Sequence to sequence's options: what can be set, the defaults picked by the number of pairs
 * (named constants; the choice is logged in one line), the vocabularies (chars or symbols), the
 * model's builder args and the check of pairs. Beside it: train.ts (training), predict.ts (the
 * trained task), index.ts (the task object).
 */
import {
  ATTENTION_TYPES,
  type AttentionType,
  type CellType,
  type Seq2SeqArgs,
} from '@rnnkit/models';
import { charTokenizer, symbolTokenizer, Vocab } from '@rnnkit/vocab';
import type { CommonTaskOptions, ResolvedCommon } from '../common.js';
import { checkTaskOptions, defaultsLine, resolveSized, sizeTiers, stackArgs } from '../common.js';
import { checkChoice, checkInt, TaskError } from '../errors.js';
import { DEFAULT_SCHEDULE, type LearningRateSchedule, SCHEDULES } from '../lr-schedule.js';
import { TASK_TABLE } from '../task-table.js';

/** The task's name in files and on the command line (its row of the task table). */
export const SEQ2SEQ = TASK_TABLE.seq2seq.name;

/** A string is read as characters; an array as symbols (e.g. phonemes). */
export type Sequence = string | readonly string[];

export interface Seq2SeqExample {
  source: Sequence;
  target: Sequence;
}

export interface Seq2SeqOptions extends CommonTaskOptions {
  /** `'dot'` (Luong, default), `'additive'` (Bahdanau) or `'none'`. */
  attention?: AttentionType;
  /** Read the source both ways (the decoder then has 2 x units). Default false. */
  bidirectional?: boolean;
  /** Longest source kept, in tokens; longer examples are dropped. Default 24. */
  maxSourceLength?: number;
  /** Longest target kept, in tokens; longer examples are dropped. Default 24. */
  maxTargetLength?: number;
  /**
   * Learning rate over the run: `'cosine'` (default) warms up over the first steps, then decays
   * from `learningRate` to 5% of it at the last planned step (epochs x batches); `'constant'`.
   */
  schedule?: LearningRateSchedule;
  /**
   * Held-out pairs, scored at the end of every epoch with teacher forcing: loss and token
   * accuracy (`validation` and `epoch` events; `evaluate` decodes for word accuracy). Pairs longer
   * than the limits are skipped. Not saved with the model.
   */
  validation?: readonly Seq2SeqExample[];
}

/**
 * Defaults by number of pairs. `large` is tuned for CMUdict G2P (113k pairs) within
 * bench/quality/seq2seq.mjs's 15-minute budget: a GRU learns faster per second than an LSTM there,
 * 8e-3 learns about twice as fast as 3e-3 early on, and 3 epochs of length-bucketed batches with a
 * cosine learning rate fit the budget. The runs that chose these numbers are in
 * bench/quality/README.md.
 */
export const SEQ2SEQ_DEFAULTS = sizeTiers({
  large: { cell: 'gru' as CellType, epochs: 3, learningRate: 0.008 },
  medium: { units: 96, epochs: 15 },
  small: { epochs: 30 },
});
export const SEQ2SEQ_LARGE_EXAMPLES = 50_000;
export const SEQ2SEQ_MEDIUM_EXAMPLES = 5_000;
export const DEFAULT_SEQ2SEQ_ATTENTION: AttentionType = 'dot';
export const DEFAULT_MAX_SEQUENCE_LENGTH = 24;

export interface Seq2SeqResolved extends ResolvedCommon {
  schedule: LearningRateSchedule;
  attention: AttentionType;
  bidirectional: boolean;
  maxSourceLength: number;
  maxTargetLength: number;
}

/** The task's own option names (besides `COMMON_OPTION_NAMES`). */
export const OPTION_NAMES = [
  'attention',
  'bidirectional',
  'maxSourceLength',
  'maxTargetLength',
  'schedule',
  'validation',
];

export function seq2seqDefaults(
  examples: number,
  options: Seq2SeqOptions = {},
): { resolved: Seq2SeqResolved; line: string } {
  checkTaskOptions(SEQ2SEQ, options, OPTION_NAMES);
  const { common } = resolveSized(
    options,
    SEQ2SEQ_DEFAULTS,
    examples,
    SEQ2SEQ_LARGE_EXAMPLES,
    SEQ2SEQ_MEDIUM_EXAMPLES,
  );
  const resolved: Seq2SeqResolved = {
    ...common,
    schedule: checkChoice('schedule', options.schedule ?? DEFAULT_SCHEDULE, SCHEDULES),
    attention: checkChoice(
      'attention',
      options.attention ?? DEFAULT_SEQ2SEQ_ATTENTION,
      ATTENTION_TYPES,
    ),
    bidirectional: options.bidirectional ?? false,
    maxSourceLength: checkInt(
      'maxSourceLength',
      options.maxSourceLength ?? DEFAULT_MAX_SEQUENCE_LENGTH,
      1,
      'maxSourceLength: 24',
    ),
    maxTargetLength: checkInt(
      'maxTargetLength',
      options.maxTargetLength ?? DEFAULT_MAX_SEQUENCE_LENGTH,
      1,
      'maxTargetLength: 24',
    ),
  };
  const line = defaultsLine(
    'seq2seq',
    {
      cell: common.cell,
      units: common.units,
      epochs: common.epochs,
      attention: resolved.attention,
    },
    options,
    examples,
    'examples',
  );
  return { resolved, line };
}

/** What kind of sequence: characters of a string, or an array of symbols. */
export type Kind = 'chars' | 'symbols';

export const kindOf = (s: Sequence): Kind => (typeof s === 'string' ? 'chars' : 'symbols');
export const asText = (s: Sequence): string => (typeof s === 'string' ? s : s.join(' '));
export const lengthOf = (s: Sequence): number => (typeof s === 'string' ? [...s].length : s.length);

export function vocabFor(
  kind: Kind,
  texts: string[],
  specials: ('<pad>' | '<unk>' | '<bos>' | '<eos>')[],
) {
  return Vocab.fromTexts(texts, {
    tokenizer: kind === 'chars' ? charTokenizer() : symbolTokenizer(),
    specials,
  });
}

export function builderArgs(
  o: Seq2SeqResolved,
  sourceSize: number,
  targetSize: number,
): Seq2SeqArgs {
  return {
    ...stackArgs(o),
    attention: o.attention,
    bidirectional: o.bidirectional,
    // one-hot on both sides: small vocabs, and it trains on wasm too; id 0 = <pad> is masked
    source: { type: 'oneHot', vocabSize: sourceSize, maskZero: true },
    target: { type: 'oneHot', vocabSize: targetSize },
    classes: targetSize,
  };
}

export function checkExamples(data: unknown, what: string): asserts data is Seq2SeqExample[] {
  if (!Array.isArray(data) || data.length === 0) {
    throw new TaskError(
      'BAD_DATA',
      `${what} must be a non-empty array of { source, target }, e.g. dict.map((r) => ({ source: r.word, target: r.phonemes }))`,
    );
  }
  const ok = (s: unknown) =>
    (typeof s === 'string' && s.length > 0) ||
    (Array.isArray(s) && s.length > 0 && s.every((t) => typeof t === 'string'));
  data.forEach((e, i) => {
    if (!ok(e?.source) || !ok(e?.target)) {
      throw new TaskError(
        'BAD_DATA',
        `${what}[${i}] is ${JSON.stringify(e)?.slice(0, 80)}, expected { source, target }, each a non-empty string or array of strings`,
      );
    }
  });
}
