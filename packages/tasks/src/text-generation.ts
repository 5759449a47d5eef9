/**
 * Text generation: a character language model (many-to-many, aligned). Trains on a text, reports
 * bits per character on held-out text, and generates from a prime with temperature, top-k and
 * top-p sampling.
 *
 * @example
 * ```ts
 * import { textGeneration } from '@rnnkit/tasks';
 * const lm = await textGeneration.train(book, { epochs: 1 });
 * // logs: text: cell lstm, units 256, seqLength 64, epochs 1 (set) (defaults for 1.1 MB of text)
 * lm.evaluate(heldOut).bitsPerChar; // 2.2455 on the last 5% of Moby-Dick (bench/quality/text.mjs)
 * lm.generate({ prime: 'The whale', length: 40, temperature: 0.8, seed: 1 }); // 'The whale ...'
 * await lm.save('out/moby');
 * ```
 */
import {
  type CellType,
  generate as generateTokens,
  type LoadedModel,
  type ManyToManyArgs,
  manyToMany,
  save,
} from '@rnnkit/models';
import { sparseCategoricalCrossentropy } from '@rnnkit/training';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import { nextTokenWindows } from '@rnnkit/windowing';
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
  type TaskHooks,
} from './common.js';
import { checkChoice, checkInt, TaskError } from './errors.js';
import {
  DEFAULT_SCHEDULE,
  type LearningRateSchedule,
  SCHEDULES,
  scheduleFor,
} from './lr-schedule.js';

export const TEXT_GENERATION = 'text-generation';

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
 * `large` is tuned for a novel in 15 minutes on 2 cores (bench/quality/text.mjs, Moby-Dick): a
 * high learning rate that decays matters most (at 1e-2 an LSTM(128) reached in 125 updates the
 * loss it reached in 450 at 3e-3), and capacity matters next: 3 epochs of an LSTM(128) (cosine
 * complete) plateaued at 2.62 bits per char on the held-out text, while an LSTM(256) learns as
 * fast per update and keeps going: 4 epochs (2 212 updates of 32 x 64 chars, cosine complete)
 * took 744 s on a nearly quiet machine and reached 2.31. 5 epochs (2 765 updates, about 930 s at
 * that speed) use the whole 15 minutes: a 900 s budget stops them at about 97% of the cosine,
 * where the rate is about 5% of its peak.
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

export interface GenerateTextArgs {
  /** Text to start from (at least one character). Default '\n'. */
  prime?: string;
  /** Characters to generate. Default 200. */
  length?: number;
  /** < 1 sharper, > 1 more random. Default 1. */
  temperature?: number;
  /** Draw only among the k most likely characters. */
  topK?: number;
  /** Draw only from the nucleus of probability p. */
  topP?: number;
  /** 'greedy' always takes the most likely character. Default 'sample'. */
  strategy?: 'greedy' | 'sample';
  /** Seed of the draws: the same seed gives the same text. Default 0. */
  seed?: number;
}

export interface TextMetrics extends Record<string, number> {
  /** Mean negative log2-likelihood per held-out character. */
  bitsPerChar: number;
  /** Characters scored. */
  chars: number;
}

export interface TextGenerator {
  readonly task: typeof TEXT_GENERATION;
  readonly options: TextGenerationResolved;
  readonly vocab: Vocab;
  readonly model: tfl.LayersModel;
  /** Metrics of the last `evaluate` (saved into rnnkit.json). */
  metrics: Record<string, number>;
  /** Bits per character on held-out text. */
  evaluate(heldOut: string): TextMetrics;
  /** Text after `prime` (the prime itself not included). */
  generate(args?: GenerateTextArgs): string;
  /** Writes the artifact (model.json, weights.bin, rnnkit.json with the metrics). */
  save(dir: string): Promise<void>;
  dispose(): void;
}

const OPTION_NAMES = [...COMMON_OPTION_NAMES, 'seqLength', 'schedule', 'validation'];

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

