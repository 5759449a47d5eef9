/**
 * Text generation's options: what can be set, the defaults picked by the corpus size in characters
 * (or in words, with `unit: 'word'`; named constants; the choice is logged in one line), the
 * model's builder args. Beside it:
 * train.ts (training), predict.ts (the trained task), index.ts (the task object).
 */
import type { ManyToManyArgs } from '@rnnkit/models';
import type { CommonTaskOptions, ResolvedCommon } from '../common.js';
import { checkTaskOptions, defaultsLine, resolveSized, sizeTiers, stackArgs } from '../common.js';
import { checkChoice, checkInt, TaskError } from '../errors.js';
import { DEFAULT_SCHEDULE, type LearningRateSchedule, SCHEDULES } from '../lr-schedule.js';
import { TASK_TABLE } from '../task-table.js';

/** The task's name in files and on the command line (its row of the task table). */
export const TEXT_GENERATION = TASK_TABLE.textGeneration.name;

/** What a token is: a character (code point), or a word of `@rnnkit/vocab`'s `wordTokenizer`. */
export const TEXT_UNITS = ['char', 'word'] as const;
export type TextUnit = (typeof TEXT_UNITS)[number];

export interface TextGenerationOptions extends CommonTaskOptions {
  /**
   * `'char'` (default): a character language model (one-hot input). `'word'`: words of
   * `@rnnkit/vocab`'s `wordTokenizer()` (lowercased, punctuation stripped, as Keras's
   * `TextVectorization`), the vocab capped at `maxVocab` (rarer words become `<unk>`), read
   * through a trainable embedding of `dims`; generated words are joined by the tokenizer's
   * `detokenize` (single spaces).
   */
  unit?: TextUnit;
  /** Unit 'word': most words in the vocab, specials included; the rest are `<unk>`. */
  maxVocab?: number;
  /** Unit 'word': width of the word embedding. */
  dims?: number;
  /** Tokens (characters, or words) per training window (truncated backpropagation length). */
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
export const TEXT_DEFAULTS = sizeTiers({
  /** >= 500 000 chars (a novel). */
  large: { units: 256, seqLength: 64, epochs: 5, batchSize: 32, learningRate: 0.01 },
  /** >= 50 000 chars. */
  medium: { units: 128, seqLength: 64, epochs: 5 },
  /** Anything smaller. */
  small: { units: 64, seqLength: 32, epochs: 10 },
});
export const TEXT_LARGE_CHARS = 500_000;
export const TEXT_MEDIUM_CHARS = 50_000;

/**
 * Defaults of `unit: 'word'` by corpus size (words). A word model's cost is mostly its softmax
 * (units x maxVocab per token), so the vocab cap grows with the corpus and the units stay modest:
 * `large` is sized for Moby-Dick (about 215 000 words) within bench/quality/words.mjs's 15-minute
 * budget.
 */
export const WORD_DEFAULTS = sizeTiers({
  /** >= 100 000 words (a novel). */
  large: { dims: 64, maxVocab: 8000, seqLength: 32, epochs: 6, batchSize: 32, learningRate: 0.01 },
  /** >= 10 000 words. */
  medium: { dims: 32, maxVocab: 4000, seqLength: 32, epochs: 10, batchSize: 16 },
  /** Anything smaller. */
  small: { dims: 16, maxVocab: 2000, seqLength: 16, epochs: 20, batchSize: 8 },
});
export const WORD_LARGE_WORDS = 100_000;
export const WORD_MEDIUM_WORDS = 10_000;
/** The smallest vocab cap: `<pad>`, `<unk>` and one word. */
export const MIN_MAX_VOCAB = 3;

/** Default sampling temperature of `generate`. */
export const DEFAULT_TEMPERATURE = 1;
/** Default number of generated characters. */
export const DEFAULT_GENERATE_LENGTH = 200;

export interface TextGenerationResolved extends ResolvedCommon {
  seqLength: number;
  schedule: LearningRateSchedule;
  /** Absent in artifacts saved before word models: 'char'. */
  unit?: TextUnit;
  /** Unit 'word' only. */
  maxVocab?: number;
  /** Unit 'word' only. */
  dims?: number;
}

/** The task's own option names (besides `COMMON_OPTION_NAMES`). */
export const OPTION_NAMES = ['unit', 'maxVocab', 'dims', 'seqLength', 'schedule', 'validation'];

/**
 * Options with defaults for a corpus of `size` tokens (characters, or words with
 * `unit: 'word'`), and the reason.
 */
export function textDefaults(
  size: number,
  options: TextGenerationOptions = {},
): { resolved: TextGenerationResolved; line: string } {
  checkTaskOptions(TEXT_GENERATION, options, OPTION_NAMES);
  const unit = checkChoice('unit', options.unit ?? 'char', TEXT_UNITS);
  if (unit === 'word') return wordDefaults(size, options);
  for (const k of ['maxVocab', 'dims'] as const) {
    if (options[k] !== undefined) {
      throw new TaskError(
        'BAD_OPTION',
        `${TEXT_GENERATION}: ${k} applies to word models only: add unit: 'word', or leave ${k} out`,
      );
    }
  }
  const { sized, common } = resolveSized(
    options,
    TEXT_DEFAULTS,
    size,
    TEXT_LARGE_CHARS,
    TEXT_MEDIUM_CHARS,
  );
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
    size,
    'chars',
  );
  return { resolved, line };
}

function wordDefaults(
  words: number,
  options: TextGenerationOptions,
): { resolved: TextGenerationResolved; line: string } {
  const { sized, common } = resolveSized(
    options,
    WORD_DEFAULTS,
    words,
    WORD_LARGE_WORDS,
    WORD_MEDIUM_WORDS,
  );
  const seqLength = checkInt('seqLength', options.seqLength ?? sized.seqLength, 1, 'seqLength: 32');
  const maxVocab = checkInt(
    'maxVocab',
    options.maxVocab ?? sized.maxVocab,
    MIN_MAX_VOCAB,
    'maxVocab: 10000',
  );
  const dims = checkInt('dims', options.dims ?? sized.dims, 1, 'dims: 64');
  const schedule = checkChoice('schedule', options.schedule ?? DEFAULT_SCHEDULE, SCHEDULES);
  const resolved = { ...common, unit: 'word' as const, maxVocab, dims, seqLength, schedule };
  const line = defaultsLine(
    'text',
    {
      unit: 'word',
      cell: common.cell,
      units: common.units,
      dims,
      maxVocab,
      seqLength,
      epochs: common.epochs,
    },
    options,
    words,
    'words',
  );
  return { resolved, line };
}

export function builderArgs(o: TextGenerationResolved, vocabSize: number): ManyToManyArgs {
  return {
    ...stackArgs(o),
    classes: vocabSize,
    input:
      o.unit === 'word'
        ? // a word vocab is large: a trainable table of dims per word, not a one-hot row
          { type: 'embedding', vocabSize, dims: o.dims ?? vocabSize }
        : // one-hot ids: a char vocab is small, and the kernel reads one-hot rows as a lookup
          { type: 'oneHot', vocabSize },
  };
}
