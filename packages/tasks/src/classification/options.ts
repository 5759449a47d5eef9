/**
 * Classification's options: what can be set, the defaults picked by the number of examples (named
 * constants; the choice is logged in one line), the tokenizer, the model's builder args, the id
 * encoding and the check of labelled examples. Beside it: train.ts (training), predict.ts (the
 * trained task), index.ts (the task object).
 */
import type { ManyToOneArgs } from '@rnnkit/models';
import { charTokenizer, type Vocab, wordTokenizer } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import type { CommonTaskOptions, ResolvedCommon } from '../common.js';
import { checkTaskOptions, defaultsLine, resolveSized, sizeTiers, stackArgs } from '../common.js';
import { checkChoice, checkInt, checkRange, TaskError } from '../errors.js';
import { TASK_TABLE } from '../task-table.js';

/** The task's name in files and on the command line (its row of the task table). */
export const CLASSIFICATION = TASK_TABLE.classification.name;

/** One labelled text (the shape of `sentimentSentences()` and `fromJsonl`). */
export interface LabelledExample {
  text: string;
  label: string | number;
}

export const TOKENIZERS = ['word', 'char'] as const;
export const CLASSIFY_INPUTS = ['auto', 'embedding', 'oneHot'] as const;

export interface ClassificationOptions extends CommonTaskOptions {
  /** Tokens per text: longer texts are cut, shorter ones padded (masked). */
  seqLength?: number;
  /** Split texts into words or characters. Default 'word'. */
  tokenizer?: (typeof TOKENIZERS)[number];
  /**
   * Token ids one-hot or through a trainable embedding. Default 'auto': one-hot up to
   * `ONE_HOT_MAX_VOCAB` tokens (fast on every backend: the recurrence kernel reads one-hot rows
   * as a lookup, while the Embedding gradient takes seconds per step on cpu), an embedding above
   * (on wasm one-hot throughout, as the measured quality figures were trained).
   */
  input?: (typeof CLASSIFY_INPUTS)[number];
  /** Width of the embedding vectors. Default 64. */
  dims?: number;
  /** Most tokens in the vocab (specials included). Default 10 000. */
  maxVocab?: number;
  /** Tokens seen fewer times are unknown. Default 2 from 1000 examples on, else 1. */
  minCount?: number;
  /** Read the text both ways. Default false. */
  bidirectional?: boolean;
  /** Share of the training data held out for early stopping, in [0, 0.5]. Default 0.1. */
  validationShare?: number;
  /** Validations without improvement before stopping. Default 3. */
  patience?: number;
}

/** Defaults by number of examples. */
export const CLASSIFY_DEFAULTS = sizeTiers({
  large: { epochs: 6 },
  medium: { epochs: 10 },
  small: { epochs: 15 },
});
export const CLASSIFY_LARGE_EXAMPLES = 10_000;
export const CLASSIFY_MEDIUM_EXAMPLES = 1_000;
export const DEFAULT_DIMS = 64;
/** Largest vocab that 'auto' feeds one-hot ([vocab, vocab] frozen table: 4000 -> 64 MB). */
export const ONE_HOT_MAX_VOCAB = 4000;
export const DEFAULT_MAX_VOCAB = 10_000;
export const DEFAULT_VALIDATION_SHARE = 0.1;
export const DEFAULT_PATIENCE = 3;
/** seqLength default: this quantile of the token counts, at most `MAX_DEFAULT_SEQ_LENGTH`. */
export const SEQ_LENGTH_QUANTILE = 0.95;
export const MAX_DEFAULT_SEQ_LENGTH = 200;

export interface ClassificationResolved extends ResolvedCommon {
  seqLength: number;
  tokenizer: (typeof TOKENIZERS)[number];
  input: (typeof CLASSIFY_INPUTS)[number];
  dims: number;
  maxVocab: number;
  minCount: number;
  bidirectional: boolean;
  validationShare: number;
  patience: number;
}

/** The task's own option names (besides `COMMON_OPTION_NAMES`). */
export const OPTION_NAMES = [
  'seqLength',
  'tokenizer',
  'input',
  'dims',
  'maxVocab',
  'minCount',
  'bidirectional',
  'validationShare',
  'patience',
];

