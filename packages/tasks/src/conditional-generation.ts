/**
 * Conditional generation (one-to-many): a condition (e.g. a language) sets the decoder's initial
 * state and joins every input step; the decoder spells a sequence character by character until
 * `<eos>` (names per language). The condition goes in one-hot, as a feature vector (for a few
 * classes the same as a trainable class embedding, with nothing more to learn).
 *
 * @example
 * ```ts
 * import { conditionalGeneration } from '@rnnkit/tasks';
 * const names = await conditionalGeneration.train(
 *   rows.map((r) => ({ text: r.name, condition: r.language })));
 * // names: cell lstm, units 64, epochs 20 (defaults for 16815 examples)
 * names.generate('it', { count: 3, temperature: 0.8, seed: 1 }); // e.g. ['giulia', 'marco', 'ornella']
 * ```
 */
import {
  type CellType,
  type LoadedModel,
  type OneToManyArgs,
  type OneToManyModel,
  oneToMany,
  sampleToken,
  save,
} from '@rnnkit/models';
import { sparseCategoricalCrossentropy } from '@rnnkit/training';
import { charTokenizer, Vocab } from '@rnnkit/vocab';
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import {
  announce,
  bySize,
  COMMON_OPTION_NAMES,
  type CommonTaskOptions,
  checkKnown,
  defaultsLine,
  describeSize,
  packedInputs,
  type ResolvedCommon,
  resolveCommon,
  runTraining,
  shuffled,
  sideBySide,
  type TaskHooks,
} from './common.js';
import { checkInt, checkRange, TaskError } from './errors.js';

export const CONDITIONAL_GENERATION = 'conditional-generation';

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

export const CONDITIONAL_DEFAULTS = {
  large: { cell: 'lstm' as CellType, units: 128, epochs: 10, batchSize: 64 },
  medium: { cell: 'lstm' as CellType, units: 64, epochs: 20, batchSize: 32 },
  small: { cell: 'lstm' as CellType, units: 32, epochs: 40, batchSize: 16 },
} as const;
export const CONDITIONAL_LARGE_EXAMPLES = 20_000;
export const CONDITIONAL_MEDIUM_EXAMPLES = 2_000;
export const DEFAULT_MAX_TEXT_LENGTH = 20;
export const DEFAULT_MAX_PER_CONDITION = 5_000;

export interface ConditionalGenerationResolved extends ResolvedCommon {
  maxLength: number;
  maxPerCondition: number;
  conditionEveryStep: boolean;
}

export interface GenerateSequenceArgs {
  /** How many. Default 1. */
  count?: number;
  /** < 1 sharper, > 1 more random. Default 1. */
  temperature?: number;
  topK?: number;
  topP?: number;
  strategy?: 'greedy' | 'sample';
  /** Seed of the draws. Default 0. */
  seed?: number;
}

export interface ConditionalGenerator {
  readonly task: typeof CONDITIONAL_GENERATION;
  readonly options: ConditionalGenerationResolved;
  readonly vocab: Vocab;
  /** The conditions, in the order of the one-hot units. */
  readonly conditions: string[];
  readonly net: OneToManyModel;
  metrics: Record<string, number>;
  /** Bits per character (`<eos>` included) of held-out examples given their condition. */
  evaluate(heldOut: readonly ConditionalExample[]): { bitsPerChar: number; examples: number };
  /** Texts generated for a condition, each until `<eos>` (or maxLength characters). */
  generate(condition: string, args?: GenerateSequenceArgs): string[];
  save(dir: string): Promise<void>;
  dispose(): void;
}

const OPTION_NAMES = [
  ...COMMON_OPTION_NAMES,
  'maxLength',
  'maxPerCondition',
  'conditionEveryStep',
  'validation',
];

export function conditionalDefaults(
  examples: number,
  options: ConditionalGenerationOptions = {},
): { resolved: ConditionalGenerationResolved; line: string } {
  checkKnown(CONDITIONAL_GENERATION, options, OPTION_NAMES);
  const sized = bySize(
    CONDITIONAL_DEFAULTS,
    examples,
    CONDITIONAL_LARGE_EXAMPLES,
    CONDITIONAL_MEDIUM_EXAMPLES,
  );
  const common = resolveCommon(options, sized);
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
    describeSize(examples, 'examples'),
  );
  return { resolved, line };
}

function builderArgs(
  o: ConditionalGenerationResolved,
  vocabSize: number,
  conditions: number,
): OneToManyArgs {
  return {
    cell: o.cell,
    units: o.units,
    layers: o.layers,
    dropout: o.dropout,
    seed: o.seed,
    condition: { type: 'features', features: conditions },
    input: { type: 'oneHot', vocabSize },
    classes: vocabSize,
    conditionEveryStep: o.conditionEveryStep,
  };
}