function builderArgs(o: TextGenerationResolved, vocabSize: number): ManyToManyArgs {
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

/** Trains a char language model on `text`. */
export async function trainTextGeneration(
  text: string,
  options: TextGenerationOptions = {},
  hooks: TaskHooks = {},
): Promise<TextGenerator> {
  if (typeof text !== 'string' || text.length < 2) {
    throw new TaskError(
      'BAD_DATA',
      `text generation needs a text of at least 2 characters, got ${typeof text === 'string' ? `${text.length}` : typeof text}: pass the corpus as one string (read files with @rnnkit/datasets fromTextFile)`,
    );
  }
  const { resolved, line } = textDefaults(text.length, options);
  const v = options.validation;
  if (v !== undefined && (typeof v !== 'string' || v.length < 2)) {
    throw new TaskError(
      'BAD_OPTION',
      `validation must be a held-out text of at least 2 characters, got ${typeof v === 'string' ? `${v.length} characters` : typeof v}: e.g. the last 5% of the corpus, or leave it out`,
    );
  }
  announce(hooks, line, { ...resolved });
  const vocab = Vocab.fromTexts([text], { tokenizer: charTokenizer() });
  const ids = vocab.encode(text);
  const seqLength = Math.min(resolved.seqLength, ids.length - 1);
  // non-overlapping windows: x = ids[i..i+L), y = ids[i+1..i+L+1)
  const windows = nextTokenWindows(ids, { seqLength, stride: seqLength, lastWindow: 'pad' });
  const { model } = manyToMany(builderArgs(resolved, vocab.size));
  const steps = resolved.epochs * Math.ceil(windows.length / resolved.batchSize);
  const held = v === undefined ? new Int32Array(0) : vocab.encode(v);
  const L = Math.min(seqLength, held.length - 1);
  const val =
    held.length >= 2
      ? nextTokenWindows(held, { seqLength: L, stride: L, lastWindow: 'pad' })
      : undefined;
  await runTraining(
    'text',
    model,
    windows,
    {
      loss: 'sparseCategoricalCrossentropy',
      common: resolved,
      ...scheduleFor(resolved, steps),
      ...(val ? { validation: val, metrics: ['bitsPerChar'] } : {}),
    },
    hooks,
  );
  return textGenerator(model, vocab, resolved, {});
}

function textGenerator(
  model: tfl.LayersModel,
  vocab: Vocab,
  options: TextGenerationResolved,
  metrics: Record<string, number>,
): TextGenerator {
  const task: TextGenerator = {
    task: TEXT_GENERATION,
    options,
    vocab,
    model,
    metrics,
    evaluate(heldOut) {
      const ids = vocab.encode(heldOut);
      if (ids.length < 2) {
        throw new TaskError(
          'BAD_DATA',
          `held-out text has ${ids.length} characters, expected at least 2`,
        );
      }
      const L = Math.min(options.seqLength, ids.length - 1);
      const windows = nextTokenWindows(ids, { seqLength: L, stride: L, lastWindow: 'pad' });
      let nats = 0;
      let chars = 0;
      const B = 64;
      for (let s = 0; s < windows.length; s += B) {
        const idx = Int32Array.from({ length: Math.min(B, windows.length - s) }, (_, i) => s + i);
        const b = windows.batch(idx);
        const [rows, T] = b.shapes.x as [number, number];
        let real = 0;
        for (const m of b.mask) real += m;
        const loss = tf.tidy(() => {
          const x = tf.tensor2d(b.x, [rows, T], 'int32');
          const y = tf.tensor2d(b.y, [rows, T], 'int32');
          const mask = tf.tensor2d(Float32Array.from(b.mask), [rows, T]);
          const logits = model.predict(x) as tf.Tensor; // [rows, T, vocab]
          return sparseCategoricalCrossentropy(logits, y, mask); // mean nats per real char
        });
        nats += loss.dataSync()[0]! * real;
        loss.dispose();
        chars += real;
      }
      const m: TextMetrics = { bitsPerChar: nats / chars / Math.LN2, chars };
      task.metrics = { ...m };
      return m;
    },
    generate(args = {}) {
      const prime = args.prime ?? '\n';
      const ids = vocab.encode(prime);
      if (ids.length === 0) {
        throw new TaskError('BAD_OPTION', 'prime must have at least one character, e.g. "The "');
      }
      const length = checkInt('length', args.length ?? DEFAULT_GENERATE_LENGTH, 0, 'length: 200');
      const { generations } = generateTokens(model, {
        prompts: [ids],
        maxLength: length,
        temperature: args.temperature ?? DEFAULT_TEMPERATURE,
        ...(args.topK !== undefined ? { topK: args.topK } : {}),
        ...(args.topP !== undefined ? { topP: args.topP } : {}),
        ...(args.strategy !== undefined ? { strategy: args.strategy } : {}),
        // padding (the last window's tail) and unknown characters are not text to generate
        suppress: [vocab.padId, vocab.unkId].filter((i) => i !== undefined),
        seed: args.seed ?? 0,
      });
      return vocab.decode(generations[0]!.tokens);
    },
    async save(dir) {
      await save(model, dir, {
        task: TEXT_GENERATION,
        topology: {
          builder: 'manyToMany',
          args: builderArgs(options, vocab.size) as unknown as Record<string, unknown>,
        },
        vocab: vocab.toJSON(),
        training: { config: { ...options }, metrics: task.metrics },
      });
    },
    dispose() {
      model.dispose();
    },
  };
  return task;
}

/** The task from a loaded artifact. */
export function restoreTextGeneration(loaded: LoadedModel): TextGenerator {
  if (!loaded.vocab) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a text-generation artifact must hold its vocab: save it again',
    );
  }
  const config = loaded.meta.training?.config as unknown as TextGenerationResolved;
  return textGenerator(loaded.model, loaded.vocab, config, loaded.meta.training?.metrics ?? {});
}

export const textGeneration = {
  name: TEXT_GENERATION,
  train: trainTextGeneration,
  defaults: textDefaults,
} as const;
