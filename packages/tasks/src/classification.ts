/**
 * Sequence classification (many-to-one): texts and labels in, a label per text out. Words (or
 * characters) -> ids padded to `seqLength` with a mask (padding keeps the state) -> embedding ->
 * recurrent layer -> last state -> softmax over the labels. A seeded share of the training data
 * is held out for early stopping (best weights restored).
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
import {
  type CellType,
  type LoadedModel,
  type ManyToOneArgs,
  manyToOne,
  save,
} from '@rnnkit/models';
import { charTokenizer, Vocab, wordTokenizer } from '@rnnkit/vocab';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  announce,
  bySize,
  COMMON_OPTION_NAMES,
  type CommonTaskOptions,
  checkKnown,
  defaultsLine,
  describeSize,
  type ResolvedCommon,
  resolveCommon,
  runTraining,
  shuffled,
  type TaskHooks,
} from './common.js';
import { checkChoice, checkInt, checkRange, TaskError } from './errors.js';

export const CLASSIFICATION = 'classification';

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
export const CLASSIFY_DEFAULTS = {
  large: { cell: 'lstm' as CellType, units: 128, epochs: 6, batchSize: 64 },
  medium: { cell: 'lstm' as CellType, units: 64, epochs: 10, batchSize: 32 },
  small: { cell: 'lstm' as CellType, units: 32, epochs: 15, batchSize: 16 },
} as const;
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

export interface Prediction {
  /** The most likely label. */
  label: string | number;
  /** Probability of each label, in the order of `labels`. */
  probabilities: number[];
}

export interface Classifier {
  readonly task: typeof CLASSIFICATION;
  readonly options: ClassificationResolved;
  readonly vocab: Vocab;
  /** The labels, in the order of the output units. */
  readonly labels: (string | number)[];
  readonly model: tfl.LayersModel;
  metrics: Record<string, number>;
  /** Accuracy on labelled held-out examples. */
  evaluate(heldOut: readonly LabelledExample[]): { accuracy: number; examples: number };
  predict(texts: readonly string[]): Prediction[];
  save(dir: string): Promise<void>;
  dispose(): void;
}

const OPTION_NAMES = [
  ...COMMON_OPTION_NAMES,
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

function tokenizerOf(kind: (typeof TOKENIZERS)[number]) {
  return kind === 'word' ? wordTokenizer() : charTokenizer();
}

/** Options with defaults for these examples, and the one-line reason. */
export function classificationDefaults(
  examples: readonly LabelledExample[],
  options: ClassificationOptions = {},
): { resolved: ClassificationResolved; line: string } {
  checkKnown(CLASSIFICATION, options, OPTION_NAMES);
  const n = examples.length;
  const sized = bySize(CLASSIFY_DEFAULTS, n, CLASSIFY_LARGE_EXAMPLES, CLASSIFY_MEDIUM_EXAMPLES);
  const common = resolveCommon(options, sized);
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
    describeSize(n, 'examples'),
  );
  return { resolved, line };
}

function builderArgs(o: ClassificationResolved, vocabSize: number, classes: number): ManyToOneArgs {
  return {
    cell: o.cell,
    units: o.units,
    layers: o.layers,
    dropout: o.dropout,
    seed: o.seed,
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
function encode(vocab: Vocab, texts: readonly string[], seqLength: number): tf.Tensor2D {
  const b = vocab.encodeBatch(texts, { length: seqLength });
  return tf.tensor2d(b.ids, b.shape, 'int32');
}

function checkExamples(data: unknown, what: string): asserts data is LabelledExample[] {
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
    // wasm cannot train an Embedding at all: one-hot there whatever the vocab size
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

function classifier(
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
    async save(dir) {
      await save(model, dir, {
        task: CLASSIFICATION,
        topology: {
          builder: 'manyToOne',
          args: builderArgs(options, vocab.size, labels.length) as unknown as Record<
            string,
            unknown
          >,
        },
        vocab: vocab.toJSON(),
        training: { config: { ...options, labels }, metrics: task.metrics },
      });
    },
    dispose() {
      model.dispose();
    },
  };
  return task;
}

/** The task from a loaded artifact. */
export function restoreClassification(loaded: LoadedModel): Classifier {
  const config = loaded.meta.training?.config as unknown as
    | (ClassificationResolved & { labels: (string | number)[] })
    | undefined;
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

export const classification = {
  name: CLASSIFICATION,
  /** The training/validation split of a run (see {@link splitExamples}). */
  split: splitExamples,
  train: trainClassification,
  defaults: classificationDefaults,
} as const;