/** The condition ids [n] as one-hot rows [n, C] float32. */
function conditionRows(ids: tf.Tensor, classes: number): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.cast(
        tf.oneHot(tf.cast(tf.reshape(ids, [-1]), 'int32'), classes),
        'float32',
      ) as tf.Tensor2D,
  );
}

/** tokensIn = <bos> text, y = text <eos>, both [n, T] padded with 0, mask [n, T]. */
function teacherForcing(
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

function checkExamples(data: unknown, what: string): asserts data is ConditionalExample[] {
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

/** Trains a conditional sequence generator. */
export async function trainConditionalGeneration(
  data: readonly ConditionalExample[],
  options: ConditionalGenerationOptions = {},
  hooks: TaskHooks = {},
): Promise<ConditionalGenerator> {
  checkExamples(data, 'conditional generation data');
  const { resolved: o } = conditionalDefaults(data.length, options);
  // seeded, balanced sample: at most maxPerCondition per condition
  const byCondition = new Map<string, ConditionalExample[]>();
  for (const i of shuffled(data.length, o.seed)) {
    const e = data[i]!;
    if (e.text.length > o.maxLength) continue;
    const list = byCondition.get(e.condition) ?? [];
    if (list.length < o.maxPerCondition) list.push(e);
    byCondition.set(e.condition, list);
  }
  const conditions = [...byCondition.keys()].sort();
  const rows = conditions.flatMap((c) => byCondition.get(c)!);
  if (rows.length === 0) {
    throw new TaskError(
      'BAD_DATA',
      `no example is at most maxLength (${o.maxLength}) characters long: raise maxLength`,
    );
  }
  const { line } = conditionalDefaults(rows.length, options);
  announce(hooks, line, { ...o });
  const vocab = Vocab.fromTexts(
    rows.map((e) => e.text),
    { tokenizer: charTokenizer(), specials: ['<pad>', '<unk>', '<bos>', '<eos>'] },
  );
  const T = o.maxLength + 1;
  const index = new Map(conditions.map((c, i) => [c, i]));
  /** [condition | <bos> text] -> [text <eos>] rows, as the packed model reads them. */
  const encode = (examples: readonly ConditionalExample[]) => {
    const t = teacherForcing(
      vocab,
      examples.map((e) => e.text),
      T,
    );
    const cond = Int32Array.from(examples, (e) => index.get(e.condition)!);
    const n = examples.length;
    return {
      x: tf.tensor2d(sideBySide(cond, 1, t.tokensIn, T), [n, 1 + T], 'int32'),
      y: tf.tensor2d(t.y, [n, T], 'int32'),
      mask: tf.tensor2d(t.mask, [n, T]),
    };
  };
  const net = oneToMany(builderArgs(o, vocab.size, conditions.length));
  const train = encode(rows);
  if (options.validation) checkExamples(options.validation, 'validation');
  const held = (options.validation ?? []).filter(
    (e) => e.text.length <= o.maxLength && index.has(e.condition),
  );
  const val = held.length ? encode(held) : undefined;
  try {
    await runTraining(
      'names',
      packedInputs(net.model, 1, (a) => conditionRows(a, conditions.length)),
      train,
      {
        loss: 'sparseCategoricalCrossentropy',
        common: o,
        ...(val ? { validation: val, metrics: ['bitsPerChar'] } : {}),
      },
      hooks,
    );
  } finally {
    tf.dispose([...Object.values(train), ...(val ? Object.values(val) : [])]);
  }
  return conditionalGenerator(net, vocab, conditions, o, {});
}

function conditionalGenerator(
  net: OneToManyModel,
  vocab: Vocab,
  conditions: string[],
  o: ConditionalGenerationResolved,
  metrics: Record<string, number>,
): ConditionalGenerator {
  const conditionId = (c: string): number => {
    const i = conditions.indexOf(c);
    if (i < 0) {
      throw new TaskError(
        'BAD_OPTION',
        `unknown condition ${JSON.stringify(c)}: expected one of ${conditions.join(', ')}`,
      );
    }
    return i;
  };
  const task: ConditionalGenerator = {
    task: CONDITIONAL_GENERATION,
    options: o,
    vocab,
    conditions,
    net,
    metrics,
    evaluate(heldOut) {
      checkExamples(heldOut, 'held-out data');
      const T = o.maxLength + 1;
      const texts = heldOut.map((e) => e.text.slice(0, o.maxLength));
      const tfd = teacherForcing(vocab, texts, T);
      let nats = 0;
      let chars = 0;
      const B = 256;
      for (let s = 0; s < texts.length; s += B) {
        const n = Math.min(B, texts.length - s);
        const loss = tf.tidy(() => {
          const c = conditionRows(
            tf.tensor1d(
              heldOut.slice(s, s + n).map((e) => conditionId(e.condition)),
              'int32',
            ),
            conditions.length,
          );
          const tokens = tf.tensor2d(tfd.tokensIn.subarray(s * T, (s + n) * T), [n, T], 'int32');
          const y = tf.tensor2d(tfd.y.subarray(s * T, (s + n) * T), [n, T], 'int32');
          const mask = tf.tensor2d(tfd.mask.subarray(s * T, (s + n) * T), [n, T]);
          const logits = net.model.predict([c, tokens]) as tf.Tensor;
          return sparseCategoricalCrossentropy(logits, y, mask);
        });
        let real = 0;
        for (const m of tfd.mask.subarray(s * T, (s + n) * T)) real += m;
        nats += loss.dataSync()[0]! * real;
        loss.dispose();
        chars += real;
      }
      const m = { bitsPerChar: nats / chars / Math.LN2, examples: heldOut.length };
      task.metrics = { ...m };
      return m;
    },
    generate(condition, args = {}) {
      const id = conditionId(condition);
      const count = checkInt('count', args.count ?? 1, 1, 'count: 10');
      const temperature = checkRange(
        'temperature',
        args.temperature ?? 1,
        1e-6,
        100,
        'temperature: 0.8',
      );
      const sampling = {
        temperature,
        ...(args.topK !== undefined ? { topK: args.topK } : {}),
        ...(args.topP !== undefined ? { topP: args.topP } : {}),
        ...(args.strategy !== undefined ? { strategy: args.strategy } : {}),
        // padding, unknown characters and the start token never belong inside a generated name
        suppress: [vocab.padId, vocab.unkId, vocab.bosId].filter((i) => i !== undefined),
      };
      const rand = mulberry32(args.seed ?? 0);
      const bos = vocab.bosId!;
      const eos = vocab.eosId!;
      const out: number[][] = Array.from({ length: count }, () => []);
      const done = new Array<boolean>(count).fill(false);
      const c = tf.tidy(() => conditionRows(tf.fill([count], id, 'int32'), conditions.length)); // [count, C]
      let state = net.conditionToState(c);
      let prev = new Int32Array(count).fill(bos);
      try {
        for (let t = 0; t < o.maxLength && done.includes(false); t++) {
          const p = tf.tensor1d(prev, 'int32');
          const r = net.step(p, state, c);
          p.dispose();
          tf.dispose(state);
          state = r.state;
          const logits = r.logits.dataSync(); // [count, classes]
          r.logits.dispose();
          const V = vocab.size;
          prev = new Int32Array(count);
          for (let i = 0; i < count; i++) {
            const tok = sampleToken(logits, sampling, rand, i * V, V);
            prev[i] = tok;
            if (done[i]) continue;
            if (tok === eos) done[i] = true;
            else out[i]!.push(tok);
          }
        }
      } finally {
        tf.dispose([c, ...state]);
      }
      return out.map((ids) => vocab.decode(ids, { skipSpecials: true }));
    },
    async save(dir) {
      await save(net.model, dir, {
        task: CONDITIONAL_GENERATION,
        topology: {
          builder: 'oneToMany',
          args: builderArgs(o, vocab.size, conditions.length) as unknown as Record<string, unknown>,
        },
        vocab: vocab.toJSON(),
        training: { config: { ...o, conditions }, metrics: task.metrics },
      });
    },
    dispose() {
      net.dispose();
    },
  };
  return task;
}

/** The task from a loaded artifact: the builder rebuilt (for its step model), the weights copied. */
export function restoreConditionalGeneration(loaded: LoadedModel): ConditionalGenerator {
  const config = loaded.meta.training?.config as unknown as
    | (ConditionalGenerationResolved & { conditions: string[] })
    | undefined;
  if (!loaded.vocab || !config?.conditions) {
    throw new TaskError(
      'BAD_ARTIFACT',
      'a conditional-generation artifact must hold its vocab and conditions: save it again',
    );
  }
  const { conditions, ...o } = config;
  const net = oneToMany(loaded.meta.topology.args as unknown as OneToManyArgs);
  net.model.setWeights(loaded.model.getWeights());
  loaded.model.dispose();
  return conditionalGenerator(
    net,
    loaded.vocab,
    conditions,
    o,
    loaded.meta.training?.metrics ?? {},
  );
}

export const conditionalGeneration = {
  name: CONDITIONAL_GENERATION,
  train: trainConditionalGeneration,
  defaults: conditionalDefaults,
} as const;