export function tokenizerOf(kind: (typeof TOKENIZERS)[number]) {
  return kind === 'word' ? wordTokenizer() : charTokenizer();
}

/** Options with defaults for these examples, and the one-line reason. */
export function classificationDefaults(
  examples: readonly LabelledExample[],
  options: ClassificationOptions = {},
): { resolved: ClassificationResolved; line: string } {
  checkTaskOptions(CLASSIFICATION, options, OPTION_NAMES);
  const n = examples.length;
  const { common } = resolveSized(
    options,
    CLASSIFY_DEFAULTS,
    n,
    CLASSIFY_LARGE_EXAMPLES,
    CLASSIFY_MEDIUM_EXAMPLES,
  );
  const tokenizer = checkChoice('tokenizer', options.tokenizer ?? 'word', TOKENIZERS);
  let seqLength = options.seqLength;
  if (seqLength === undefined) {
    const tok = tokenizerOf(tokenizer);
    const counts = examples.map((e) => tok.tokenize(e.text).length).sort((a, b) => a - b);
    const q = counts[Math.min(counts.length - 1, Math.floor(SEQ_LENGTH_QUANTILE * counts.length))];
    seqLength = Math.max(1, Math.min(MAX_DEFAULT_SEQ_LENGTH, q ?? 1));
  }
  const resolved: ClassificationResolved = {
    ...common,
    seqLength: checkInt('seqLength', seqLength, 1, 'seqLength: 40'),
    tokenizer,
    input: checkChoice('input', options.input ?? 'auto', CLASSIFY_INPUTS),
    dims: checkInt('dims', options.dims ?? DEFAULT_DIMS, 1, 'dims: 64'),
    maxVocab: checkInt('maxVocab', options.maxVocab ?? DEFAULT_MAX_VOCAB, 3, 'maxVocab: 10000'),
    minCount: checkInt(
      'minCount',
      options.minCount ?? (n >= CLASSIFY_MEDIUM_EXAMPLES ? 2 : 1),
      1,
      'minCount: 2',
    ),
    bidirectional: options.bidirectional ?? false,
    validationShare: checkRange(
      'validationShare',
      options.validationShare ?? DEFAULT_VALIDATION_SHARE,
      0,
      0.5,
      'validationShare: 0.1',
    ),
    patience: checkInt('patience', options.patience ?? DEFAULT_PATIENCE, 1, 'patience: 3'),
  };
  const line = defaultsLine(
    'classify',
    {
      cell: common.cell,
      units: common.units,
      seqLength: resolved.seqLength,
      epochs: common.epochs,
      tokenizer,
    },
    options,
    n,
    'examples',
  );
  return { resolved, line };
}

export function builderArgs(
  o: ClassificationResolved,
  vocabSize: number,
  classes: number,
): ManyToOneArgs {
  return {
    ...stackArgs(o),
    bidirectional: o.bidirectional,
    // id 0 is <pad>: maskZero makes padded steps keep the state
    input:
      o.input === 'embedding'
        ? { type: 'embedding', vocabSize, dims: o.dims, maskZero: true }
        : { type: 'oneHot', vocabSize, maskZero: true },
    head: { type: 'classes', classes },
  };
}

/** [n, seqLength] int32 ids, padded after the text with <pad> = 0. */
export function encode(vocab: Vocab, texts: readonly string[], seqLength: number): tf.Tensor2D {
  const b = vocab.encodeBatch(texts, { length: seqLength });
  return tf.tensor2d(b.ids, b.shape, 'int32');
}

export function checkExamples(data: unknown, what: string): asserts data is LabelledExample[] {
  if (!Array.isArray(data) || data.length === 0) {
    throw new TaskError(
      'BAD_DATA',
      `${what} must be a non-empty array of { text, label }, got ${Array.isArray(data) ? 'an empty array' : typeof data}: e.g. (await sentimentSentences()).data`,
    );
  }
  data.forEach((e, i) => {
    if (
      typeof e?.text !== 'string' ||
      !(typeof e.label === 'string' || typeof e.label === 'number')
    ) {
      throw new TaskError(
        'BAD_DATA',
        `${what}[${i}] is ${JSON.stringify(e)?.slice(0, 80)}, expected { text: string, label: string | number }`,
      );
    }
  });
}
